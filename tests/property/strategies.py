# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Hypothesis strategies for stored action URLs, declarations and server modes.

Every value is drawn from the one field declaration (fields.FIELDS):
its kinds, choices, lengths, bounds, server defaults and secrets. Only the
syntax of the checked fields (masks, URLs, headers, credentials) needs a
generator of its own, keyed by the field's check.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import string

from hypothesis import strategies as st

from ansible_collections.portsip.pbx.plugins.module_utils import fields
from ansible_collections.portsip.pbx.plugins.module_utils.headers import SECRET_HEADERS

# Every secret starts with this and no other drawn text holds a "z", so finding a secret's value in a
# result is never a coincidence with a name, a URL or a header.
SECRET_PREFIX = "zq"
PLAIN = "abcdefghijklmnopqrstuvwxy0123456789"
# Names that collide only after a change of case or white space: the engine compares names exactly.
NAMES = ("crm", "CRM", "crm ", " crm", "Crm", "vip", "VIP", "vip lookup", "vip  lookup", "night")
# Header names that carry no credential (their values are shown in clear), and some that do (never shown).
HEADER_NAMES = ("X-App-ID", "X-Env", "Accept", "X-Trace", "User-Agent", "X-Route")
CREDENTIAL_HEADER_NAMES = ("Authorization", "X-API-Key", "X-Auth-Token", "cookie")
# Fields of a stored object the PBX may add beyond the ones this collection manages.
EXTRA_FIELDS = {"created_at": st.just("2026-01-01T00:00:00Z"), "vendor_flags": st.integers(0, 9),
                "description": st.text(PLAIN, max_size=8)}
# A blank field as a PBX answers it: null, "" or left out.
MISSING = "<missing>"
# Options that a declaration of an existing action URL may leave out: all but its key.
OPTIONAL = tuple(field.name for field in fields.FIELDS if field.name != "name")


def _digits(low=1, high=6):
    return st.text("0123456789", min_size=low, max_size=high)


@st.composite
def _mask_entry(draw):
    kind = draw(st.sampled_from(("digits", "range", "wildcard", "all")))
    if kind == "digits":
        return draw(_digits())
    if kind == "range":
        low, high = sorted(draw(st.lists(st.integers(0, 99999), min_size=2, max_size=2)))
        return "%d-%d" % (low, high)
    if kind == "wildcard":
        return draw(_digits(0, 3)) + "*" + draw(st.text("0123456789*", max_size=3))
    return draw(st.sampled_from(("ALL", "all", "All")))


@st.composite
def masks(draw):
    """A valid mask: unique entries (as the PBX compares them) in any order, with any spacing."""
    entries = draw(st.lists(_mask_entry(), min_size=1, max_size=6, unique_by=lambda entry: entry.upper()))
    spaced = [draw(st.sampled_from(("", " ", "  "))) + entry + draw(st.sampled_from(("", " "))) for entry in entries]
    return draw(st.sampled_from((";", "; ", " ;"))).join(spaced)


def urls():
    return st.builds("{}://{}.example.com/{}".format, st.sampled_from(("http", "https")),
                     st.text(string.ascii_lowercase[:25], min_size=1, max_size=12), st.text(PLAIN + "/-_.", max_size=40))


def header_values():
    return st.text(PLAIN + "-_./=:;, ", max_size=20)


def secret_headers(removals=False):
    """Credential headers (the secret_headers option, or those a PBX stores); ``removals``: "" removes one."""
    values = st.one_of(tokens(), st.just("")) if removals else tokens()
    return st.dictionaries(st.sampled_from(CREDENTIAL_HEADER_NAMES), values, min_size=1, max_size=2)


@st.composite
def headers(draw, as_string=None, credentials=False):
    """Headers in the dict form or in the API's string form (with spacing), names unique without regard to case.

    ``credentials``: credential headers may be among them (as a PBX stores the secret_headers it was given).
    """
    pairs = draw(st.dictionaries(st.sampled_from(HEADER_NAMES), header_values(), max_size=3))
    if credentials and draw(st.booleans(), label="credential headers"):
        pairs.update(draw(secret_headers(), label="stored credential headers"))
    if as_string is None:
        as_string = draw(st.booleans())
    if not as_string:
        return pairs
    separator = draw(st.sampled_from(("&", " & ", "&&")))
    return separator.join("%s%s:%s" % (name, draw(st.sampled_from(("", " "))), value) for name, value in pairs.items())


