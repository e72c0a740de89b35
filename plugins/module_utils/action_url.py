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

import time
from urllib.parse import quote

from ansible_collections.portsip.pbx.plugins.module_utils import action_url_fields as fields
from ansible_collections.portsip.pbx.plugins.module_utils.client import PortsipError
from ansible_collections.portsip.pbx.plugins.module_utils.ivr import action_urls, ivr_path


def argument_spec():
    """The options of portsip.pbx.ivr_action_url, besides the connection's."""
    spec = dict(
        ivr_id=dict(type="str"),
        ivr=dict(type="str"),
        id=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        update_secrets=dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False),
    )
    spec.update(fields.argument_spec())
    return spec


class Problem(Exception):
    """The declaration cannot be applied to what is on the PBX; nothing was written.

    ``reasons``: (option or None, text) pairs, so that each module names an option where its users wrote it.
    """

    def __init__(self, *reasons):
        self.reasons = [reason if isinstance(reason, tuple) else (None, reason) for reason in reasons]
        super(Problem, self).__init__(self.describe())

    def describe(self, place=None):
        """The reasons as one message, each option named below ``place`` (such as ``config[0].action_urls[1]``)."""
        parts = []
        for option, text in self.reasons:
            where = ".".join(part for part in (place, option) if part)
            parts.append("%s: %s" % (where, text) if where else text)
        return "; ".join(parts)


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
            raise Problem("%d action URLs are named %r (ids %s); keep one: portsip.pbx.ivr_action_urls with "
                          "state=overridden keeps the one that needs the fewest changes and deletes the others, or "
                          "delete the others by id (portsip.pbx.ivr_action_url with id and state=absent)"
                          % (len(matches), name, ", ".join(item.get("id") for item in matches)))
    return matches[0] if matches else None


def lacking(current, wanted, whole=False):
    """The options a declaration lacks to be applied to ``current`` (None: it is created).

    A create needs name, type and url; ``whole`` (a declaration that replaces the action URL) needs them too. The
    declared type needs its mask and the declared auth its credentials, except those ``current`` holds and keeps.
    """
    required = list(fields.REQUIRED_ON_CREATE) if current is None or whole else []
    for option, value, needs in fields.REQUIRED_IF:
        if wanted.get(option) == value:
            required += needs
    return [name for name in dict.fromkeys(required)
            if not fields.given(wanted, name) and not (name in fields.KEPT and fields.holds(current, name))]


def _lacking_reasons(current, wanted, whole):
    """Why ``wanted`` cannot be applied to ``current`` for what it lacks, as Problem reasons.

    A placeholder reads as "keep the stored secret": where the action URL needs that secret and holds none, it is
    named for what it is, which masked output cannot supply. A header given as a placeholder is needed as declared.
    """
    name = wanted.get("name") or (current or {}).get("name")
    lacked = lacking(current, wanted, whole)
    reasons = [(option, "%s stands for a secret: it is how this collection shows one, and masked output cannot supply "
                        "one; %s, so give the secret itself" % (wanted[option].strip(), _none_to_keep(current, name, option)))
               for option in lacked if wanted.get(option) is not None]
    reasons += [("%s.%s" % (fields.SECRET_HEADERS, header), "a placeholder stands for a secret: it is how this collection "
                 "shows one, and masked output cannot supply one; %s, so give the value itself"
                 % _none_to_keep(current, name, "%s header" % header)) for header in fields.kept_headers(current, wanted)]
    # What is lacked and yet has a value was given as a placeholder.
    missing = [option for option in lacked if wanted.get(option) is None]
    if missing and current is None:
        reasons.append("action URL %r does not exist yet; to create it, also set: %s" % (name, ", ".join(missing)))
    elif missing and whole:
        reasons.append("state=%s makes the action URL exactly as declared, so it needs: %s" % (whole, ", ".join(missing)))
    elif missing:
        why = ["%s is %s" % (option, value) for option, value, needs in fields.REQUIRED_IF
               if wanted.get(option) == value and set(needs) & set(missing)]
        reasons.append("%s, so also set: %s" % (" and ".join(why), ", ".join(missing)))
    return reasons


