# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fields of a PortSIP action URL, declared once.

Everything else reads this declaration: the modules' argument specs, input
validation, request bodies, comparison with the server's object, and the
masking of secrets in results and diffs.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
from urllib.parse import urlsplit

from ansible.module_utils.parsing.convert_bool import boolean

MASK = "********"
MASK_CHANGED = "******** (new value)"
# A secret sent with an update when the PBX does not show the stored one: it may or may not differ.
MASK_SENT = "******** (sent)"

# Matched with fullmatch: "$" would also match before a final line break.
_MASK_ENTRY = re.compile(r"ALL|[0-9*]+|[0-9]+-[0-9]+")
_CREDENTIAL = re.compile(r"[a-z0-9]{6,64}")
# RFC 9110 token characters, less "&", which the API uses to separate headers.
_HEADER_NAME = re.compile(r"[!#$%'*+.^_`|~0-9A-Za-z-]+")
# Header names whose values are credentials of the webhook.
_CREDENTIAL_HEADER = re.compile(r"^(authorization|proxy-authorization|cookie|x-api-key)$|token|secret|password|api-key",
                                re.IGNORECASE)
_CREDENTIAL_HEADER_NAMES = ("Authorization, Proxy-Authorization, Cookie, X-API-Key, or a name containing token, secret, "
                            "password or api-key")
# A line break in a value would start a new header, or the body, of the PBX's request to the webhook.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
INT32_MAX = 2 ** 31 - 1


def _mask_entries(value):
    return [entry.strip().upper() for entry in value.split(";") if entry.strip()]


def _check_mask(value):
    seen = set()
    for entry in _mask_entries(value):
        if not _MASK_ENTRY.fullmatch(entry):
            return "entry %r is not digits, a lo-hi range, digits with * wildcards, or ALL" % entry
        if "-" in entry:
            low, high = entry.split("-")
            if int(low) > int(high):
                return "range %r has its low end above its high end" % entry
        # Compared as normalised, as they are sent: " 1" and "1" are the same entry to the PBX.
        if entry in seen:
            return "entry %r appears more than once; the PBX (22.6+) refuses repeated entries" % entry
        seen.add(entry)
    return None


def _check_url(value):
    if _CONTROL.search(value) or " " in value:
        return "must not contain spaces or control characters (percent-encode them)"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an http:// or https:// URL with a host"
    return None


def _check_credential(value):
    if not _CREDENTIAL.fullmatch(value):
        return "must be 6 to 64 characters of lowercase letters a-z and digits 0-9"
    return None


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


def _check_headers(value):
    if not isinstance(value, (dict, str)):
        return "must be a dict of header names to values, or a string 'Name1:value1&Name2:value2'"
    for name, text in parse_headers(value):
        if not _HEADER_NAME.fullmatch(name):
            return "header name %r is not a valid HTTP header name" % name
        if "&" in text:
            return "the value of header %r contains '&', which the API uses to separate headers" % name
        if _CONTROL.search(text):
            return "the value of header %r contains a control character" % name
    return None


def is_credential_header(name):
    return bool(_CREDENTIAL_HEADER.search(name))


def credential_headers(value):
    """The (name, value) pairs of the headers in ``value`` that carry credentials."""
    if not isinstance(value, (dict, str)):
        return []
    return [(name, text) for name, text in parse_headers(value) if text and is_credential_header(name)]


def _header_map(value):
    """Headers by lowercase name, each as its (name, value) pair."""
    return {name.lower(): (name, text) for name, text in parse_headers(value or "")}


def _joined(pairs):
    return "&".join("%s:%s" % pair for pair in pairs)


def _removes(name, text):
    # A credential header is kept when a declaration leaves it out, so an empty value is how one says to remove it.
    return text == "" and is_credential_header(name)


def headers_after(stored, declared):
    """The headers an action URL holds once ``declared`` (API form) is applied to ``stored``.

    Credential headers the declaration leaves out are kept, like the other secrets; one it gives an empty value is
    removed. Every other stored header is replaced by the declaration.
    """
    wanted = _header_map(declared)
    pairs = [pair for pair in wanted.values() if not _removes(*pair)]
    pairs += [pair for key, pair in _header_map(stored).items() if key not in wanted and is_credential_header(pair[0])]
    return _joined(pairs)