def credentials(secret):
    prefix = SECRET_PREFIX if secret else ""
    return st.builds(prefix.__add__, st.text(PLAIN, min_size=6 - len(prefix), max_size=20))


def tokens():
    return st.builds(SECRET_PREFIX.__add__, st.text(PLAIN + "-._~+/", min_size=1, max_size=30))


# The syntax of each checked field, keyed by its check.
# pylint: disable=protected-access
CHECKED = {
    fields._check_mask: masks,
    fields._check_url: urls,
    fields._check_credential: lambda: credentials(False),
}
# pylint: enable=protected-access


def value_of(field, as_string=False):
    """A valid value of ``field``; headers as the API string when ``as_string`` (what a PBX holds)."""
    if field.name == "name":
        return st.sampled_from(NAMES)
    if field.name == "headers":
        return headers(as_string=as_string or None, credentials=as_string)
    if field.secret:
        return credentials(True) if field.check else tokens()
    if field.check in CHECKED:
        return CHECKED[field.check]()
    if field.choices:
        return st.sampled_from(field.choices)
    if field.kind == "bool":
        return st.booleans()
    if field.kind == "int":
        return st.one_of(st.integers(field.minimum, 600), st.sampled_from((field.minimum, field.maximum)))
    raise AssertionError("no strategy for field %s" % field.name)


def _needs(obj):
    """The fields a stored or declared object's type and auth make necessary."""
    return [name for option, value, needs in fields.REQUIRED_IF if obj.get(option) == value for name in needs]


@st.composite
def legacy_value(draw, field):
    """A value PBXs before 22.6 accepted and today's checks refuse: a mask that repeats an entry, a user name with
    capitals (Pbx.prepare then makes the simulator accept it, as such a PBX does)."""
    if field.name == "username":
        return draw(credentials(False), label="username").capitalize()
    mask = draw(masks(), label=field.name)
    return "%s;%s" % (mask, mask.split(";")[0].strip())


LEGACY_FIELDS = ("dtmf_mask", "caller_mask", "username")


@st.composite
def stored_action_url(draw, name):
    """An action URL as a PBX may hold and answer it: every field, blanks as null, "" or missing, extra fields, and
    values that only older PBXs accepted."""
    obj = {"name": name}
    # One object in five holds a value only older PBXs accepted.
    legacy = draw(st.sampled_from(LEGACY_FIELDS), label="legacy field") if draw(st.integers(0, 4), label="legacy") == 0 else None
    for field in fields.FIELDS:
        if field.name != "name":
            value = legacy_value(field) if field.name == legacy else value_of(field, as_string=True)
            obj[field.name] = draw(value, label=field.name)
    needed = set(fields.REQUIRED_ON_CREATE) | set(_needs(obj))
    for field in fields.FIELDS:
        if field.name in needed:
            continue
        blanks = [None] + ([""] if field.blank == "" else [])
        # The simulator shows each secret, each field with a default and the headers (it masks credential headers),
        # so only the others may be left out.
        if not field.secret and field.server_default is None and field.name != "headers":
            blanks.append(MISSING)
        shown = draw(st.sampled_from(["value"] + blanks), label="%s as" % field.name)
        if shown == MISSING:
            del obj[field.name]
        elif shown != "value":
            obj[field.name] = shown
    for extra, values in EXTRA_FIELDS.items():
        if draw(st.booleans(), label="has %s" % extra):
            obj[extra] = draw(values, label=extra)
    return obj


