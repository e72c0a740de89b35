# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Making one action URL of a virtual receptionist match what the user declared.

The decision (``decide``) needs only what one read of the IVR's action URLs
returned, and is kept apart from the write (``write``): check mode walks the
same path and stops only before the write. Both modules that change action
URLs use this one decision.
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
            raise Problem("%d action URLs are named %r (ids %s); keep one: delete the others by id "
                          "(portsip.pbx.ivr_action_url with id and state=absent)"
                          % (len(matches), name, ", ".join(item.get("id") for item in matches)))
    return matches[0] if matches else None


def missing(wanted, whole=True, exists=False):
    """The options a declaration lacks.

    ``whole``: everything a create needs, not only what its ``type`` and ``auth`` need.
    ``exists``: the action URL exists, so it keeps its stored username and secrets.
    """
    required = list(fields.REQUIRED_ON_CREATE) if whole else []
    for option, value, needs in fields.REQUIRED_IF:
        if wanted.get(option) == value:
            required += [name for name in needs if not (exists and name in fields.KEPT)]
    return [name for name in dict.fromkeys(required) if name not in wanted]


def lacking_message(wanted, exists=False):
    """What the ``type`` and ``auth`` of a declaration need and it lacks, as a message; None when nothing is lacking."""
    lacking = missing(wanted, whole=False, exists=exists)
    if not lacking:
        return None
    reasons = ["%s is %s" % (option, value) for option, value, needs in fields.REQUIRED_IF
               if wanted.get(option) == value and set(needs) & set(lacking)]
    return "%s, so also set: %s" % (" and ".join(reasons), ", ".join(lacking))


def _stored(obj):
    return {key: value for key, value in obj.items() if key != "id"}


class Change:
    """What one action URL needs, decided from one read before any write."""

    def __init__(self, action, current, after, body=None, changed=(), placeholders=None):
        self.action = action  # "create", "update", "delete", or None when it already matches
        self.current = current  # the stored object; None before a create
        self.after = after  # the object as the PBX will hold it; None after a delete
        self.body = body  # what the write sends
        self.changed = list(changed)  # names of the fields the write sets or changes
        self.placeholders = placeholders or {}  # how to show each secret the write sends


def decide(items, wanted, update_secrets, url_id=None, absent=False):
    """The change that makes the IVR's action URLs ``items`` hold ``wanted`` (API form), or lose it."""
    current = find(items, url_id, wanted.get("name"))
    if absent:
        return Change(None, None, None) if current is None else Change("delete", current, None)
    wanted = fields.resolved(current, wanted)
    if current is None:
        lacking = missing(wanted)
        if lacking:
            raise Problem("action URL %r does not exist yet; to create it, also set: %s" % (wanted["name"], ", ".join(lacking)))
        body = fields.applied(None, wanted)
        return Change("create", None, fields.predicted_create(body), body=body, changed=wanted)
    changed = fields.differences(current, wanted, update_secrets)
    if not changed:
        return Change(None, current, current)
    if "name" in changed:
        taken = [item["id"] for item in _with_name(items, wanted["name"]) if item["id"] != current["id"]]
        if taken:
            raise Problem("cannot rename action URL %s to %r: that name is already used by %s"
                          % (current["id"], wanted["name"], ", ".join(taken)))
    at_risk = fields.secrets_at_risk(current, wanted)
    if at_risk:
        raise Problem("action URL %r needs an update, but the PBX does not give back its stored %s, and an update "
                      "without it could erase it; set %s in the task"
                      % (current.get("name"), " and ".join(at_risk), " and ".join(at_risk)))
    body = fields.applied(current, wanted)
    return Change("update", current, dict(current, **body), fields.update_body(current, body), changed,
                  fields.secret_placeholders(current, wanted, changed))


def write(client, ivr_id, change):
    """Make the change on the PBX; returns the action URL's id (a new one after a create)."""
    if change.action == "create":
        name = change.body["name"]
        return client.create(_path(ivr_id), change.body, lambda: _id_named(client, ivr_id, name))
    url_id = change.current["id"]
    if change.action == "update":
        client.update(_path(ivr_id, url_id), change.body)
    else:
        _destroy(client, ivr_id, url_id)
    return url_id


def ensure(client, ivr_id, params, check_mode):
    """Create, update or delete one action URL; returns the module result."""
    items = action_urls(client, ivr_id)
    url_id = params.get("id")
    if url_id is not None and params["state"] == "present" and find(items, url_id) is None:
        raise Problem("virtual receptionist %s has no action URL with id %r; to create one, give its name and leave id out"
                      % (ivr_id, url_id))
    change = decide(items, fields.desired(params), params["update_secrets"], url_id, absent=params["state"] == "absent")
    after = change.after
    if change.action and not check_mode:
        written = write(client, ivr_id, change)
        if change.action == "create":
            after = dict(after, id=written)
    before = {} if change.current is None else fields.masked(_stored(change.current))
    if after is None:
        return dict(changed=change.action is not None, action_url={}, diff=dict(before=before, after={}))
    shown = fields.masked(after, change.placeholders)
    return dict(changed=change.action is not None, action_url=shown, diff=dict(before=before, after=_stored(shown)))


def _id_named(client, ivr_id, name):
    matches = _with_name(action_urls(client, ivr_id), name)
    return matches[0]["id"] if matches else None


def _destroy(client, ivr_id, url_id):
    try:
        client.destroy(_path(ivr_id, url_id))
    except PortsipError as error:
        # A retried destroy whose first try went through finds the object gone; the PBX
        # may say so with 400 or 404. Only a fresh read may call it absent.
        if error.status not in (400, 404) or find(action_urls(client, ivr_id), url_id) is not None:
            raise
