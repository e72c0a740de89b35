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

_MASK_ENTRY = re.compile(r"^(ALL|[0-9*]+|[0-9]+-[0-9]+)$")
_CREDENTIAL = re.compile(r"^[a-z0-9]{6,64}$")
# RFC 9110 token characters, less "&", which the API uses to separate headers.
_HEADER_NAME = re.compile(r"^[!#$%'*+.^_`|~0-9A-Za-z-]+$")


def _mask_entries(value):
    return [entry.strip().upper() for entry in value.split(";") if entry.strip()]


def _check_mask(value):
    for entry in _mask_entries(value):
        if not _MASK_ENTRY.match(entry):
            return "entry %r is not digits, a lo-hi range, digits with * wildcards, or ALL" % entry
        if "-" in entry:
            low, high = entry.split("-")
            if int(low) > int(high):
                return "range %r has its low end above its high end" % entry
    return None


def _check_url(value):
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an http:// or https:// URL with a host"
    return None


def _check_credential(value):
    if not _CREDENTIAL.match(value):
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
        if not _HEADER_NAME.match(name):
            return "header name %r is not a valid HTTP header name" % name
        if "&" in text:
            return "the value of header %r contains '&', which the API uses to separate headers" % name
    return None


def _headers_to_api(value):
    return "&".join("%s:%s" % pair for pair in parse_headers(value))


def _normalise_headers(value):
    return frozenset((name.lower(), text) for name, text in parse_headers(value)) or None


class Field:
    """One field of an action URL and every fact about it."""

    def __init__(self, name, kind, choices=None, min_length=None, max_length=None, minimum=None,
                 check=None, secret=False, server_default=None, blank=None, to_api=None, normalise=None):
        self.name = name
        self.kind = kind
        self.choices = choices
        self.min_length = min_length
        self.max_length = max_length
        self.minimum = minimum
        self.check = check
        self.secret = secret
        self.server_default = server_default
        # The value that empties the field in a request body; None where the vendor's schema allows no
        # empty value (a minimum length). The schema types no field as nullable, so null never does.
        self.blank = blank
        self._to_api = to_api
        self._normalise = normalise

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
        if self.minimum is not None and value < self.minimum:
            return "must be %d or greater, got %d" % (self.minimum, value)
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
    Field("headers", "raw", check=_check_headers, blank="", to_api=_headers_to_api, normalise=_normalise_headers),
    Field("connection_timeout", "int", minimum=0, server_default=2),
    Field("request_timeout", "int", minimum=0, server_default=2),
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
REQUIRED_IF = [
    ("type", "DTMF", ("dtmf_mask",)),
    ("type", "CALLER", ("caller_mask",)),
    ("auth", "BASIC", ("username", "password")),
    ("auth", "DIGEST", ("username", "password")),
    ("auth", "BEARER", ("token",)),
]
REQUIRED_ON_CREATE = ("name", "type", "url")


def argument_spec():
    return {field.name: field.argument_spec() for field in FIELDS}


def problems(params):
    """Messages naming each option whose value breaks the API's constraints."""
    found = []
    for field in FIELDS:
        value = params.get(field.name)
        if value is not None:
            why = field.problem(value)
            if why:
                found.append("%s: %s" % (field.name, why))
    return found


def desired(params):
    """The fields the user set, in the form the API takes."""
    return {field.name: field.to_api(params[field.name]) for field in FIELDS if params.get(field.name) is not None}


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
        elif field.normalise(current.get(name)) != field.normalise(value):
            changed.append(name)
    return changed


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
    return whole


def settings(obj):
    """The managed fields of an object that hold a value, in the form the options take: no id, nothing unset."""
    return {field.name: obj[field.name] for field in FIELDS if obj.get(field.name) not in (None, "")}


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
    """Secrets in use that an update could wipe: stored, not readable, and not given by the user."""
    auth = str(wanted.get("auth") or current.get("auth") or "").upper()
    secret = SECRET_FOR_AUTH.get(auth)
    if secret is None or secret in wanted or readable(current, secret):
        return []
    return [secret]


def masked(obj, placeholders=None):
    """A copy safe to show: each stored secret replaced by a placeholder (MASK unless ``placeholders`` names another)."""
    shown = dict(obj)
    for name in SECRETS:
        if shown.get(name) is not None:
            shown[name] = (placeholders or {}).get(name, MASK)
    return shown


def secret_placeholders(current, wanted, changed):
    """How to show each secret an update sends: changed, or sent without knowing whether it differs."""
    placeholders = {}
    for name in SECRETS:
        if name in changed:
            placeholders[name] = MASK_CHANGED
        elif name in wanted and not readable(current, name):
            placeholders[name] = MASK_SENT
    return placeholders