@st.composite
def stored_ivr(draw, min_size=0, max_size=12, duplicates=False):
    """``min_size`` to ``max_size`` stored action URLs; their exact names are unique, unless ``duplicates``: then at
    least one name is held twice."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=max(min_size, duplicates), max_size=max_size, unique=not duplicates),
                 label="stored names")
    if duplicates:
        names.append(names[0])
    return [draw(stored_action_url(name), label="stored %r" % name) for name in names]


def server_modes(lost_answers=True):
    """The PBX's behaviours the documentation leaves open, and a write whose answer is lost (its request applied).

    Pages as small as one IVR, counted from 0 or 1, so that every listing of the IVRs takes several.
    """
    return st.fixed_dictionaries({
        "secrets": st.sampled_from(("clear", "masked", "omitted")),
        "update": st.sampled_from(("keep", "reset")),
        "unknown_id_status": st.sampled_from((404, 400)),
        "blank_defaults": st.booleans(),
        "max_page_size": st.sampled_from((None, 1, 2)),
        "skip_base": st.sampled_from((0, 1)),
        "lost_answer": st.sampled_from((None, "create", "create_500", "destroy")) if lost_answers else st.none(),
    })


@st.composite
def options(draw, complete=False, exists=True, whole=False):
    """Options of one action URL (no name): a subset of the fields, plus what its type and auth need.

    ``complete``: everything a create needs. ``exists``: the stored username and secrets may be left out.
    ``whole``: what replaced and overridden need (a create's fields, less those an existing one keeps).
    """
    chosen = draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=len(OPTIONAL)), label="options")
    given = {name: draw(value_of(fields.BY_NAME[name]), label=name) for name in chosen}
    required = [name for name in fields.REQUIRED_ON_CREATE if name != "name"] if complete or whole else []
    for name in required:
        if name not in given:
            given[name] = draw(value_of(fields.BY_NAME[name]), label=name)
    for name in _needs(given):
        if name not in given and (complete or not exists or name not in fields.KEPT):
            given[name] = draw(value_of(fields.BY_NAME[name]), label=name)
    if draw(st.booleans(), label="with secret_headers"):
        given[SECRET_HEADERS] = draw(secret_headers(removals=True), label=SECRET_HEADERS)
    return given


class StoredId:
    """The id the simulator gives the stored action URL at ``index``, once stored (ids are random)."""

    def __init__(self, index):
        self.index = index

    def __repr__(self):
        return "StoredId(%d)" % self.index

    def __eq__(self, other):
        return isinstance(other, StoredId) and other.index == self.index

    def __hash__(self):
        return hash(self.index)


@st.composite
def single_declaration(draw, stored):
    """Options of portsip.pbx.ivr_action_url (no connection, no IVR) for an IVR holding ``stored``."""
    state = draw(st.sampled_from(("present", "absent")), label="state")
    declaration = {"state": state, "update_secrets": draw(st.sampled_from(("on_create", "always")), label="update_secrets")}
    target = None
    if stored and draw(st.booleans(), label="by id"):
        index = draw(st.integers(0, len(stored) - 1), label="target")
        target = stored[index]
        declaration["id"] = StoredId(index)
        if draw(st.booleans(), label="with name"):
            declaration["name"] = draw(st.sampled_from(NAMES), label="name")
    else:
        declaration["name"] = draw(st.sampled_from(NAMES), label="name")
        target = next((item for item in stored if item["name"] == declaration["name"]), None)
    if state == "present":
        # The module asks for what type and auth need whether or not the action URL exists.
        declaration.update(draw(options(complete=target is None, exists=False)))
    return declaration


@st.composite
def single_examples(draw):
    """A server mode, what one IVR stores, and a declaration of portsip.pbx.ivr_action_url for it."""
    stored = draw(stored_ivr(), label="stored")
    return dict(mode=draw(server_modes(), label="mode"), stored=stored, by_number=draw(st.booleans(), label="by_number"),
                declaration=draw(single_declaration(stored), label="declaration"))


class IvrId(StoredId):
    """The id of the simulator's IVR at ``index`` (ids are random)."""

    def __repr__(self):
        return "IvrId(%d)" % self.index


@st.composite
def set_declaration(draw, ivrs, state):
    """Options of portsip.pbx.ivr_action_urls in ``state`` for ``ivrs``: [(extension number, stored)]."""
    chosen = draw(st.lists(st.sampled_from(range(len(ivrs))), min_size=1, max_size=len(ivrs), unique=True), label="ivrs")
    config = []
    for index in chosen:
        number, stored = ivrs[index]
        entry = {"ivr": number} if draw(st.booleans(), label="by number") else {"ivr_id": IvrId(index)}
        names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=5), label="declared names")
        items = []
        for name in names:
            exists = any(item["name"] == name for item in stored)
            item = {"name": name}
            if state != "deleted":
                item.update(draw(options(complete=not exists, exists=exists, whole=state in ("replaced", "overridden"))))
            items.append(item)
        entry["action_urls"] = items
        config.append(entry)
    return {"config": config, "state": state, "update_secrets": draw(st.sampled_from(("on_create", "always")), label="update_secrets"),
            "parallelism": draw(st.integers(1, 4), label="parallelism")}