def _none_to_keep(current, name, what):
    if current is None:
        return "action URL %r does not exist yet" % name
    return "action URL %r holds no %s to keep" % (name, what)


class Change:
    """What one action URL needs, decided from one read before any write."""

    def __init__(self, action, current, after, body=None, changed=(), placeholders=None):
        self.action = action  # "create", "update", "delete", or None when it already matches
        self.current = current  # the stored object; None before a create
        self.after = after  # the object as the PBX will hold it; None after a delete
        self.body = body  # what the write sends
        self.changed = list(changed)  # names of the fields the write sets or changes
        self.placeholders = placeholders or {}  # how to show each secret the write sends


def decide(items, wanted, update_secrets, url_id=None, absent=False, whole=None, problems=None):
    """The change that makes the IVR's action URLs ``items`` hold ``wanted`` (API form), or lose it.

    ``whole``: the state that makes the action URL exactly as declared (replaced, overridden), or None.
    ``problems``: {field: why its declared value may not be sent}; refused only for a field the write would send.
    """
    current = find(items, url_id, wanted.get("name"))
    if absent:
        return Change(None, None, None) if current is None else Change("delete", current, None)
    reasons = _lacking_reasons(current, wanted, whole)
    if reasons:
        raise Problem(*reasons)
    if whole:
        wanted = fields.replacement(wanted)
    wanted = fields.without_placeholders(fields.resolved(current, wanted))
    if current is None:
        _refuse_unsendable(wanted, problems)
        body = fields.applied(None, wanted)
        return Change("create", None, fields.predicted_create(body), body=body, changed=wanted)
    changed = fields.differences(current, wanted, update_secrets)
    if not changed:
        return Change(None, current, current)
    _refuse_unsendable(changed, problems)
    if "name" in changed:
        taken = [item["id"] for item in _with_name(items, wanted["name"]) if item["id"] != current["id"]]
        if taken:
            raise Problem("cannot rename action URL %s to %r: that name is already used by %s"
                          % (current["id"], wanted["name"], ", ".join(taken)))
    at_risk = fields.secrets_at_risk(current, wanted)
    if at_risk:
        raise Problem(*[(option, "action URL %r needs an update, but the PBX does not give back its stored %s, and an "
                                 "update without it could erase it; set it in the task, from your vault" % (current.get("name"), option))
                        for option in at_risk])
    body = fields.applied(current, wanted)
    return Change("update", current, dict(current, **body), fields.update_body(current, body), changed,
                  fields.secret_placeholders(current, wanted, changed))


def _refuse_unsendable(written, problems):
    reasons = [(name, (problems or {})[name]) for name in written if name in (problems or {})]
    if reasons:
        raise Problem(*reasons)


def write(client, ivr_id, change, known=()):
    """Make the change on the PBX; returns the action URL's id (a new one after a create).

    ``known``: the ids the IVR held when the change was decided; a create whose answer is lost is looked for among the
    others.
    """
    if change.action == "create":
        name = change.body["name"]
        return client.create(_path(ivr_id), change.body, lambda: _created(client, ivr_id, name, set(known)))
    url_id = change.current["id"]
    if change.action == "update":
        client.update(_path(ivr_id, url_id), change.body)
    else:
        _destroy(client, ivr_id, url_id)
    return url_id


# A run that created an action URL looks again after this long at the least, or after as long as its read of the IVR
# took to become the create, if longer: by then another run that read the IVR before the create committed has sent
# its own create too (docs/docsite/rst/localhost.rst, "Runs that overlap").
SETTLE_SECONDS = 1.0


def settle_at(read_at, created_at):
    """When (time.monotonic) to look again at an IVR read at ``read_at`` whose last create this run made answered at
    ``created_at``."""
    return created_at + max(SETTLE_SECONDS, created_at - read_at)


