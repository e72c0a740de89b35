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
# Every form in which a result of this collection shows a secret: its masks, and what Ansible writes in place of a
# value equal to a no_log option's. Given back as input (a registered result applied again), each means "keep the
# stored secret": a placeholder is never sent.
PLACEHOLDERS = frozenset((MASK, MASK_CHANGED, MASK_SENT, "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"))

# Matched with fullmatch: "$" would also match before a final line break.
_MASK_ENTRY = re.compile(r"ALL|[0-9*]+|[0-9]+-[0-9]+")
_CREDENTIAL = re.compile(r"[a-z0-9]{6,64}")
# RFC 9110 token characters, less "&", which the API uses to separate headers.
_HEADER_NAME = re.compile(r"[!#$%'*+.^_`|~0-9A-Za-z-]+")
# Header names whose values are credentials of the webhook: wide on purpose, as masking a harmless header costs
# little and showing a credential is a leak. docs/docsite/rst/secrets.rst states the rule.
CREDENTIAL_HEADER_WORDS = ("key", "auth", "token", "secret", "pass", "signature", "credential", "session", "cookie", "hmac")
_CREDENTIAL_HEADER = re.compile("|".join(CREDENTIAL_HEADER_WORDS), re.IGNORECASE)
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


def _mask_to_api(value):
    # Each entry once: PBX 22.6 refuses a repeated entry, also in a mask an older PBX stored and an update sends back.
    return ";".join(dict.fromkeys(_mask_entries(value)))


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


def is_masked(value):
    """Whether a value the PBX answered stands for a secret it does not show: a run of three or more "*".

    Shorter runs are values: a header may say "*", and no secret is that short.
    """
    return isinstance(value, str) and len(value) >= 3 and set(value) == {"*"}


def is_placeholder(value):
    """Whether a value given as input only stands for a secret: a mask this collection shows, or one a PBX shows."""
    return isinstance(value, str) and (value.strip() in PLACEHOLDERS or is_masked(value.strip()))


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


def _headers_shape(value):
    """Why ``value`` cannot be read as headers at all, or None."""
    if not isinstance(value, (dict, str)):
        return "must be a dict of header names to values, or a string 'Name1:value1&Name2:value2'"
    for name, text in value.items() if isinstance(value, dict) else ():
        if isinstance(text, (bool, dict, list)):
            return "the value of header %r must be a string, got %s (quote it in YAML)" % (str(name), type(text).__name__)
    return None


def _check_headers(value):
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


