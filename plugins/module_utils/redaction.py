# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Clearing the secrets a run knows out of every text the server sends, before it reaches a message or a warning."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import itertools
import json
import re
import threading
from urllib.parse import quote, quote_plus

REDACTED = "********"
# A secret echoed in part is still a leak: any run of this many characters of one is removed too.
SECRET_PIECE = 8
# Shorter values cannot be told apart from ordinary words: removing them would garble every message.
MIN_SECRET = 4


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
