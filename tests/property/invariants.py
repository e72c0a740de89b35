# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What must hold after any run of either module, whatever was stored and declared."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import json
import re

from ansible_collections.portsip.pbx.plugins.module_utils import action_url_fields as fields

from harness import ACCESS_TOKEN

# The refusals the engine documents for a valid declaration: each is made before any write.
REFUSALS = re.compile(r"does not give back its stored|action URLs are named|cannot rename|does not exist yet")


def secret_values(raw, *declared):
    """Every secret value stored in ``raw`` or given in the ``declared`` options (any nesting), and the access token."""
    found = {ACCESS_TOKEN}
    for urls in raw.values():
        for obj in urls.values():
            found.update(obj[name] for name in fields.SECRETS if obj.get(name))

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key in fields.SECRETS and item:
                    found.add(item)
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


def erased_secrets(before, after, removed, replaced):
    """Stored secrets that a run lost or changed without the declaration asking.

    ``removed``: ids the declaration deletes. ``replaced``: {id: {secret name: declared value}}.
    """
    lost = []
    for ivr_id, urls in before.items():
        for url_id, obj in urls.items():
            for name in fields.SECRETS:
                if not obj.get(name) or url_id in removed:
                    continue
                now = after.get(ivr_id, {}).get(url_id, {}).get(name)
                if now != obj[name] and now != replaced.get(url_id, {}).get(name):
                    lost.append((url_id, obj.get("name"), name))
    return lost


def satisfies(obj, wanted, readable_secrets):
    """The fields of ``wanted`` (API form) that the stored ``obj`` does not hold, normalised.

    A secret the PBX does not give back is sent only with another change or a create
    (``readable_secrets`` False): then either the declared or the old value is fine.
    """
    wrong = []
    for name, value in wanted.items():
        field = fields.BY_NAME[name]
        if field.secret and not readable_secrets:
            continue
        if field.stored(obj.get(name)) != field.normalise(value):
            wrong.append(name)
    return wrong
