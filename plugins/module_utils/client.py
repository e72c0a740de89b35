# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP client for the PortSIP PBX REST API.

It knows how to log in, when a request may be sent again, how to read PortSIP's
error bodies and which answers are not the documented shape. It knows nothing
about Ansible or about action URLs. Every text the server sends is cleared of
the secrets the client knows before it reaches a message or a warning.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import itertools
import json
import math
import random
import re
import threading
import time
import traceback
from urllib.parse import quote, quote_plus

try:
    import requests
    from urllib3.exceptions import NewConnectionError
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

# The PBX's fixed public OAuth client id for the password grant.
CLIENT_ID = "9d806019-75b2-4b3d-bb8b-f5a3a412cc0a"

# Statuses a gateway or an overloaded PBX answers without applying a repeatable request.
TRANSIENT_STATUSES = frozenset((429, 502, 503, 504))
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 8.0
RETRY_AFTER_CAP_SECONDS = 60.0
# Added to a server's Retry-After, so parallel tasks told the same time do not all come back at once.
RETRY_AFTER_JITTER_SECONDS = 1.0

PAGE_SIZE = 100
MAX_ITEMS = 10000

# How much of a server's error text a message keeps.
MAX_TEXT = 300
REDACTED = "********"
# A secret echoed in part is still a leak: any run of this many characters of one is removed too.
SECRET_PIECE = 8
# Shorter values cannot be told apart from ordinary words: removing them would garble every message.
MIN_SECRET = 4
_TWO_FACTOR = re.compile(r"two[- ]?factor|\b2fa\b|\bmfa\b", re.IGNORECASE)


class PortsipError(Exception):
    """A request that failed; carries what a person needs to act on it.

    Never holds credentials: the path has none, request bodies are not kept and
    the server's words are redacted before they get here.
    """

    def __init__(self, message, method=None, path=None, status=None, errors=None, hint=None):
        super(PortsipError, self).__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.errors = errors or []
        self.hint = hint

    def __str__(self):
        where = "%s %s: " % (self.method, self.path) if self.method else ""
        status = "HTTP %s: " % self.status if self.status else ""
        return where + status + self.message

    def to_result(self):
        return dict(method=self.method, path=self.path, status=self.status, errors=self.errors)


class AmbiguousWriteError(PortsipError):
    """The server may or may not have applied a write: the answer was lost or was a server error."""

    def __init__(self, message, method=None, path=None, status=None, errors=None, retry_after=None):
        super(AmbiguousWriteError, self).__init__(message, method, path, status, errors)
        self.retry_after = retry_after


class _NoAnswer(Exception):
    """No whole answer arrived; ``sent`` is False only when the request surely never left."""

    def __init__(self, error, address):
        super(_NoAnswer, self).__init__(error)
        self.reason = "no answer from %s (%s)" % (address, type(error).__name__)
        self.sent = not _never_sent(error)


