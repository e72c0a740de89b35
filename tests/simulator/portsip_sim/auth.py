# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Access and refresh tokens. Not thread-safe: the server holds its lock around every use.

import secrets
import time


class Tokens:
    def __init__(self, config, clock=time.monotonic):
        self.config = config
        self.clock = clock  # replaceable, so tests can pass token_ttl without waiting for it
        self.access = {}  # access token -> deadline on self.clock
        self.refresh = set()

    def issue(self):
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.access[access] = self.clock() + self.config.token_ttl
        self.refresh.add(refresh)
        return {'access_token': access, 'refresh_token': refresh, 'expires_in': self.config.token_ttl, 'token_type': 'Bearer'}

    def renew(self, refresh):
        """New tokens for a known refresh token (refresh tokens do not expire here), or None."""
        return self.issue() if refresh in self.refresh else None

    def valid(self, access):
        if self.config.access_token and access == self.config.access_token:
            return True
        return self.access.get(access, 0) > self.clock()

    def expire_all(self):
        """Make every issued access token stale at once, as if token_ttl had passed; the static access token stays valid."""
        self.access.clear()
