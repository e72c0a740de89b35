# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The webhook headers of an action URL: one API field ("Name1:value1&Name2:value2") holding plain and secret headers.

Which headers are secret, how a declaration's headers combine with the ones the PBX holds (secret ones left out
are kept), the secret_headers option that gives credential headers without logging them, and how headers are shown.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.portsip.pbx.plugins.module_utils.placeholders import MASK, is_masked, is_placeholder

# The option that gives credential headers without logging them; merged with headers into the one API field.
SECRET_HEADERS = "secret_headers"

# RFC 9110 token characters, less "&", which the API uses to separate headers.
_HEADER_NAME = re.compile(r"[!#$%'*+.^_`|~0-9A-Za-z-]+")
# Header names whose values are credentials of the webhook: wide on purpose, as masking a harmless header costs
# little and showing a credential is a leak. docs/docsite/rst/secrets.rst states the rule.
CREDENTIAL_HEADER_WORDS = ("key", "auth", "token", "secret", "pass", "signature", "credential", "session", "cookie", "hmac")
_CREDENTIAL_HEADER = re.compile("|".join(CREDENTIAL_HEADER_WORDS), re.IGNORECASE)
# A line break in a value would start a new header, or the body, of the PBX's request to the webhook.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def parse_headers(value):
    """Headers as an ordered list of (name, value) pairs, from the API's string or a dict."""
    if isinstance(value, dict):
        return [(str(name).strip(), "" if text is None else str(text).strip()) for name, text in value.items()]
    pairs = []
    for item in str(value).split("&"):
        if item.strip():
            name, _sep, text = item.partition(":")
            pairs.append((name.strip(), text.strip()))
    return pairs


def joined(pairs):
    """(name, value) pairs in the API's form."""
    return "&".join("%s:%s" % pair for pair in pairs)


def header_map(value):
    """Headers by lowercase name, each as its (name, value) pair."""
    return {name.lower(): (name, text) for name, text in parse_headers(value or "")}


def headers_to_api(value):
    return joined(parse_headers(value))


def headers_shape(value):
    """Why ``value`` cannot be read as headers at all, or None."""
    if not isinstance(value, (dict, str)):
        return "must be a dict of header names to values, or a string 'Name1:value1&Name2:value2'"
    for name, text in value.items() if isinstance(value, dict) else ():
        if isinstance(text, (bool, dict, list)):
            return "the value of header %r must be a string, got %s (quote it in YAML)" % (str(name), type(text).__name__)
    return None


def check_headers(value):
    for name, text in parse_headers(value):
        if not _HEADER_NAME.fullmatch(name):
            return "header name %r is not a valid HTTP header name" % name
        if "&" in text:
            return "the value of header %r contains '&', which the API uses to separate headers" % name
        if CONTROL.search(text):
            return "the value of header %r contains a control character" % name
    return None


def is_credential_header(name):
    return bool(_CREDENTIAL_HEADER.search(name))


def _is_secret_header(name, text):
    # A value the PBX masks is a secret, whatever the header is called: it cannot be sent back.
    return is_credential_header(name) or is_masked(text)


def credential_headers(value):
    """The (name, value) pairs of the headers in ``value`` that carry credentials."""
    if not isinstance(value, (dict, str)):
        return []
    return [(name, text) for name, text in parse_headers(value) if text and is_credential_header(name)]


def without_credential_headers(value):
    return joined(pair for pair in parse_headers(value or "") if not _is_secret_header(*pair))


def _removes(name, text):
    # A credential header is kept when a declaration leaves it out, so an empty value is how one says to remove it.
    return text == "" and is_credential_header(name)


def headers_after(have, want):
    """The headers an action URL holds once ``want`` (API form) is applied to the headers it has, ``have``.

    Secret headers the declaration leaves out, or gives as a placeholder, are kept, like the other secrets; a
    credential header it gives an empty value is removed. Every other header it has is replaced by the declaration.
    """
    wanted, had = header_map(want), header_map(have)
    pairs = []
    for key, (name, text) in wanted.items():
        if is_placeholder(text):
            # Nothing there to keep: decision.lacking() refuses that before any write.
            pairs += [had[key]] if key in had else []
        elif not _removes(name, text):
            pairs.append((name, text))
    pairs += [pair for key, pair in had.items() if key not in wanted and _is_secret_header(*pair)]
    return joined(pairs)