def _is_secret_header(name, text):
    # A value the PBX masks is a secret, whatever the header is called: it cannot be sent back.
    return is_credential_header(name) or is_masked(text)


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

    Secret headers the declaration leaves out, or gives as a placeholder, are kept, like the other secrets; a
    credential header it gives an empty value is removed. Every other stored header is replaced by the declaration.
    """
    wanted, held = _header_map(declared), _header_map(stored)
    pairs = []
    for key, (name, text) in wanted.items():
        if is_placeholder(text):
            # Nothing held to keep: lacking() refuses that before any write.
            pairs += [held[key]] if key in held else []
        elif not _removes(name, text):
            pairs.append((name, text))
    pairs += [pair for key, pair in held.items() if key not in wanted and _is_secret_header(*pair)]
    return _joined(pairs)


def _headers_differ(stored, declared, update_secrets):
    """Whether applying ``declared`` changes the stored headers; a value the PBX masks follows ``update_secrets``."""
    before = _header_map(stored)
    after = _header_map(headers_after(stored, declared))
    if set(before) != set(after):
        return True
    for key, (name, text) in _header_map(declared).items():
        if key not in after or is_placeholder(text):
            continue
        held = before[key][1]
        if is_masked(held):
            if update_secrets == "always":
                return True
        elif held != text:
            return True
    return False


def mask_headers(value, placeholders=None, hidden=()):
    """The headers with each secret value replaced by a placeholder (MASK unless ``placeholders`` names another).

    ``hidden``: lowercase names of further headers to mask, those a task gives in secret_headers.
    """
    if not value:
        return value
    return _joined((name, (placeholders or {}).get(name.lower(), MASK)
                    if text and (_is_secret_header(name, text) or name.lower() in hidden) else text)
                   for name, text in parse_headers(value))


def without_credential_headers(value):
    return _joined(pair for pair in parse_headers(value or "") if not _is_secret_header(*pair))


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
        elif name.lower() in plain and not is_placeholder(plain[name.lower()][1]):
            found.append("%s is also set in headers; set it in one of them" % where)
        elif text is not None and ("&" in str(text) or _CONTROL.search(str(text))):
            found.append("%s: its value contains '&' (which the API uses to separate headers) or a control character" % where)
    return found


def secret_header_names(params):
    """The lowercase names of the headers ``params`` give in secret_headers, for masked()."""
    return {str(name).strip().lower() for name in params.get(SECRET_HEADERS) or {}}


def _headers_to_api(value):
    return _joined(parse_headers(value))


class Field:
    """One field of an action URL and every fact about it."""

    def __init__(self, name, kind, choices=None, min_length=None, max_length=None, minimum=None, maximum=None,
                 check=None, shape=None, secret=False, server_default=None, blank=None, to_api=None, normalise=None,
                 differs=None):
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

    def argument_spec(self):
        spec = {"type": self.kind}
        if self.choices:
            spec["choices"] = list(self.choices)
        if self.secret:
            spec["no_log"] = True
        return spec

    def shape_problem(self, value):
        """Why a value the user gave cannot be read as this field, or None."""
        if self.kind == "int" and isinstance(value, bool):
            # Ansible's int type lets a boolean through, and the API would receive JSON true.
            return "must be a whole number, got a boolean"
        return self.shape(value) if self.shape else None

    def problem(self, value):
        """Why a value the user gave may not be sent to the PBX, or None."""
        if self.secret and is_placeholder(value):
            # Never sent: it stands for the stored secret, which lacking() checks is there.
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
    Field("dtmf_mask", "str", max_length=255, check=_check_mask, blank="", to_api=_mask_to_api,
          normalise=lambda value: frozenset(_mask_entries(value))),
    Field("caller_mask", "str", max_length=255, check=_check_mask, blank="", to_api=_mask_to_api,
          normalise=lambda value: frozenset(_mask_entries(value))),
    Field("method", "str", choices=("GET", "POST")),
    Field("url", "str", min_length=1, max_length=128, check=_check_url),
    Field("headers", "raw", check=_check_headers, shape=_headers_shape, blank="", to_api=_headers_to_api,
          differs=_headers_differ),
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

# Which secret each auth scheme uses.
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


def shape_problems(params):
    """Messages naming each option whose value cannot be read at all: refused before anything is read or sent.

    secret_headers is checked whole here: it never comes from what a PBX holds.
    """
    found = []
    for field in FIELDS:
        value = params.get(field.name)
        if value is not None:
            why = field.shape_problem(value)
            if why:
                found.append("%s: %s" % (field.name, why))
    return found + _secret_header_problems(params)


def value_problems(params):
    """{field name: why} for each value that breaks the API's constraints.

    Refused only if the value would be sent (a create, or a change): a value equal to what the PBX already holds,
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


def desired(params):
    """The fields the user set, in the form the API takes; secret_headers joins headers (an empty value removes one)."""
    wanted = {field.name: field.to_api(params[field.name]) for field in FIELDS if params.get(field.name) is not None}
    secret = params.get(SECRET_HEADERS)
    if secret is not None:
        pairs = [(str(name).strip(), "" if text is None else str(text).strip()) for name, text in secret.items()]
        if "headers" in wanted:
            # A header given in both is one whose headers value is a placeholder (shape_problems refuses the others):
            # secret_headers supplies it.
            given = {name.lower() for name, _text in pairs}
            plain = [pair for pair in parse_headers(wanted["headers"]) if pair[0].lower() not in given]
            wanted["headers"] = _joined(plain + pairs)
        else:
            # Without headers, the other headers are not declared: resolved() fills them in from the stored object.
            wanted[SECRET_HEADERS] = _joined(pairs)
    return wanted


