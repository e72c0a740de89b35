# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Sending one HTTP request to the PBX's API with requests, and telling what kind of failure it met.

One attempt, no retries (client.py decides those): either a response, a NoAnswer that says whether
the request may have reached the PBX, or a RequestError for a failure that trying again cannot mend.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading
import traceback

from ansible_collections.portsip.pbx.plugins.module_utils.errors import RequestError

try:
    import requests
    from urllib3.exceptions import NewConnectionError
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None


class NoAnswer(Exception):
    """No whole answer arrived; ``sent`` is False only when the request surely never left."""

    def __init__(self, error, address):
        super(NoAnswer, self).__init__(error)
        self.reason = "no answer from %s (%s)" % (address, type(error).__name__)
        self.sent = not _never_sent(error)


def _never_sent(error):
    """Whether the connection failed before any byte of the request went out (timeout or refusal while connecting)."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)


def api_root(url):
    """Accept the PBX address with or without the ``/api`` suffix."""
    url = url.rstrip("/")
    return url if url.endswith("/api") else url + "/api"


class Transport:
    """The PBX's API root and how to reach it. Threads may share it: each gets its own requests Session (not
    documented as safe to share)."""

    def __init__(self, url, validate_certs, ca_path, timeout, redact):
        self.root = api_root(url)
        # Passed with each request, never set on the Session: requests lets REQUESTS_CA_BUNDLE
        # override a Session-level verify=False. None means "verify, honouring REQUESTS_CA_BUNDLE".
        if not validate_certs:
            self._verify = False
        else:
            self._verify = ca_path or None
        self.timeout = timeout
        self._redact = redact
        self._local = threading.local()

    @property
    def session(self):
        """The calling thread's Session, which keeps its connection alive between requests."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers["Accept"] = "application/json"
        return session

    def send(self, method, path, params=None, body=None, form=None, auth=None):
        """One attempt; ``auth`` sets the request's Authorization, None sends none."""
        # An explicit auth keeps requests from reading ~/.netrc, whose credentials would
        # replace the bearer token and go to the PBX. Proxy and CA-bundle variables still apply.
        try:
            return self.session.request(method, self.root + path, params=params, json=body, data=form, auth=auth or _no_auth,
                                        verify=self._verify, timeout=self.timeout, allow_redirects=False)
        except requests.exceptions.SSLError as error:
            # A certificate problem does not go away by trying again.
            raise RequestError("TLS failed (%s)" % self._redact(error), method, path, kind="tls")
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as error:
            raise NoAnswer(error, self.root)
        except requests.RequestException as error:
            raise RequestError("the request failed: %s" % self._redact(error), method, path)


def _no_auth(request):
    return request