def headers_differ(have, want, update_secrets):
    """Whether applying ``want`` changes the headers ``have``; a value the PBX masks follows ``update_secrets``."""
    before = header_map(have)
    after = header_map(headers_after(have, want))
    if set(before) != set(after):
        return True
    for key, (name, text) in header_map(want).items():
        if key not in after or is_placeholder(text):
            continue
        had = before[key][1]
        if is_masked(had):
            if update_secrets == "always":
                return True
        elif had != text:
            return True
    return False


def with_secret_headers(headers, secret_headers):
    """``headers`` (API form, or None) with the secret headers (API form) in place of any placeholder of the same name.

    A header given in both is one whose headers value is a placeholder (secret_header_problems refuses the others):
    secret_headers supplies it.
    """
    secret = parse_headers(secret_headers)
    given = {name.lower() for name, _text in secret}
    return joined([pair for pair in parse_headers(headers or "") if pair[0].lower() not in given] + secret)


def placeholder_headers(have, want_headers, secret_headers):
    """The header names declared as a placeholder for a secret the headers ``have`` do not hold."""
    had = header_map(have)
    declared = header_map(want_headers)
    declared.update(header_map(secret_headers))
    return [name for key, (name, text) in declared.items() if is_placeholder(text) and not had.get(key, (name, ""))[1]]


def masked_headers_at_risk(have, want_headers):
    """The names of the headers the PBX masks in ``have`` that ``want_headers`` does not give: an update cannot send
    them back."""
    declared = {key for key, (_name, text) in header_map(want_headers).items() if not is_placeholder(text)}
    return [name for key, (name, text) in header_map(have).items() if is_masked(text) and key not in declared]


def sent_header_placeholders(have, want_headers, placeholder_changed, placeholder_sent):
    """How to show each credential header an update sends: changed, or sent where the PBX masks the one it holds."""
    had = header_map(have)
    shown = {}
    for key, (name, text) in header_map(want_headers).items():
        before = had.get(key, (name, None))[1]
        if not text or is_placeholder(text) or not is_credential_header(name) or before == text:
            continue
        shown[key] = placeholder_sent if is_masked(before) else placeholder_changed
    return shown


def mask_headers(value, placeholders=None, hidden=()):
    """The headers with each secret value replaced by a placeholder (MASK unless ``placeholders`` names another).

    ``hidden``: lowercase names of further headers to mask, those a task gives in secret_headers.
    """
    if not value:
        return value
    return joined((name, (placeholders or {}).get(name.lower(), MASK)
                   if text and (_is_secret_header(name, text) or name.lower() in hidden) else text)
                  for name, text in parse_headers(value))


def secret_headers_of(params):
    """The secret_headers option in API form (an empty value removes a header), or None when it is not set."""
    secret = params.get(SECRET_HEADERS)
    if secret is None:
        return None
    return joined((str(name).strip(), "" if text is None else str(text).strip()) for name, text in secret.items())


def secret_header_names(params):
    """The lowercase names of the headers ``params`` give in secret_headers, for masking."""
    return {str(name).strip().lower() for name in params.get(SECRET_HEADERS) or {}}


def secret_header_problems(params):
    """Why the secret_headers option cannot be read or sent: checked whole, it never comes from what a PBX holds."""
    secret = params.get(SECRET_HEADERS)
    if secret is None:
        return []
    plain = header_map(params.get("headers")) if isinstance(params.get("headers"), (dict, str)) else {}
    found = []
    for name, text in secret.items():
        name = str(name)
        where = "%s: header %r" % (SECRET_HEADERS, name)
        if isinstance(text, (bool, dict, list)):
            found.append("%s: its value must be a string, got %s" % (where, type(text).__name__))
        elif not _HEADER_NAME.fullmatch(name):
            found.append("%s is not a valid HTTP header name" % where)
        elif name.lower() in plain and not is_placeholder(plain[name.lower()][1]):
            found.append("%s is also set in headers; set it in one of them" % where)
        elif text is not None and ("&" in str(text) or CONTROL.search(str(text))):
            found.append("%s: its value contains '&' (which the API uses to separate headers) or a control character" % where)
    return found