@st.composite
def set_examples(draw, numbers, states=("merged", "replaced", "overridden", "deleted"), duplicates=False):
    """A server mode, what each IVR (extension ``numbers``) stores, and a declaration of portsip.pbx.ivr_action_urls."""
    stored = [draw(stored_ivr(max_size=12 if index == 0 else 4, duplicates=duplicates), label="stored in %s" % number)
              for index, number in enumerate(numbers)]
    state = draw(st.sampled_from(states), label="state")
    return dict(mode=draw(server_modes(), label="mode"), stored=stored,
                declaration=draw(set_declaration(list(zip(numbers, stored)), state), label="declaration"))


# -- invalid input ------------------------------------------------------------

BAD_MASKS = ("1;1", "1; 1", "all;ALL", "5-3", "12a", "1--2", "#", "1,2", "9" * 256)
BAD_HEADERS = ({"Bad Name": "x"}, {"X-A": "a&b"}, "X A:b", {"": "x"}, {"X:Y": "v"}, "X-A:1&Bad\tName:2", 5, ["X-A:1"])
# No NUL: ansible-core fails a module given one while logging its arguments to syslog, before the module can
# name the option ("Failed to log to syslog (embedded null character)"): nothing is written, but no option is named.
CONTROL = "\x07\n\r\x1b\x7f"


def invalid_value(field):
    """A value of ``field`` that the collection must refuse, naming the option, before any request."""
    # Ansible turns a list or dict given for a str option into its text: only a checked field refuses that text.
    choices = [st.sampled_from((["x"], {"a": 1}))] if field.kind == "str" and (field.check or field.choices) else []
    if field.kind == "int":
        choices.append(st.integers(max_value=field.minimum - 1))
        choices.append(st.integers(min_value=field.maximum + 1, max_value=2 ** 40))
        choices.append(st.booleans())
        choices.append(st.sampled_from(("many", [1])))
    if field.max_length:
        choices.append(st.builds(lambda text: text * (field.max_length + 1), st.sampled_from("1ab")))
    if field.min_length:
        choices.append(st.just(""))
    if field.check is fields._check_mask:  # pylint: disable=protected-access
        choices.append(st.sampled_from(BAD_MASKS))
        choices.append(st.builds("1{}2".format, st.sampled_from(CONTROL)))
    if field.check is fields._check_url:  # pylint: disable=protected-access
        # Control characters in a URL are not refused yet: see test_regressions.py.
        choices.append(st.sampled_from(("ftp://x.example.com/", "crm.example.com/hook", "https://")))
    if field.check is fields._check_credential:  # pylint: disable=protected-access
        choices.append(st.sampled_from(("short", "UPPERCASE1", "with space1", "a" * 65, "abc\ndef1", "abcdefg\n")))
    if field.name == "headers":
        choices.append(st.sampled_from(BAD_HEADERS))
        choices.append(st.builds("X-A{}B:1".format, st.sampled_from(CONTROL)))
        choices.append(st.builds(lambda char: {"X-App-ID": "crm%sX-Injected: 1" % char}, st.sampled_from(CONTROL)))
    if field.choices:
        choices.append(st.sampled_from(("", "dtmf", "NONE", "GET\n")))
    if field.kind == "bool":
        choices.append(st.sampled_from(("maybe", [True], 2)))
    return st.one_of(choices) if choices else st.nothing()


INVALID_FIELDS = tuple(field for field in fields.FIELDS if not invalid_value(field).is_empty)
