# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fields of a PortSIP action URL, declared once: every fact about a field is an attribute of its Field.

Everything else reads this declaration: the modules' argument specs, input validation, request
bodies, what a declaration needs, comparison with the server's object, and the masking of secrets.
The tables below FIELDS are derived from it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
from urllib.parse import urlsplit

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.portsip.pbx.plugins.module_utils import headers
from ansible_collections.portsip.pbx.plugins.module_utils.placeholders import is_placeholder
from ansible_collections.portsip.pbx.plugins.module_utils.values import is_whole_number

# Matched with fullmatch: "$" would also match before a final line break.
_MASK_ENTRY = re.compile(r"ALL|[0-9*]+|[0-9]+-[0-9]+")
_CREDENTIAL = re.compile(r"[a-z0-9]{6,64}")
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


def _mask_to_api(value):
    # Each entry once: PBX 22.6 refuses a repeated entry, also in a mask an older PBX stored and an update sends back.
    return ";".join(dict.fromkeys(_mask_entries(value)))


def _check_url(value):
    if headers.CONTROL.search(value) or " " in value:
        return "must not contain spaces or control characters (percent-encode them)"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an http:// or https:// URL with a host"
    return None


def _check_credential(value):
    if not _CREDENTIAL.fullmatch(value):
        return "must be 6 to 64 characters of lowercase letters a-z and digits 0-9"
    return None


class Field:
    """One field of an action URL and every fact about it.

    ``required_if``: (option, value) pairs; the field is needed where a declaration sets option to value.
    ``required_on_create``: a new action URL needs it. ``kept``: leaving it out of a declaration never erases it.
    ``auth_secret_for``: the auth schemes that authenticate with this secret.
    """

    def __init__(self, name, kind, choices=None, min_length=None, max_length=None, minimum=None, maximum=None,
                 check=None, shape=None, secret=False, server_default=None, blank=None, to_api=None, normalise=None,
                 differs=None, required_if=(), required_on_create=False, kept=False, auth_secret_for=()):
        self.name = name
        self.kind = kind
        self.choices = choices
        self.min_length = min_length
        self.max_length = max_length
        self.minimum = minimum
        self.maximum = maximum
        self.check = check
        # Why a value cannot be read as this field at all: refused whether or not it would be sent.
        self.shape = shape
        self.secret = secret
        self.server_default = server_default
        # The value that empties the field in a request body; None where the vendor's schema allows no
        # empty value (a minimum length). The schema types no field as nullable, so null never does.
        self.blank = blank
        self._to_api = to_api
        self._normalise = normalise
        self._differs = differs
        self.required_if = tuple(required_if)
        self.required_on_create = required_on_create
        # A secret is always kept: the PBX may not show it, so leaving it out cannot mean "erase it".
        self.kept = kept or secret
        self.auth_secret_for = tuple(auth_secret_for)

    def argument_spec(self):
        spec = {"type": self.kind}
        if self.choices:
            spec["choices"] = list(self.choices)
        if self.secret:
            spec["no_log"] = True
        return spec

    def shape_problem(self, value):
        """Why a value the user gave cannot be read as this field, or None."""
        if self.kind == "int" and isinstance(value, int) and not is_whole_number(value):
            return "must be a whole number, got a boolean"
        return self.shape(value) if self.shape else None

    def problem(self, value):
        """Why a value the user gave may not be sent to the PBX, or None."""
        if self.secret and is_placeholder(value):
            # Never sent: it stands for the stored secret, which decision.lacking() checks is there.
            return None
        if self.kind == "str":
            if self.min_length is not None and len(value) < self.min_length:
                return "must be at least %d characters long" % self.min_length
            if self.max_length is not None and len(value) > self.max_length:
                return "must be at most %d characters long, got %d" % (self.max_length, len(value))
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

    def differs(self, have, want, update_secrets):
        """Whether the server's value ``have`` differs from ``want`` (API form)."""
        if self._differs:
            return self._differs(have, want, update_secrets)
        return self.normalise_have(have) != self.normalise(want)

    def normalise_have(self, value):
        """The comparable form of a value the server has: blank is its default, as some PBX builds answer null for it."""
        normalised = self.normalise(value)
        return self.normalise(self.server_default) if normalised is None else normalised


