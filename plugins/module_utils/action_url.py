# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Making one action URL of a virtual receptionist match what the user declared.

One read decides everything; check mode walks the same path and stops only
before the write.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from urllib.parse import quote

from ansible_collections.portsip.pbx.plugins.module_utils import action_url_fields as fields
from ansible_collections.portsip.pbx.plugins.module_utils.client import PortsipError
from ansible_collections.portsip.pbx.plugins.module_utils.ivr import action_urls, ivr_path


class Problem(Exception):
    """The declaration cannot be applied to what is on the PBX; nothing was written."""


def _path(ivr_id, url_id=None):
    path = ivr_path(ivr_id) + "/action_urls"
    return path if url_id is None else path + "/" + quote(url_id, safe="")


def _with_name(items, name):
    return [item for item in items if item.get("name") == name]


def find(items, url_id=None, name=None):
    """The action URL the user means: by id if given, else by its name. None if there is none."""
    if url_id is not None:
        matches = [item for item in items if item.get("id") == url_id]
    else:
        matches = _with_name(items, name)
        if len(matches) > 1:
            raise Problem("%d action URLs are named %r (ids %s); use id to pick one, and remove the others"
                          % (len(matches), name, ", ".join(item.get("id") for item in matches)))
    return matches[0] if matches else None


def _missing_on_create(wanted):
    required = list(fields.REQUIRED_ON_CREATE)
    mask = fields.MASK_FOR_TYPE.get(wanted.get("type"))
    if mask:
        required.append(mask)
    return [name for name in required if name not in wanted]


def _stored(obj):
    return {key: value for key, value in obj.items() if key != "id"}


def ensure(client, ivr_id, params, check_mode):
    """Create, update or delete one action URL; returns the module result."""
    wanted = fields.desired(params)
    items = action_urls(client, ivr_id)
    current = find(items, params.get("id"), params.get("name"))

    if params["state"] == "absent":
        if current is None:
            return dict(changed=False, action_url={}, diff=dict(before={}, after={}))
        if not check_mode:
            _destroy(client, ivr_id, current["id"])
        return dict(changed=True, action_url={}, diff=dict(before=fields.masked(_stored(current)), after={}))

    if current is None:
        return _create(client, ivr_id, params, wanted, check_mode)
    return _update(client, ivr_id, items, current, wanted, params["update_secrets"], check_mode)


def _create(client, ivr_id, params, wanted, check_mode):
    if params.get("id") is not None:
        raise Problem("virtual receptionist %s has no action URL with id %r; to create one, give its name and leave id out"
                      % (ivr_id, params["id"]))
    missing = _missing_on_create(wanted)
    if missing:
        raise Problem("action URL %r does not exist yet; to create it, also set: %s" % (wanted["name"], ", ".join(missing)))
    after = fields.predicted_create(wanted)
    if not check_mode:
        after["id"] = client.create(_path(ivr_id), wanted, lambda: _id_named(client, ivr_id, wanted["name"]))
    return dict(changed=True, action_url=fields.masked(after), diff=dict(before={}, after=fields.masked(_stored(after))))


def _id_named(client, ivr_id, name):
    matches = _with_name(action_urls(client, ivr_id), name)
    return matches[0]["id"] if matches else None


def _update(client, ivr_id, items, current, wanted, update_secrets, check_mode):
    changed = fields.differences(current, wanted, update_secrets)
    if not changed:
        shown = fields.masked(current)
        return dict(changed=False, action_url=shown, diff=dict(before=_stored(shown), after=_stored(shown)))
    if "name" in changed:
        taken = [item["id"] for item in _with_name(items, wanted["name"]) if item["id"] != current["id"]]
        if taken:
            raise Problem("cannot rename action URL %s to %r: that name is already used by %s"
                          % (current["id"], wanted["name"], ", ".join(taken)))
    at_risk = fields.secrets_at_risk(current, wanted)
    if at_risk:
        raise Problem("action URL %r needs an update, but the PBX does not give back its stored %s, and an update "
                      "without it could erase it on servers that reset fields left out; set %s in the task"
                      % (current.get("name"), " and ".join(at_risk), " and ".join(at_risk)))
    if not check_mode:
        client.update(_path(ivr_id, current["id"]), fields.update_body(current, wanted))
    after = dict(current, **wanted)
    placeholders = fields.secret_placeholders(current, wanted, changed)
    return dict(changed=True, action_url=fields.masked(after, placeholders),
                diff=dict(before=fields.masked(_stored(current)), after=fields.masked(_stored(after), placeholders)))


def _destroy(client, ivr_id, url_id):
    try:
        client.destroy(_path(ivr_id, url_id))
    except PortsipError as error:
        # A retried destroy whose first try went through finds the object gone; the PBX
        # may say so with 400 or 404. Only a fresh read may call it absent.
        if error.status not in (400, 404) or find(action_urls(client, ivr_id), url_id) is not None:
            raise