def _headers_differ(stored, declared, update_secrets):
    """Whether applying ``declared`` changes the stored headers; a value the PBX masks follows ``update_secrets``."""
    before = _header_map(stored)
    after = _header_map(headers_after(stored, declared))
    if set(before) != set(after):
        return True
    for key, (name, text) in _header_map(declared).items():
        if key not in after:
            continue
        held = before[key][1]
        if is_credential_header(name) and is_masked(held):
            if update_secrets == "always":
                return True
        elif held != text:
            return True
    return False


def mask_headers(value, placeholders=None):
    """The headers with each credential value replaced by a placeholder (MASK unless ``placeholders`` names another)."""
    if not value:
        return value
    return _joined((name, (placeholders or {}).get(name.lower(), MASK) if text and is_credential_header(name) else text)
                   for name, text in parse_headers(value))


def without_credential_headers(value):
    return _joined(pair for pair in parse_headers(value or "") if not is_credential_header(pair[0]))


def _secret_header_problems(params):
    secret = params.get(SECRET_HEADERS)
    if secret is None:
        return []
    plain = _header_map(params.get("headers")) if isinstance(params.get("headers"), (dict, str)) else {}
    found = []
    for name, text in secret.items():
        name = str(name)
        where = "%s: header %r" % (SECRET_HEADERS, name)
        if isinstance(text, (bool, dict, list)):
            found.append("%s: its value must be a string, got %s" % (where, type(text).__name__))
        elif not _HEADER_NAME.fullmatch(name):
            found.append("%s is not a valid HTTP header name" % where)
        elif not is_credential_header(name):
            found.append("%s is not a credential header name (%s): the PBX holds it like any header, and reads and "
                         "exports show its value; put it in headers" % (where, _CREDENTIAL_HEADER_NAMES))
        elif name.lower() in plain:
            found.append("%s is also set in headers; set it in one of them" % where)
        elif text is not None and ("&" in str(text) or _CONTROL.search(str(text))):
            found.append("%s: its value contains '&' (which the API uses to separate headers) or a control character" % where)
    return found


def _headers_to_api(value):
    return _joined(parse_headers(value))


class Field:
    """One field of an action URL and every fact about it."""

    def __init__(self, name, kind, choices=None, min_length=None, max_length=None, minimum=None, maximum=None,
                 check=None, secret=False, server_default=None, blank=None, to_api=None, normalise=None, differs=None):
        self.name = name
        self.kind = kind
        self.choices = choices
        self.min_length = min_length
        self.max_length = max_length
        self.minimum = minimum
        self.maximum = maximum
        self.check = check
        self.secret = secret
        self.server_default = server_default
        # The value that empties the field in a request body; None where the vendor's schema allows no
        # empty value (a minimum length). The schema types no field as nullable, so null never does.
        self.blank = blank
        self._to_api = to_api
        self._normalise = normalise
        self._differs = differs

    def argument_spec(self):
        spec = {"type": self.kind}
        if self.choices:
            spec["choices"] = list(self.choices)
        if self.secret:
            spec["no_log"] = True
        return spec

    def problem(self, value):
        """Why a value the user gave is not acceptable, or None."""
        if self.kind == "str":
            if self.min_length is not None and len(value) < self.min_length:
                return "must be at least %d characters long" % self.min_length
            if self.max_length is not None and len(value) > self.max_length:
                return "must be at most %d characters long, got %d" % (self.max_length, len(value))
        if self.kind == "int" and isinstance(value, bool):
            # Ansible's int type lets a boolean through, and the API would receive JSON true.
            return "must be a whole number, got a boolean"
        if self.minimum is not None and value < self.minimum:
            return "must be %d or greater, got %d" % (self.minimum, value)
        if self.maximum is not None and value > self.maximum:
            return "must be %d or less, got %d" % (self.maximum, value)
        return self.check(value) if self.check else None

    def to_api(self, value):
        return self._to_api(value) if self._to_api else value

    def normalise(self, value):
        """A comparable form of a value from the user or the server; None means unset."""
        if value is None or value == "" or value == {}:
            return None
        if self._normalise:
            return self._normalise(value)
        if self.kind == "bool":
            return boolean(value, strict=False)
        if self.kind == "int":
            return int(value)
        if self.choices:
            return str(value).upper()
        return value

    def differs(self, stored, wanted, update_secrets):
        """Whether the server's value ``stored`` differs from ``wanted`` (API form)."""
        if self._differs:
            return self._differs(stored, wanted, update_secrets)
        return self.stored(stored) != self.normalise(wanted)

    def stored(self, value):
        """The comparable form of a value the server holds: blank is its default, as some PBX builds answer null for it."""
        normalised = self.normalise(value)
        return self.normalise(self.server_default) if normalised is None else normalised