def _never_sent(error):
    """Whether the connection failed before any byte of the request went out (timeout or refusal while connecting)."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)


class Redactor:
    """Removes known secrets, whole or in pieces, from text that came from the server.

    Threads share one: each call reads the set of secrets as it is, and adding makes a new set.
    """

    def __init__(self, secrets=()):
        self._secrets = frozenset()
        self._adding = threading.Lock()
        self.add(*secrets)

    def add(self, *secrets):
        forms = set()
        for secret in secrets:
            if isinstance(secret, str) and len(secret) >= MIN_SECRET:
                forms.update(_spellings(secret))
        with self._adding:
            self._secrets = self._secrets | forms

    def __call__(self, text):
        text = str(text)
        # Every place of the text that any whole secret or any run of SECRET_PIECE of its characters covers is found
        # in the text as it came, before anything is replaced: replacing one match at a time could cut into another
        # and leave its ends showing. Each stretch of hidden characters reads as one REDACTED.
        hidden = [False] * len(text)
        for secret in self._secrets:
            pieces = {secret[start:start + SECRET_PIECE] for start in range(len(secret) - SECRET_PIECE + 1)}
            for piece in pieces | {secret}:
                found = text.find(piece)
                while found != -1:
                    hidden[found:found + len(piece)] = [True] * len(piece)
                    found = text.find(piece, found + 1)
        return "".join(REDACTED if covered else "".join(char for char, _covered in run)
                       for covered, run in itertools.groupby(zip(text, hidden), key=lambda pair: pair[1]))

    def value(self, value):
        """A JSON value from the server with every string in it redacted."""
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.value(item) for item in value]
        return self(value) if isinstance(value, str) else value


def _spellings(secret):
    """The forms in which a server echoing a request would show ``secret``: as sent, JSON-escaped, and percent- or
    form-encoded (a login is a form), with upper- or lowercase hex digits."""
    encoded = {quote(secret, safe=""), quote_plus(secret, safe="")}
    encoded |= {re.sub(r"%[0-9A-F]{2}", lambda escape: escape.group().lower(), form) for form in encoded}
    return {secret, json.dumps(secret)[1:-1]} | encoded


def api_root(url):
    """Accept the PBX address with or without the ``/api`` suffix."""
    url = url.rstrip("/")
    return url if url.endswith("/api") else url + "/api"


def shorten(text):
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "..."


def parse_errors(response, redact):
    """Return PortSIP's ``errors`` list, whatever shape the body has, with secrets redacted.

    Redaction comes before any cut, so a cut can never leave part of a secret behind.
    """
    try:
        body = response.json()
    except ValueError:
        text = shorten(redact((response.text or "").strip()))
        return [{"code": None, "message": text or response.reason or "no details"}]
    entries = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(entries, list) or not entries:
        return [{"code": None, "message": shorten(redact(body))}]
    errors = []
    for entry in entries:
        if isinstance(entry, dict):
            errors.append({key: redact.value(entry[key]) for key in ("code", "message", "detail") if entry.get(key) is not None})
        else:
            errors.append({"message": shorten(redact(entry))})
    return errors


def describe_errors(errors):
    parts = []
    for entry in errors:
        text = " ".join(str(entry[key]) for key in ("code", "message") if entry.get(key))
        if entry.get("detail") not in (None, "", {}, []):
            text += " (%s)" % (entry["detail"],)
        parts.append(text)
    return shorten("; ".join(parts)) or "no details"


def retry_after_seconds(response):
    """The server's Retry-After in seconds, capped; None when absent or not a finite time."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            return None
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP_SECONDS)


def backoff_seconds(attempt):
    """Full-jitter exponential backoff: spreads retries of many parallel tasks."""
    return random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_SECONDS * 2 ** attempt))


def settle_delays(first, window):
    """When to look for an object whose create may still commit: now (or after ``first``), then at doubling gaps until ``window`` s are spent."""
    delays = [min(first or 0.0, window)]
    gap = 1.0
    while sum(delays) < window:
        delays.append(min(gap, window - sum(delays)))
        gap *= 2
    return delays