FIELDS = (
    Field("name", "str", min_length=1, max_length=64, required_on_create=True),
    Field("enabled", "bool", server_default=False),
    Field("type", "str", choices=("DTMF", "CALLER"), required_on_create=True),
    Field("dtmf_mask", "str", max_length=255, check=_check_mask, blank="", to_api=_mask_to_api,
          normalise=lambda value: frozenset(_mask_entries(value)), required_if=[("type", "DTMF")]),
    Field("caller_mask", "str", max_length=255, check=_check_mask, blank="", to_api=_mask_to_api,
          normalise=lambda value: frozenset(_mask_entries(value)), required_if=[("type", "CALLER")]),
    Field("method", "str", choices=("GET", "POST")),
    Field("url", "str", min_length=1, max_length=128, check=_check_url, required_on_create=True),
    Field("headers", "raw", check=headers.check_headers, shape=headers.headers_shape, blank="", to_api=headers.headers_to_api,
          differs=headers.headers_differ),
    Field("connection_timeout", "int", minimum=0, maximum=INT32_MAX, server_default=2),
    Field("request_timeout", "int", minimum=0, maximum=INT32_MAX, server_default=2),
    Field("auth", "str", choices=("DISABLE", "BASIC", "DIGEST", "BEARER"), server_default="DISABLE"),
    Field("username", "str", check=_check_credential, required_if=[("auth", "BASIC"), ("auth", "DIGEST")], kept=True),
    Field("password", "str", check=_check_credential, secret=True, required_if=[("auth", "BASIC"), ("auth", "DIGEST")],
          auth_secret_for=("BASIC", "DIGEST")),
    Field("token", "str", min_length=1, secret=True, required_if=[("auth", "BEARER")], auth_secret_for=("BEARER",)),
)
BY_NAME = {field.name: field for field in FIELDS}
SECRETS = tuple(field.name for field in FIELDS if field.secret)
# Fields that leaving out of a declaration never erases.
KEPT = tuple(field.name for field in FIELDS if field.kept)
# Which secret each auth scheme uses.
SECRET_FOR_AUTH = {auth: field.name for field in FIELDS for auth in field.auth_secret_for}
REQUIRED_ON_CREATE = tuple(field.name for field in FIELDS if field.required_on_create)


def _required_if():
    """(option, value, fields it needs) for each declared value that needs fields, in the order of FIELDS."""
    needs = {}
    for field in FIELDS:
        for option, value in field.required_if:
            needs.setdefault((option, value), []).append(field.name)
    return [(option, value, tuple(names)) for (option, value), names in needs.items()]


# What a present action URL needs; checked only for state present, so deleting one takes just its name or id.
REQUIRED_IF = _required_if()


def argument_spec():
    spec = {field.name: field.argument_spec() for field in FIELDS}
    spec[headers.SECRET_HEADERS] = {"type": "dict", "no_log": True}
    return spec


def shape_problems(params):
    """Messages naming each option whose value cannot be read at all: refused before anything is read or sent."""
    found = []
    for field in FIELDS:
        value = params.get(field.name)
        if value is not None:
            why = field.shape_problem(value)
            if why:
                found.append("%s: %s" % (field.name, why))
    return found + headers.secret_header_problems(params)


def value_problems(params):
    """{field name: why} for each value that breaks the API's constraints.

    Refused only if the value would be sent (a create, or a change): a value equal to what the PBX already has,
    which an older PBX may have accepted, is not sent, so an export applies again.
    """
    found = {}
    for field in FIELDS:
        value = params.get(field.name)
        if value is not None and not field.shape_problem(value):
            why = field.problem(value)
            if why:
                found[field.name] = why
    return found


def problems(params):
    """Every message of shape_problems and value_problems: what a value that would be sent must pass."""
    return shape_problems(params) + ["%s: %s" % problem for problem in value_problems(params).items()]