FIELDS = (
    Field("name", "str", min_length=1, max_length=64),
    Field("enabled", "bool", server_default=False),
    Field("type", "str", choices=("DTMF", "CALLER")),
    Field("dtmf_mask", "str", max_length=255, check=_check_mask, blank="",
          to_api=lambda value: ";".join(_mask_entries(value)), normalise=lambda value: frozenset(_mask_entries(value))),
    Field("caller_mask", "str", max_length=255, check=_check_mask, blank="",
          to_api=lambda value: ";".join(_mask_entries(value)), normalise=lambda value: frozenset(_mask_entries(value))),
    Field("method", "str", choices=("GET", "POST")),
    Field("url", "str", min_length=1, max_length=128, check=_check_url),
    Field("headers", "raw", check=_check_headers, blank="", to_api=_headers_to_api, differs=_headers_differ),
    Field("connection_timeout", "int", minimum=0, maximum=INT32_MAX, server_default=2),
    Field("request_timeout", "int", minimum=0, maximum=INT32_MAX, server_default=2),
    Field("auth", "str", choices=("DISABLE", "BASIC", "DIGEST", "BEARER"), server_default="DISABLE"),
    Field("username", "str", check=_check_credential),
    Field("password", "str", check=_check_credential, secret=True),
    Field("token", "str", min_length=1, secret=True),
)
BY_NAME = {field.name: field for field in FIELDS}
SECRETS = tuple(field.name for field in FIELDS if field.secret)
# Fields that leaving out of a declaration never erases.
KEPT = ("username",) + SECRETS

# Which mask each trigger type matches on, and which secret each auth scheme uses.
MASK_FOR_TYPE = {"DTMF": "dtmf_mask", "CALLER": "caller_mask"}
SECRET_FOR_AUTH = {"BASIC": "password", "DIGEST": "password", "BEARER": "token"}
# What a present action URL needs; checked only for state present, so deleting one takes just its name or id.
REQUIRED_IF = [
    ("type", "DTMF", ("dtmf_mask",)),
    ("type", "CALLER", ("caller_mask",)),
    ("auth", "BASIC", ("username", "password")),
    ("auth", "DIGEST", ("username", "password")),
    ("auth", "BEARER", ("token",)),
]
REQUIRED_ON_CREATE = ("name", "type", "url")


# The option that gives credential headers without logging them; merged with headers into the one API field.
SECRET_HEADERS = "secret_headers"


def argument_spec():
    spec = {field.name: field.argument_spec() for field in FIELDS}
    spec[SECRET_HEADERS] = {"type": "dict", "no_log": True}
    return spec


def problems(params):
    """Messages naming each option whose value breaks the API's constraints."""
    found = []
    for field in FIELDS:
        value = params.get(field.name)
        if value is not None:
            why = field.problem(value)
            if why:
                found.append("%s: %s" % (field.name, why))
    return found + _secret_header_problems(params)


def desired(params):
    """The fields the user set, in the form the API takes; secret_headers joins headers (an empty value removes one)."""
    wanted = {field.name: field.to_api(params[field.name]) for field in FIELDS if params.get(field.name) is not None}
    secret = params.get(SECRET_HEADERS)
    if secret is not None:
        pairs = [(str(name).strip(), "" if text is None else str(text).strip()) for name, text in secret.items()]
        if "headers" in wanted:
            wanted["headers"] = _joined(parse_headers(wanted["headers"]) + pairs)
        else:
            # Without headers, the other headers are not declared: resolved() fills them in from the stored object.
            wanted[SECRET_HEADERS] = _joined(pairs)
    return wanted


def resolved(current, wanted):
    """``wanted`` with secret_headers given alone turned into headers: those of ``current`` (None before a create)
    that are not credentials, then the declared credential headers."""
    if SECRET_HEADERS not in wanted:
        return wanted
    wanted = dict(wanted)
    plain = without_credential_headers(current and current.get("headers"))
    wanted["headers"] = _joined(parse_headers(plain) + parse_headers(wanted.pop(SECRET_HEADERS)))
    return wanted


def is_masked(value):
    return isinstance(value, str) and value != "" and set(value) == {"*"}


def readable(obj, name):
    """Whether the server gave back the stored value of a field (secrets may be masked or left out)."""
    return name in obj and not is_masked(obj[name])