class Client:
    """One authenticated session with the PBX, used for a whole module run.

    Threads may share it: each gets its own requests Session (not documented as safe to share),
    while the token is shared and renewed by one thread at a time.
    """

    def __init__(self, url, username=None, password=None, domain=None, access_token=None,
                 validate_certs=True, ca_path=None, timeout=30, warn=None, sleep=time.sleep, secrets=()):
        self.root = api_root(url)
        self._username = username
        self._password = password
        self._domain = domain
        self._access_token = access_token
        self._refresh_token = None
        self._signed_in = False
        # Passed with each request, never set on the Session: requests lets REQUESTS_CA_BUNDLE
        # override a Session-level verify=False. None means "verify, honouring REQUESTS_CA_BUNDLE".
        if not validate_certs:
            self._verify = False
        else:
            self._verify = ca_path or None
        self._timeout = timeout
        self.redact = Redactor(tuple(secrets) + (password, access_token))
        self._report = warn or (lambda message: None)
        self._sleep = sleep
        self._local = threading.local()
        # Held while the token is obtained or renewed; the login's own requests (login=True) never take it.
        self._auth_lock = threading.Lock()

    @property
    def session(self):
        """The calling thread's Session, which keeps its connection alive between requests."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers["Accept"] = "application/json"
        return session

    # -- reads and writes -------------------------------------------------

    def get(self, path, params=None):
        return self._call("GET", path, params=params)

    def get_object(self, path):
        """GET one object: the answer must be a JSON object with an id."""
        answer = self.get(path)
        if not _is_item(answer):
            raise self._shape_error("GET", path, "a JSON object with an id", answer)
        return answer

    def get_items(self, path):
        """GET an unpaged list: the answer must be a JSON object whose ``items`` is a list of objects with ids.

        An answer of another shape is an error, never an empty list: "nothing there" must come from
        the PBX saying so, or a create would make a duplicate and a delete would report success.
        """
        return self._items("GET", path, self.get(path))

    def update(self, path, body):
        """POST an update; safe to repeat because it sets the whole object."""
        return self._call("POST", path, body=body)

    def destroy(self, path):
        """POST to ``/destroy``; repeating it can only find the object gone."""
        return self._call("POST", path + "/destroy")

    def create(self, path, body, find_created):
        """POST a new object and return its id; never lets one create make two objects.

        ``find_created()`` returns the id of the object the POST would make, or None. The POST is
        sent again only when it surely never reached the PBX (no connection, or 429). When it may
        have (no answer after sending, a truncated answer, a 5xx), the PBX can still commit it
        later, so the client looks for the object over a grace window of ``pbx_timeout`` seconds
        and, if it does not appear, fails without sending it again: a rerun converges.
        """
        try:
            answer = self._call("POST", path, body=body, create=True)
        except AmbiguousWriteError as error:
            return self._settle(error, find_created)
        created = answer.get("id") if isinstance(answer, dict) else None
        if isinstance(created, str) and created:
            return created
        created = find_created()
        if created is None:
            raise PortsipError("the PBX answered with success but gave no id, and no such object exists: nothing "
                               "was created", "POST", path)
        return created

    def list_all(self, path, params=None):
        """Follow ``skip``/``top`` until ``count`` items are read.

        Items are keyed by id and ``skip`` advances by what was really received, so a server that
        caps the page size still yields every item once. A page that starts with an item already
        read shows a server that counts ``skip`` from 1: from then on ``skip`` is one more. Without
        a ``count`` it reads on until a page is empty. A page that brings only items already read
        (a server or cache that ignores ``skip``) is an error, never the end of the list.
        """
        items = {}
        base = 0
        while True:
            query = dict(params or {}, skip=len(items) + base, top=PAGE_SIZE)
            answer = self.get(path, params=query)
            page = self._items("GET", path, answer)
            count = answer.get("count")
            if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
                raise self._shape_error("GET", path, "a whole number as count", count)
            if count is not None and count > MAX_ITEMS:
                raise PortsipError("the PBX counts %d items, more than the %d this collection reads; refusing to work "
                                   "from a partial list" % (count, MAX_ITEMS), "GET", path)
            before = len(items)
            overlaps = bool(page) and page[0]["id"] in items
            for item in page:
                items.setdefault(item["id"], item)
            if len(items) > MAX_ITEMS:
                raise PortsipError("more than %d items after %d were read; refusing to work from a partial list"
                                   % (MAX_ITEMS, len(items)), "GET", path)
            if (count is not None and len(items) >= count) or (count is None and not page):
                return list(items.values())
            if overlaps and not base:
                base = 1
                continue
            if len(items) == before:
                total = "" if count is None else " of %d" % count
                raise PortsipError("paging stopped after %d%s items: the page at skip=%d brought only items already read "
                                   "(does the server ignore skip?)" % (len(items), total, query["skip"]), "GET", path)

    def wait(self, seconds):
        """Pause the run; the client's sleep, so that tests can drive it."""
        if seconds > 0:
            self._sleep(seconds)

    def warn(self, message):
        """A warning for the user, cleared of every secret the client knows."""
        self._report(self.redact(message))

    # -- plumbing -----------------------------------------------------------

    def _call(self, method, path, params=None, body=None, form=None, create=False, login=False):
        """One request with the retry policy: repeat what the server surely did not apply, re-authenticate once on 401."""
        if not login:
            with self._auth_lock:
                if not self._access_token:
                    self._log_in()
        recoveries = [] if login else ["refresh", "log_in"]
        for attempt in itertools.count(1):
            token = self._access_token
            try:
                response = self._send(method, path, params=params, body=body, form=form, authenticated=not login)
            except _NoAnswer as failure:
                if create and failure.sent:
                    raise AmbiguousWriteError("%s; the object may or may not have been created" % failure.reason, method, path)
                self._retry_or_raise(method, path, attempt, failure.reason, None)
                continue
            status = response.status_code
            # A login's own 401 is a refusal: re-authenticating would wait for the lock this login's caller holds.
            if status == 401 and not login and self._reauthenticate(recoveries, token):
                continue
            if create and status >= 500:
                errors = parse_errors(response, self.redact)
                raise AmbiguousWriteError("%s; the object may or may not have been created" % describe_errors(errors),
                                          method, path, status, errors, retry_after_seconds(response))
            if status in TRANSIENT_STATUSES:
                self._retry_or_raise(method, path, attempt, "HTTP %s" % status, response)
                continue
            if login and status in (400, 401, 403):
                raise self._login_refused(path, response)
            return self._answer(method, path, response)

    def _retry_or_raise(self, method, path, attempt, reason, response):
        if attempt >= MAX_ATTEMPTS:
            if response is not None:
                self._answer(method, path, response)
            raise PortsipError("%s after %d attempts" % (reason, attempt), method, path)
        delay = retry_after_seconds(response) if response is not None else None
        if delay is None:
            delay = backoff_seconds(attempt)
        else:
            delay += random.uniform(0, RETRY_AFTER_JITTER_SECONDS)
        self.warn("%s %s: %s, retrying in %.1f s (attempt %d of %d)" % (method, path, reason, delay, attempt + 1, MAX_ATTEMPTS))
        self._sleep(delay)

    def _settle(self, error, find_created):
        delays = settle_delays(error.retry_after, self._timeout)
        self.warn("%s; looking for it for up to %d s (pbx_timeout) instead of sending it again" % (error, sum(delays)))
        for delay in delays:
            if delay:
                self._sleep(delay)
            created = find_created()
            if created is not None:
                self.warn("%s %s: the object was created after all, so the create is not sent again" % (error.method, error.path))
                return created
        raise AmbiguousWriteError("%s, and it did not appear within %d s (pbx_timeout). It is not sent again, so "
                                  "that no duplicate can arise if the PBX still commits it: run the task again, it "
                                  "will find the object or create it" % (error.message, sum(delays)),
                                  error.method, error.path, error.status, error.errors)

    def _send(self, method, path, params=None, body=None, form=None, authenticated=True):
        # An explicit auth keeps requests from reading ~/.netrc, whose credentials would
        # replace the bearer token and go to the PBX. Proxy and CA-bundle variables still apply.
        auth = self._bearer if authenticated else _no_auth
        try:
            return self.session.request(method, self.root + path, params=params, json=body, data=form, auth=auth,
                                        verify=self._verify, timeout=self._timeout, allow_redirects=False)
        except requests.exceptions.SSLError as error:
            # A certificate problem does not go away by trying again.
            raise PortsipError("TLS failed (%s); if the PBX uses a private CA, set pbx_ca_path to its certificate, "
                               "or pbx_validate_certs to false on a trusted network" % self.redact(error), method, path)
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as error:
            raise _NoAnswer(error, self.root)
        except requests.RequestException as error:
            raise PortsipError("the request failed: %s" % self.redact(error), method, path)

    def _bearer(self, request):
        request.headers["Authorization"] = "Bearer %s" % self._access_token
        return request

    def _answer(self, method, path, response):
        if 300 <= response.status_code < 400:
            raise PortsipError("the PBX answered with a redirect to %s, which is not followed: set pbx_url to the "
                               "address the PBX serves its API on" % self.redact(response.headers.get("Location") or "nowhere"),
                               method, path, response.status_code)
        if response.status_code >= 400:
            errors = parse_errors(response, self.redact)
            raise PortsipError(describe_errors(errors), method, path, response.status_code, errors)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise PortsipError("the answer is not JSON: %s" % shorten(self.redact(response.text)), method, path, response.status_code)

    def _items(self, method, path, answer):
        items = answer.get("items") if isinstance(answer, dict) else None
        if not isinstance(items, list) or not all(_is_item(item) for item in items):
            raise self._shape_error(method, path, "a JSON object whose items are a list of objects with ids", answer)
        return items

    def _shape_error(self, method, path, expected, answer):
        got = "no body" if answer is None else shorten(self.redact(json.dumps(answer)))
        return PortsipError("the answer is not the documented shape: expected %s, got %s" % (expected, got), method, path)

    # -- authentication ---------------------------------------------------

    def log_in(self):
        """Log in with the username and password now; returns the PBX's token answer.

        The answer holds ``access_token`` and, as the PBX sends them, ``token_type`` and
        ``expires_in`` (seconds); it also holds the refresh token, which the caller must not show.
        """
        return self._log_in()

    def _reauthenticate(self, recoveries, refused_token):
        """After a 401: refresh the token once, then log in again once, then give up.

        A thread whose token another thread has renewed meanwhile just sends again with the new one.
        """
        with self._auth_lock:
            if self._access_token != refused_token:
                return True
            return self._recover(recoveries)

    def _recover(self, recoveries):
        while recoveries:
            step = recoveries.pop(0)
            if step == "refresh" and self._refresh_token:
                try:
                    self._store_tokens(self._refresh_tokens())
                    return True
                except PortsipError:
                    continue
            if step == "log_in" and self._username and self._password:
                self._log_in()
                return True
        return False

    def _log_in(self):
        if not (self._username and self._password):
            raise PortsipError("no credentials: set pbx_access_token, or pbx_username and pbx_password")
        form = {"grant_type": "password", "username": self._username, "password": self._password,
                "scope": "all", "client_id": CLIENT_ID}
        if self._domain:
            form["domain"] = self._domain
        try:
            answer = self._token_request("/login/oauth/token", form=form)
            self._signed_in = False
        except PortsipError as error:
            if error.status not in (404, 405):
                raise
            # Servers without the OAuth endpoint offer the 22.2+ sign-in instead.
            body = {key: form[key] for key in ("username", "password", "domain") if key in form}
            answer = self._token_request("/auth/sign_in", body=body)
            self._signed_in = True
        self._store_tokens(answer)
        return answer

    def _refresh_tokens(self):
        """Refresh the way the token was obtained: each login flow has its own refresh."""
        if self._signed_in:
            return self._token_request("/auth/refresh_token", body={"refresh_token": self._refresh_token})
        return self._token_request("/login/oauth/token", form={
            "grant_type": "refresh_token", "refresh_token": self._refresh_token, "client_id": CLIENT_ID})

    def _token_request(self, path, form=None, body=None):
        answer = self._call("POST", path, form=form, body=body, login=True)
        if not isinstance(answer, dict):
            raise self._shape_error("POST", path, "a JSON object with an access_token", answer)
        return answer

    def _login_refused(self, path, response):
        errors = parse_errors(response, self.redact)
        if _TWO_FACTOR.search(describe_errors(errors)):
            return _two_factor_error(path)
        return PortsipError("login refused: %s" % describe_errors(errors), "POST", path, response.status_code, errors,
                            hint="check pbx_username, pbx_password and pbx_domain (a tenant admin needs the tenant's SIP domain)")

    def _store_tokens(self, answer):
        if answer.get("two_factor_enabled"):
            raise _two_factor_error("/auth/sign_in")
        if not isinstance(answer.get("access_token"), str) or not answer["access_token"]:
            raise PortsipError("the login answer has no access_token", "POST", "/login/oauth/token")
        self._access_token = answer["access_token"]
        self._refresh_token = answer.get("refresh_token") or self._refresh_token
        self.redact.add(self._access_token, self._refresh_token)


def _no_auth(request):
    return request


def _is_item(value):
    return isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"] != ""


def _two_factor_error(path):
    return PortsipError("the account has two-factor authentication enabled; use an automation account without 2FA "
                        "or pass pbx_access_token", "POST", path)
