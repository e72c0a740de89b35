# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What must hold after any run of either module, whatever was stored and declared."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import json

from ansible_collections.portsip.pbx.plugins.module_utils import fields, headers as hdr, placeholders

from harness import ACCESS_TOKEN


def secret_values(raw, *declared):
    """Every secret value stored in ``raw`` or given in the ``declared`` options (any nesting), and the access token."""
    found = {ACCESS_TOKEN}
    for urls in raw.values():
        for obj in urls.values():
            found.update(obj[name] for name in fields.SECRETS if obj.get(name))
            found.update(text for _name, text in hdr.credential_headers(obj.get("headers")))

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key in fields.SECRETS and item and not placeholders.is_placeholder(item):
                    found.add(item)
                if key == hdr.SECRET_HEADERS:
                    found.update(text for text in item.values() if text and not placeholders.is_placeholder(text))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(list(declared))
    return found


def leaked(run, secrets):
    """The secrets that appear anywhere in a run's result, warnings and messages included."""
    text = json.dumps(run.result)
    return sorted(secret for secret in secrets if secret in text)


def crowded_names(raw):
    """(IVR id, name, count) for each name held by more than one action URL of an IVR."""
    return [(ivr_id, name, count) for ivr_id, urls in raw.items()
            for name, count in collections.Counter(obj.get("name") for obj in urls.values()).items() if count > 1]


def _secrets_of(obj):
    """{secret name or "headers.<lowercase name>": value} of a stored object."""
    held = {name: obj[name] for name in fields.SECRETS if obj.get(name)}
    held.update(("headers." + name.lower(), text) for name, text in hdr.credential_headers(obj.get("headers")))
    return held


def declared_secrets(item):
    """The secrets an item of a declaration gives, named as _secrets_of names them; "" removes a credential header."""
    given = {name: item[name] for name in fields.SECRETS if item.get(name) is not None}
    given.update(("headers." + name.lower(), text) for name, text in (item.get(hdr.SECRET_HEADERS) or {}).items())
    return given


def erased_secrets(before, after, removed, replaced):
    """Stored secrets (credential headers included) that a run lost or changed without the declaration asking.

    ``removed``: ids the declaration deletes. ``replaced``: {id: declared_secrets of its item}.
    """
    lost = []
    for ivr_id, urls in before.items():
        for url_id, obj in urls.items():
            if url_id in removed:
                continue
            now_obj = after.get(ivr_id, {}).get(url_id, {})
            now = _secrets_of(now_obj)
            # The secret guarded is the one the auth uses after the run (docs/docsite/rst/secrets.rst).
            unused = set(fields.SECRETS) - {fields.SECRET_FOR_AUTH.get(str(now_obj.get("auth") or "").upper())}
            for name, value in _secrets_of(obj).items():
                if name in unused:
                    continue
                if now.get(name) != value and now.get(name, "") != replaced.get(url_id, {}).get(name):
                    lost.append((url_id, obj.get("name"), name))
    return lost


def satisfies(obj, wanted, readable_secrets):
    """The fields of ``wanted`` (API form) that the stored ``obj`` does not hold, normalised.

    A secret the PBX does not give back is sent only with another change or a create
    (``readable_secrets`` False): then either the declared or the old value is fine.
    """
    wrong = []
    for name, value in wanted.items():
        if name == hdr.SECRET_HEADERS:
            continue
        field = fields.BY_NAME[name]
        held = obj.get(name)
        if name == "headers":
            # Credential headers are kept when left out and removed by secret_headers: the erasure test checks them.
            held, value = hdr.without_credential_headers(held), hdr.without_credential_headers(value)
        if field.secret and not readable_secrets:
            continue
        if field.normalise_have(held) != field.normalise(value):
            wrong.append(name)
    return wrong


def _secret_values_of(obj):
    """(option, value) of each secret field and header value of an object or request body, headers as the API string."""
    values = [(name, obj[name]) for name in fields.SECRETS if isinstance(obj.get(name), str)]
    headers = obj.get("headers")
    return values + [("headers." + name, text) for name, text in hdr.parse_headers(headers)] if isinstance(headers, str) else values


def placeholders_sent(run):
    """The secrets that a run's writes sent as a placeholder: a mask must never reach the PBX."""
    return [(entry["path"], option) for entry in run.writes if isinstance(entry["body"], dict)
            for option, value in _secret_values_of(entry["body"]) if placeholders.is_placeholder(value)]


def placeholders_stored(raw):
    """The secrets the PBX holds as a placeholder: one became the webhook's credential."""
    return [(url_id, option) for urls in raw.values() for url_id, obj in urls.items()
            for option, value in _secret_values_of(obj) if placeholders.is_placeholder(value)]