def differences(current, wanted, update_secrets):
    """Names of the wanted fields whose value differs from the current object.

    A secret the server does not give back cannot be compared: ``update_secrets``
    decides whether it counts as different (``always``) or not (``on_create``).
    """
    changed = []
    for name, value in wanted.items():
        field = BY_NAME[name]
        if field.secret and not readable(current, name):
            if update_secrets == "always":
                changed.append(name)
        elif field.differs(current.get(name), value, update_secrets):
            changed.append(name)
    return changed


def applied(current, wanted):
    """``wanted`` as the write sends it to ``current`` (None for a create): stored credential headers it leaves out kept."""
    if "headers" not in wanted:
        return wanted
    return dict(wanted, headers=headers_after(current and current.get("headers"), wanted["headers"]))


def predicted_create(wanted):
    """The object as the server will hold it after a create: its defaults fill what the user left out."""
    obj = {field.name: field.server_default for field in FIELDS if field.server_default is not None}
    obj.update(wanted)
    return obj


def replacement(wanted):
    """A declaration made whole: each field left out gets what a fresh action URL created from it would hold.

    That is the PBX's default, else the blank value (so the mask the type does not use is emptied).
    Fields with neither stay out and keep their stored value: those of KEPT, and method, which has no
    value to go back to.
    """
    whole = {}
    for field in FIELDS:
        if field.name in wanted:
            whole[field.name] = wanted[field.name]
        elif field.server_default is not None:
            whole[field.name] = field.server_default
        elif field.blank is not None:
            whole[field.name] = field.blank
    if SECRET_HEADERS in wanted:
        whole["headers"] = wanted[SECRET_HEADERS]
    return whole


def settings(obj):
    """The managed fields of an object that hold a value, in the form the options take: no id, nothing unset."""
    return {field.name: obj[field.name] for field in FIELDS if obj.get(field.name) not in (None, "")}


def exported(obj):
    """The settings of an object without its secrets, credential headers included: what an export may hold."""
    public = {name: value for name, value in obj.items() if name not in SECRETS}
    if public.get("headers"):
        public["headers"] = without_credential_headers(public["headers"])
    return settings(public)


def update_body(current, wanted):
    """The whole object to send on update.

    Sending everything keeps the fields the user did not manage, whether the
    server keeps or resets fields left out of an update. Masked secrets are never
    sent back: the placeholder would become the new secret.
    """
    body = {}
    for field in FIELDS:
        value = current.get(field.name)
        if value is not None and not (field.secret and is_masked(value)):
            body[field.name] = value
    body.update(wanted)
    return body


def secrets_at_risk(current, wanted):
    """Secrets in use that an update could wipe, as the options that would give them: stored, not readable, not given.

    The API takes all headers as one field, so an update sends each stored one, and a masked value cannot be sent back.
    """
    auth = str(wanted.get("auth") or current.get("auth") or "").upper()
    secret = SECRET_FOR_AUTH.get(auth)
    at_risk = [] if secret is None or secret in wanted or readable(current, secret) else [secret]
    declared = _header_map(wanted.get("headers"))
    at_risk += ["%s.%s" % (SECRET_HEADERS, name) for key, (name, text) in _header_map(current.get("headers")).items()
                if is_credential_header(name) and is_masked(text) and key not in declared]
    return at_risk


def masked(obj, placeholders=None):
    """A copy safe to show: each stored secret replaced by a placeholder (MASK unless ``placeholders`` names another)."""
    shown = dict(obj)
    for name in SECRETS:
        if shown.get(name) is not None:
            shown[name] = (placeholders or {}).get(name, MASK)
    if shown.get("headers"):
        shown["headers"] = mask_headers(shown["headers"], (placeholders or {}).get("headers"))
    return shown


def secret_placeholders(current, wanted, changed):
    """How to show each secret an update sends: changed, or sent without knowing whether it differs."""
    placeholders = {}
    for name in SECRETS:
        if name in changed:
            placeholders[name] = MASK_CHANGED
        elif name in wanted and not readable(current, name):
            placeholders[name] = MASK_SENT
    held = _header_map(current.get("headers"))
    headers = {}
    for key, (name, text) in _header_map(wanted.get("headers")).items():
        before = held.get(key, (name, None))[1]
        if not text or not is_credential_header(name) or before == text:
            continue
        headers[key] = MASK_SENT if is_masked(before) else MASK_CHANGED
    if headers:
        placeholders["headers"] = headers
    return placeholders