def resolved(current, wanted):
    """``wanted`` with secret_headers given alone turned into headers: those of ``current`` (None before a create)
    that are not secret, then the declared credential headers."""
    if SECRET_HEADERS not in wanted:
        return wanted
    wanted = dict(wanted)
    plain = without_credential_headers(current and current.get("headers"))
    wanted["headers"] = _joined(parse_headers(plain) + parse_headers(wanted.pop(SECRET_HEADERS)))
    return wanted


def readable(obj, name):
    """Whether the server gave back the stored value of a field (secrets may be masked or left out)."""
    return name in obj and not is_masked(obj[name])


def holds(obj, name):
    """Whether the stored ``obj`` (None before a create) has a value for ``name`` that a declaration may keep.

    A secret the PBX leaves out is taken to be there when the stored auth uses it.
    """
    if obj is None:
        return False
    if obj.get(name) not in (None, ""):
        return True
    return name in SECRETS and name not in obj and SECRET_FOR_AUTH.get(str(obj.get("auth") or "").upper()) == name


def kept_headers(current, wanted):
    """The header names that ``wanted`` gives as a placeholder for a secret ``current`` does not hold."""
    held = _header_map(current and current.get("headers"))
    declared = _header_map(wanted.get("headers"))
    declared.update(_header_map(wanted.get(SECRET_HEADERS)))
    return [name for key, (name, text) in declared.items() if is_placeholder(text) and not held.get(key, (name, ""))[1]]


def given(wanted, name):
    """Whether ``wanted`` sets ``name`` to a value of its own, not a placeholder for the stored secret."""
    return wanted.get(name) is not None and not (name in SECRETS and is_placeholder(wanted[name]))


def without_placeholders(wanted):
    """``wanted`` less the secrets it gives as placeholders: each stands for the stored secret, which is kept."""
    return {name: value for name, value in wanted.items() if not (name in SECRETS and is_placeholder(value))}


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
    """``wanted`` as the write sends it to ``current`` (None for a create): stored secret headers it leaves out kept."""
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
    """The settings of an object without its secrets, secret headers included: what an export may hold."""
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
            body[field.name] = field.to_api(value)
    body.update(wanted)
    return body


def secrets_at_risk(current, wanted):
    """Secrets in use that an update could wipe, as the options that would give them: stored, not readable, not given.

    The API takes all headers as one field, so an update sends each stored one, and a masked value cannot be sent back.
    """
    auth = str(wanted.get("auth") or current.get("auth") or "").upper()
    secret = SECRET_FOR_AUTH.get(auth)
    at_risk = [] if secret is None or given(wanted, secret) or readable(current, secret) else [secret]
    declared = {key for key, (_name, text) in _header_map(wanted.get("headers")).items() if not is_placeholder(text)}
    at_risk += ["%s.%s" % (SECRET_HEADERS, name) for key, (name, text) in _header_map(current.get("headers")).items()
                if is_masked(text) and key not in declared]
    return at_risk


def masked(obj, placeholders=None, hidden=()):
    """A copy safe to show: each stored secret replaced by a placeholder (MASK unless ``placeholders`` names another).

    ``hidden``: lowercase names of further headers to mask, those the task gives in secret_headers.
    """
    shown = dict(obj)
    for name in SECRETS:
        if shown.get(name) is not None:
            shown[name] = (placeholders or {}).get(name, MASK)
    if shown.get("headers"):
        shown["headers"] = mask_headers(shown["headers"], (placeholders or {}).get("headers"), hidden)
    return shown


def secret_placeholders(current, wanted, changed):
    """How to show each secret an update sends: changed, or sent without knowing whether it differs."""
    placeholders = {}
    for name in SECRETS:
        if name in changed:
            placeholders[name] = MASK_CHANGED
        elif given(wanted, name) and not readable(current, name):
            placeholders[name] = MASK_SENT
    held = _header_map(current.get("headers"))
    headers = {}
    for key, (name, text) in _header_map(wanted.get("headers")).items():
        before = held.get(key, (name, None))[1]
        if not text or is_placeholder(text) or not is_credential_header(name) or before == text:
            continue
        headers[key] = MASK_SENT if is_masked(before) else MASK_CHANGED
    if headers:
        placeholders["headers"] = headers
    return placeholders
