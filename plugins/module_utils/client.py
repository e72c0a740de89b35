# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP client for the PortSIP PBX REST API.

It knows how to log in, when a request may be sent again and how to read
PortSIP's error bodies. It knows nothing about Ansible or about action URLs.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import random
import threading
import time
import traceback

try:
    import requests
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

# The PBX's fixed public OAuth client id for the password grant.
CLIENT_ID = "9d806019-75b2-4b3d-bb8b-f5a3a412cc0a"

# Statuses a gateway or an overloaded PBX answers before doing any work.
TRANSIENT_STATUSES = frozenset((429, 502, 503, 504))
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 8.0
RETRY_AFTER_CAP_SECONDS = 60.0

PAGE_SIZE = 100
MAX_PAGES = 100


class PortsipError(Exception):
    """A request that failed; carries what a person needs to act on it.

    Never holds credentials: the path has none and request bodies are not kept.
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
    """The server may or may not have applied a write: the answer was lost."""


def api_root(url):
    """Accept the PBX address with or without the ``/api`` suffix."""
    url = url.rstrip("/")
    return url if url.endswith("/api") else url + "/api"


def parse_errors(response):
    """Return PortSIP's ``errors`` list, whatever shape the body has."""
    try:
        body = response.json()
    except ValueError:
        text = (response.text or "").strip()
        return [{"code": None, "message": text[:300] or response.reason or "no details"}]
    entries = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(entries, list) or not entries:
        return [{"code": None, "message": str(body)[:300]}]
    errors = []
    for entry in entries:
        if isinstance(entry, dict):
            errors.append({key: entry.get(key) for key in ("code", "message", "detail") if entry.get(key) is not None})
        else:
            errors.append({"message": str(entry)})
    return errors


def describe_errors(errors):
    parts = []
    for entry in errors:
        text = " ".join(str(entry[key]) for key in ("code", "message") if entry.get(key))
        if entry.get("detail") not in (None, "", {}, []):
            text += " (%s)" % (entry["detail"],)
        parts.append(text)
    return "; ".join(parts) or "no details"


def retry_after_seconds(response):
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        seconds = parsed.timestamp() - time.time()
    return min(max(seconds, 0.0), RETRY_AFTER_CAP_SECONDS)


def backoff_seconds(attempt):
    """Full-jitter exponential backoff: spreads retries of many parallel tasks."""
    return random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_SECONDS * 2 ** attempt))