def settle(client, ivr_id, creates, update_secrets):
    """Leave one action URL of each name this run created, where other runs created the same name at the same time.

    ``creates``: [(change, id)] of this run's creates in the IVR, decided on one read of it. One more read shows every
    copy. The copy with the lowest id stays, a rule every run computes alike; a run whose copy is not that one deletes
    its own (never another's, so nothing is deleted twice) and makes the one that stays hold its declaration.
    Returns {own id: id that stays} and the writes made, [(change, id)].
    """
    items = action_urls(client, ivr_id)
    kept, done = {}, []
    for change, own in creates:
        copies = sorted(_with_name(items, change.body["name"]), key=lambda item: item["id"])
        mine = [item for item in copies if item["id"] == own]
        if not mine or copies[0]["id"] == own:
            continue
        name, stays = change.body["name"], copies[0]
        client.warn("action URL %r of virtual receptionist %s was created by another run at the same time: the copy "
                    "with the lowest id (%s) stays, and this run deletes its own (%s)" % (name, ivr_id, stays["id"], own))
        drop = Change("delete", mine[0], None)
        done.append((drop, write(client, ivr_id, drop)))
        kept[own] = stays["id"]
        try:
            hold = decide([stays], change.body, update_secrets)
        except Problem as problem:
            # The other run declared it otherwise, and holding this declaration would risk its secret: it stays as
            # that run made it, and the next run of either declaration converges.
            client.warn("action URL %r of virtual receptionist %s stays as the other run made it: %s" % (name, ivr_id, problem))
            continue
        if hold.action:
            done.append((hold, write(client, ivr_id, hold)))
    return kept, done


def ensure(client, ivr_id, params, check_mode):
    """Create, update or delete one action URL; returns the module result, with its diff."""
    read_at = time.monotonic()
    items = action_urls(client, ivr_id)
    url_id = params.get("id")
    if url_id is not None and params["state"] == "present" and find(items, url_id) is None:
        raise Problem("virtual receptionist %s has no action URL with id %r; to create one, give its name and leave id out"
                      % (ivr_id, url_id))
    change = decide(items, fields.desired(params), params["update_secrets"], url_id, absent=params["state"] == "absent",
                    problems=fields.value_problems(params))
    after = change.after
    if change.action and not check_mode:
        written = write(client, ivr_id, change, [item["id"] for item in items])
        if change.action == "create":
            client.wait(settle_at(read_at, time.monotonic()) - time.monotonic())
            kept, _writes = settle(client, ivr_id, [(change, written)], params["update_secrets"])
            after = dict(after, id=kept.get(written, written))
    hidden = fields.secret_header_names(params)
    before = {} if change.current is None else shown(change.current, hidden=hidden)
    if after is None:
        return dict(changed=change.action is not None, action_url={}, diff=dict(before=before, after={}))
    return dict(changed=change.action is not None, action_url=fields.masked(after, change.placeholders, hidden),
                diff=dict(before=before, after=shown(after, change.placeholders, hidden)))


def shown(obj, placeholders=None, hidden=()):
    """An action URL as results and diffs show it: its settings, secrets masked, nothing unset."""
    return fields.settings(fields.masked(obj, placeholders, hidden))


def _created(client, ivr_id, name, known):
    """The id of the action URL named ``name`` that a create whose answer was lost made: one not in ``known``."""
    made = [item["id"] for item in _with_name(action_urls(client, ivr_id), name) if item["id"] not in known]
    if len(made) > 1:
        raise PortsipError("the answer to the create was lost, and %d new action URLs are named %r (ids %s): another run "
                           "created it at the same time, and this run cannot tell its own; portsip.pbx.ivr_action_urls "
                           "with state=overridden keeps one" % (len(made), name, ", ".join(made)))
    return made[0] if made else None


def _destroy(client, ivr_id, url_id):
    try:
        client.destroy(_path(ivr_id, url_id))
    except PortsipError as error:
        # A retried destroy whose first try went through finds the object gone; the PBX
        # may say so with 400 or 404. Only a fresh read may call it absent.
        if error.status not in (400, 404) or find(action_urls(client, ivr_id), url_id) is not None:
            raise
