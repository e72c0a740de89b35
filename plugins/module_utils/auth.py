# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Who the client is to the PBX: the login, the tokens, and their renewal when the PBX refuses one."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import threading

from ansible_collections.portsip.pbx.plugins.module_utils.answers import describe_errors, parse_errors, shape_error
from ansible_collections.portsip.pbx.plugins.module_utils.errors import RequestError

# The PBX's fixed public OAuth client id for the password grant.
CLIENT_ID = "9d806019-75b2-4b3d-bb8b-f5a3a412cc0a"
_TWO_FACTOR = re.compile(r"two[- ]?factor|\b2fa\b|\bmfa\b", re.IGNORECASE)


class Auth:
    """The account and its tokens, shared by the threads of one client.

    ``post(path, form=None, body=None)`` sends a login request: without a token, and never renewing one, so a login
    can run while ``lock`` is held.
    """

    def __init__(self, username, password, domain, access_token, redact, post):
        self._username = username
        self._password = password
        self._domain = domain
        self.token = access_token
        self._refresh_token = None
        self._signed_in = False
        self._redact = redact
        self._post = post
        # Held while the token is obtained or renewed; the login's own requests never take it.
        self.lock = threading.Lock()

    def bearer(self, request):
        request.headers["Authorization"] = "Bearer %s" % self.token
        return request

    def ensure(self):
        """Log in unless there is a token."""
        with self.lock:
            if not self.token:
                self.log_in()

    def renew(self, recoveries, refused_token):
        """After a 401: refresh the token once, then log in again once, then give up.

        A thread whose token another thread has renewed meanwhile just sends again with the new one.
        """
        with self.lock:
            if self.token != refused_token:
                return True
            return self._recover(recoveries)

    def _recover(self, recoveries):
        while recoveries:
            step = recoveries.pop(0)
            if step == "refresh" and self._refresh_token:
                try:
                    self._store_tokens(self._refresh_tokens())
                    return True
                except RequestError:
                    continue
            if step == "log_in" and self._username and self._password:
                self.log_in()
                return True
        return False

    def log_in(self):
        """Log in with the username and password now; returns the PBX's token answer."""
        if not (self._username and self._password):
            raise RequestError("no credentials", kind="no_credentials")
        form = {"grant_type": "password", "username": self._username, "password": self._password,
                "scope": "all", "client_id": CLIENT_ID}
        if self._domain:
            form["domain"] = self._domain
        try:
            answer = self._token_request("/login/oauth/token", form=form)
            self._signed_in = False
        except RequestError as error:
            if error.status not in (404, 405):
                raise
            # Servers without the OAuth endpoint offer the 22.2+ sign-in instead.
            body = {key: form[key] for key in ("username", "password", "domain") if key in form}
            answer = self._token_request("/auth/sign_in", body=body)
            self._signed_in = True
        self._store_tokens(answer)
        return answer

    def refusal(self, path, response):
        """The error for a login the PBX refused (400, 401 or 403)."""
        errors = parse_errors(response, self._redact)
        if _TWO_FACTOR.search(describe_errors(errors)):
            return _two_factor_error(path)
        return RequestError("login refused: %s" % describe_errors(errors), "POST", path, response.status_code, errors,
                            kind="login_refused")

    def _refresh_tokens(self):
        """Refresh the way the token was obtained: each login flow has its own refresh."""
        if self._signed_in:
            return self._token_request("/auth/refresh_token", body={"refresh_token": self._refresh_token})
        return self._token_request("/login/oauth/token", form={
            "grant_type": "refresh_token", "refresh_token": self._refresh_token, "client_id": CLIENT_ID})

    def _token_request(self, path, form=None, body=None):
        answer = self._post(path, form=form, body=body)
        if not isinstance(answer, dict):
            raise shape_error("POST", path, "a JSON object with an access_token", answer, self._redact)
        return answer

    def _store_tokens(self, answer):
        if answer.get("two_factor_enabled"):
            raise _two_factor_error("/auth/sign_in")
        if not isinstance(answer.get("access_token"), str) or not answer["access_token"]:
            raise RequestError("the login answer has no access_token", "POST", "/login/oauth/token")
        self.token = answer["access_token"]
        self._refresh_token = answer.get("refresh_token") or self._refresh_token
        self._redact.add(self.token, self._refresh_token)


def _two_factor_error(path):
    return RequestError("the account has two-factor authentication enabled", "POST", path, kind="two_factor")