class Client:
    """One authenticated session with the PBX, used for a whole module run.

    Threads may share it: each gets its own requests Session (not documented as safe to share),
    while the token is shared and renewed by one thread at a time.
    """

    def __init__(self, url, username=None, password=None, domain=None, access_token=None,
                 validate_certs=True, ca_path=None, timeout=30, warn=None, sleep=time.sleep):
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
        self._warn = warn or (lambda message: None)
        self._sleep = sleep
        self._local = threading.local()
        # Reentrant: a login may send its own request through the same path.
        self._auth_lock = threading.RLock()

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

    def update(self, path, body):
        """POST an update; safe to repeat because it sets the whole object."""
        return self._call("POST", path, body=body)

    def destroy(self, path):
        """POST to ``/destroy``; repeating it can only find the object gone."""
        return self._call("POST", path + "/destroy")

    def create(self, path, body, find_created):
        """POST a new object and return its id; never sends the POST twice blindly.

        When the answer leaves it unknown whether the server created the object (no answer,
        or a 5xx), ``find_created()`` looks for it; only when it returns None is the POST sent
        again. ``find_created`` returns the id of the object the POST would have made, or None.
        """
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                answer = self._call("POST", path, body=body, ambiguous_is_final=True) or {}
            except AmbiguousWriteError as error:
                created = find_created()
                if created is not None:
                    self._warn("%s; it was created, so it is not sent again" % error)
                    return created
                if attempt == MAX_ATTEMPTS:
                    raise
                delay = backoff_seconds(attempt)
                self._warn("%s; it was not created, creating again in %.1f s (attempt %d of %d)"
                           % (error, delay, attempt + 1, MAX_ATTEMPTS))
                self._sleep(delay)
                continue
            return answer.get("id") or find_created()

    def list_all(self, path, params=None):
        """Follow ``skip``/``top`` until ``count`` items are read.

        Items are keyed by id and ``skip`` advances by what was really received, so a server
        that caps the page size or counts ``skip`` from 1 still yields every item once.
        """
        items = {}
        for _page in range(MAX_PAGES):
            query = dict(params or {}, skip=len(items), top=PAGE_SIZE)
            answer = self.get(path, params=query) or {}
            page = answer.get("items") or []
            count = answer.get("count")
            before = len(items)
            for item in page:
                items.setdefault(item.get("id"), item)
            if count is None or len(items) >= count:
                return list(items.values())
            if len(items) == before:
                raise PortsipError("paging stopped after %d of %d items: the server returned no new items" % (len(items), count),
                                   "GET", path)
        raise PortsipError("more than %d pages (%d items); refusing to return a partial list" % (MAX_PAGES, MAX_PAGES * PAGE_SIZE),
                           "GET", path)

    # -- plumbing -----------------------------------------------------------

    def _call(self, method, path, params=None, body=None, ambiguous_is_final=False):
        with self._auth_lock:
            if not self._access_token:
                self._log_in()
        recoveries = ["refresh", "log_in"]
        attempt = 0
        while True:
            attempt += 1
            token = self._access_token
            try:
                response = self._send(method, path, params=params, body=body, authenticated=True)
            except (requests.ConnectionError, requests.Timeout) as error:
                if ambiguous_is_final:
                    raise AmbiguousWriteError("no answer (%s); the object may or may not have been created" % type(error).__name__,
                                              method, path)
                self._retry_or_raise(method, path, attempt, "no answer (%s)" % type(error).__name__, None, error)
                continue
            if response.status_code == 401 and self._reauthenticate(recoveries, token):
                continue
            if response.status_code in TRANSIENT_STATUSES or (ambiguous_is_final and response.status_code >= 500):
                if ambiguous_is_final and response.status_code != 429:
                    errors = parse_errors(response)
                    raise AmbiguousWriteError("%s; the object may or may not have been created" % describe_errors(errors),
                                              method, path, response.status_code, errors)
                self._retry_or_raise(method, path, attempt, "HTTP %s" % response.status_code, response, None)
                continue
            return self._answer(method, path, response)

    def _retry_or_raise(self, method, path, attempt, reason, response, error):
        if attempt >= MAX_ATTEMPTS:
            if response is not None:
                self._answer(method, path, response)
            raise PortsipError("%s after %d attempts: %s" % (reason, attempt, error), method, path)
        delay = retry_after_seconds(response) if response is not None else None
        if delay is None:
            delay = backoff_seconds(attempt)
        self._warn("%s %s: %s, retrying in %.1f s (attempt %d of %d)" % (method, path, reason, delay, attempt + 1, MAX_ATTEMPTS))
        self._sleep(delay)

    def _send(self, method, path, params=None, body=None, form=None, authenticated=True):
        headers = {"Authorization": "Bearer %s" % self._access_token} if authenticated else {}
        try:
            return self.session.request(method, self.root + path, params=params, json=body, data=form, headers=headers,
                                        verify=self._verify, timeout=self._timeout)
        except requests.exceptions.SSLError as error:
            # A certificate problem does not go away by trying again.
            raise PortsipError("TLS failed (%s); if the PBX uses a private CA, set pbx_ca_path to its certificate, "
                               "or pbx_validate_certs to false on a trusted network" % error, method, path)

    def _answer(self, method, path, response):
        if response.status_code >= 400:
            errors = parse_errors(response)
            raise PortsipError(describe_errors(errors), method, path, response.status_code, errors)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise PortsipError("the answer is not JSON: %r" % response.text[:200], method, path, response.status_code)

    # -- authentication ---------------------------------------------------

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

    def _refresh_tokens(self):
        """Refresh the way the token was obtained: each login flow has its own refresh."""
        if self._signed_in:
            return self._token_request("/auth/refresh_token", body={"refresh_token": self._refresh_token})
        return self._token_request("/login/oauth/token", form={
            "grant_type": "refresh_token", "refresh_token": self._refresh_token, "client_id": CLIENT_ID})

    def _token_request(self, path, form=None, body=None):
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._send("POST", path, form=form, body=body, authenticated=False)
            except (requests.ConnectionError, requests.Timeout) as error:
                self._retry_or_raise("POST", path, attempt, "no answer (%s)" % type(error).__name__, None, error)
                continue
            if response.status_code in TRANSIENT_STATUSES:
                self._retry_or_raise("POST", path, attempt, "HTTP %s" % response.status_code, response, None)
                continue
            if response.status_code in (400, 401, 403):
                errors = parse_errors(response)
                raise PortsipError("login refused: %s" % describe_errors(errors), "POST", path, response.status_code, errors,
                                   hint="check pbx_username, pbx_password and pbx_domain (a tenant admin needs the tenant's SIP domain)")
            return self._answer("POST", path, response) or {}

    def _store_tokens(self, answer):
        if answer.get("two_factor_enabled"):
            raise PortsipError("the account has two-factor authentication enabled; use an automation account without 2FA "
                               "or pass pbx_access_token", "POST", "/auth/sign_in")
        if not answer.get("access_token"):
            raise PortsipError("the login answer has no access_token", "POST", "/login/oauth/token")
        self._access_token = answer["access_token"]
        self._refresh_token = answer.get("refresh_token") or self._refresh_token
