# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The record of API requests that tests read to count calls and to prove that check mode wrote nothing.

import copy
import itertools
import threading

from .state import CREDENTIAL_HEADER

REDACTED = '<redacted>'
SECRET_KEYS = frozenset(('password', 'token', 'access_token', 'refresh_token', 'client_secret'))
# POSTs to these paths log in; they change nothing on the PBX, so they are not writes.
AUTH_PATHS = frozenset(('/api/login/oauth/token', '/api/auth/sign_in', '/api/auth/refresh_token'))


def redact(value):
    # The log is printed by failing tests and shipped as CI artefacts: a secret must never reach it.
    if isinstance(value, dict):
        return {key: REDACTED if key in SECRET_KEYS and item is not None else
                _redact_headers(item) if key == 'headers' and isinstance(item, str) else redact(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def _redact_headers(value):
    def redact_one(item):
        name, sep, text = item.partition(':')
        return name + sep + REDACTED if text.strip() and CREDENTIAL_HEADER.search(name.strip()) else item
    return '&'.join(redact_one(item) for item in value.split('&'))


class RequestLog:
    """Entries: seq, method, path, query (dict), body (parsed, redacted; null when absent or unreadable),
    status (as decided by the simulator: for commit_drop it was never sent; null for drop, and when the client had
    hung up before the answer went out), fault (kind or null),
    write (true for a POST other than a login). Thread-safe.

    The bodies as received are kept too, for in-process tests that must see what a client really sent (a secret,
    or a mask sent back as one); they are never served over HTTP.
    """

    def __init__(self):
        self._entries = []
        self._received = {}  # seq -> body as received
        self._seq = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, method, path, query, body, status, fault):
        with self._lock:
            seq = next(self._seq)
            self._received[seq] = copy.deepcopy(body)
            self._entries.append({
                'seq': seq,
                'method': method,
                'path': path,
                'query': query,
                'body': redact(body),
                'status': status,
                'fault': fault,
                'write': method == 'POST' and path not in AUTH_PATHS,
            })

    def entries(self, redacted=True):
        """The entries, oldest first; redacted=False gives each body as received, secrets in clear."""
        with self._lock:
            if redacted:
                return [dict(entry) for entry in self._entries]
            return [dict(entry, body=copy.deepcopy(self._received[entry['seq']])) for entry in self._entries]

    def writes(self):
        return [entry for entry in self.entries() if entry['write']]

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._received.clear()
