# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The PBX's REST API as a client: reads, writes and creates, each with the retry policy that suits it.

It composes the transport (one request), the retry policy, the login and its tokens, the redaction
and the paging. It knows nothing about Ansible or about action URLs; its errors carry facts, which
the module layer words.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import itertools
import time

from ansible_collections.portsip.pbx.plugins.module_utils import retry
from ansible_collections.portsip.pbx.plugins.module_utils.answers import answer, describe_errors, is_item, items, parse_errors, shape_error
from ansible_collections.portsip.pbx.plugins.module_utils.auth import Auth
from ansible_collections.portsip.pbx.plugins.module_utils.errors import AmbiguousWriteError, RequestError
from ansible_collections.portsip.pbx.plugins.module_utils.paging import read_all
from ansible_collections.portsip.pbx.plugins.module_utils.redaction import Redactor
from ansible_collections.portsip.pbx.plugins.module_utils.transport import NoAnswer, Transport


class _Repeatable:
    """A request the PBX may get twice without harm (a read, an update of the whole object, a destroy): sent again
    after a lost answer or a transient status, and with a renewed token after a 401."""

    authenticated = True

    def no_answer(self, failure, method, path):
        """Raise where a lost answer must not lead to sending again."""

    def final(self, client, method, path, response):
        """Raise where this answer ends the request, before the retry policy looks at it."""


class _Create(_Repeatable):
    """A POST that makes a new object: sent again only when it surely never reached the PBX, as it may commit late."""

    def no_answer(self, failure, method, path):
        if failure.sent:
            raise AmbiguousWriteError("%s; the object may or may not have been created" % failure.reason, method, path)

    def final(self, client, method, path, response):
        if response.status_code >= 500:
            errors = parse_errors(response, client.redact)
            raise AmbiguousWriteError("%s; the object may or may not have been created" % describe_errors(errors),
                                      method, path, response.status_code, errors, retry.retry_after_seconds(response))


class _Login(_Repeatable):
    """A login's own request: no token to send or renew, and a 400, 401 or 403 is a refusal. Re-authenticating on its
    401 would wait for the lock this login's caller holds."""

    authenticated = False

    def final(self, client, method, path, response):
        if response.status_code in (400, 401, 403):
            raise client.auth.refusal(path, response)


REPEATABLE, CREATE, LOGIN = _Repeatable(), _Create(), _Login()


class Client:
    """One authenticated session with the PBX, used for a whole module run.

    Threads may share it: each gets its own requests Session, while the token is shared and
    renewed by one thread at a time.
    """

    def __init__(self, url, username=None, password=None, domain=None, access_token=None,
                 validate_certs=True, ca_path=None, timeout=30, warn=None, sleep=time.sleep, secrets=(), timeout_name="timeout"):
        """``timeout_name``: how messages name the timeout, which also bounds the wait for a create of unknown fate."""
        self.redact = Redactor(tuple(secrets) + (password, access_token))
        self.transport = Transport(url, validate_certs, ca_path, timeout, self.redact)
        self.root = self.transport.root
        self.auth = Auth(username, password, domain, access_token, self.redact,
                         lambda path, form=None, body=None: self._call("POST", path, form=form, body=body, kind=LOGIN))
        self._timeout_name = timeout_name
        self._report = warn or (lambda message: None)
        self._sleep = sleep

    @property
    def session(self):
        """The calling thread's Session, which keeps its connection alive between requests."""
        return self.transport.session

    # -- reads and writes -------------------------------------------------

    def get(self, path, params=None):
        return self._call("GET", path, params=params)

    def get_object(self, path):
        """GET one object: the answer must be a JSON object with an id."""
        found = self.get(path)
        if not is_item(found):
            raise shape_error("GET", path, "a JSON object with an id", found, self.redact)
        return found

    def get_items(self, path):
        """GET an unpaged list: the answer must be a JSON object whose ``items`` is a list of objects with ids.

        An answer of another shape is an error, never an empty list: "nothing there" must come from
        the PBX saying so, or a create would make a duplicate and a delete would report success.
        """
        return items("GET", path, self.get(path), self.redact)

    def list_all(self, path, params=None):
        """Every item of a paged list (paging.read_all)."""
        return read_all(self.get, path, params, self.redact)

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
        later, so the client looks for the object over a grace window of the timeout and, if it
        does not appear, fails without sending it again: a rerun converges.
        """
        try:
            created = self._call("POST", path, body=body, kind=CREATE)
        except AmbiguousWriteError as error:
            return self._settle(error, find_created)
        created = created.get("id") if isinstance(created, dict) else None
        if isinstance(created, str) and created:
            return created
        created = find_created()
        if created is None:
            raise RequestError("the PBX answered with success but gave no id, and no such object exists: nothing "
                               "was created", "POST", path)
        return created

    def log_in(self):
        """Log in with the username and password now; returns the PBX's token answer.

        The answer holds ``access_token`` and, as the PBX sends them, ``token_type`` and
        ``expires_in`` (seconds); it also holds the refresh token, which the caller must not show.
        """
        return self.auth.log_in()

    def wait(self, seconds):
        """Pause the run; the client's sleep, so that tests can drive it."""
        if seconds > 0:
            self._sleep(seconds)

    def warn(self, message):
        """A warning for the user, cleared of every secret the client knows."""
        self._report(self.redact(message))

    # -- plumbing -----------------------------------------------------------

    def _call(self, method, path, params=None, body=None, form=None, kind=REPEATABLE):
        """One request of ``kind`` with the retry policy: repeat what the server surely did not apply, re-authenticate
        once on 401."""
        if kind.authenticated:
            self.auth.ensure()
        recoveries = ["refresh", "log_in"] if kind.authenticated else []
        for attempt in itertools.count(1):
            token = self.auth.token
            try:
                response = self.transport.send(method, path, params, body, form, self.auth.bearer if kind.authenticated else None)
            except NoAnswer as failure:
                kind.no_answer(failure, method, path)
                self._retry_or_raise(method, path, attempt, failure.reason, None)
                continue
            if response.status_code == 401 and kind.authenticated and self.auth.renew(recoveries, token):
                continue
            kind.final(self, method, path, response)
            if response.status_code in retry.TRANSIENT_STATUSES:
                self._retry_or_raise(method, path, attempt, "HTTP %s" % response.status_code, response)
                continue
            return answer(method, path, response, self.redact)

    def _retry_or_raise(self, method, path, attempt, reason, response):
        if attempt >= retry.MAX_ATTEMPTS:
            if response is not None:
                answer(method, path, response, self.redact)
            raise RequestError("%s after %d attempts" % (reason, attempt), method, path)
        delay = retry.delay_before(attempt, response)
        self.warn("%s %s: %s, retrying in %.1f s (attempt %d of %d)" % (method, path, reason, delay, attempt + 1, retry.MAX_ATTEMPTS))
        self._sleep(delay)

    def _settle(self, error, find_created):
        delays = retry.settle_delays(error.retry_after, self.transport.timeout)
        self.warn("%s; looking for it for up to %d s (%s) instead of sending it again" % (error, sum(delays), self._timeout_name))
        for delay in delays:
            if delay:
                self._sleep(delay)
            created = find_created()
            if created is not None:
                self.warn("%s %s: the object was created after all, so the create is not sent again" % (error.method, error.path))
                return created
        raise AmbiguousWriteError("%s, and it did not appear within %d s (%s). It is not sent again, so "
                                  "that no duplicate can arise if the PBX still commits it: run the task again, it "
                                  "will find the object or create it" % (error.message, sum(delays), self._timeout_name),
                                  error.method, error.path, error.status, error.errors)
