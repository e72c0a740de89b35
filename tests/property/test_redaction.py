# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Text a server sends back, holding whole secrets and pieces of them in every spelling a request carries them in:
after redaction, no run of 8 characters of any spelling of a secret is left."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
from urllib.parse import quote, quote_plus

from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.portsip.pbx.plugins.module_utils.redaction import SECRET_PIECE, Redactor

# Secrets from lowercase letters, digits and the characters encodings change; the text around them from letters no
# spelling of a secret holds (percent-encoding brings A-F), so a match is never the text's own.
SECRET_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789 !\"&+/:=%\u00e4"
FILLER = "GHJKLMNPQRSTUVWXYZ .,"
SPELLINGS = (lambda secret: secret, lambda secret: json.dumps(secret)[1:-1], lambda secret: quote(secret, safe=""),
             lambda secret: quote(secret, safe="").lower(), lambda secret: quote_plus(secret, safe=""))


@st.composite
def echoes(draw):
    """Secrets, and a text that holds each in some spelling, whole or cut at either end."""
    secrets = draw(st.lists(st.text(SECRET_CHARACTERS, min_size=SECRET_PIECE, max_size=24), min_size=1, max_size=3))
    parts = []
    for secret in secrets:
        spelled = draw(st.sampled_from(SPELLINGS))(secret)
        start = draw(st.integers(0, len(spelled) - SECRET_PIECE))
        end = draw(st.integers(start + SECRET_PIECE, len(spelled)))
        parts += [draw(st.text(FILLER, max_size=10)), spelled[start:end]]
    return secrets, "".join(parts + [draw(st.text(FILLER, max_size=10))])


def _pieces(secret):
    for spelled in (spelling(secret) for spelling in SPELLINGS):
        for start in range(len(spelled) - SECRET_PIECE + 1):
            yield spelled[start:start + SECRET_PIECE]


@given(echoes())
def test_no_piece_of_any_spelling_of_a_secret_is_left(example):
    secrets, text = example
    redacted = Redactor(secrets)(text)
    assert [piece for secret in secrets for piece in _pieces(secret) if piece in redacted] == []
