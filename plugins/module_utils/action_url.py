# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One action URL of a virtual receptionist made to match its declaration: portsip.pbx.ivr_action_url's engine.

Read the IVR's action URLs once, decide (decision.decide), then write; check mode is the same run
without the write. After a create, ``settle`` leaves one copy where overlapping runs created the
same name. The set engine (action_url_set.py) uses the same write and settle.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time
from urllib.parse import quote

from ansible_collections.portsip.pbx.plugins.module_utils import fields
from ansible_collections.portsip.pbx.plugins.module_utils.decision import Change, decide, find, with_name
from ansible_collections.portsip.pbx.plugins.module_utils.errors import PortsipError, Problem, RequestError
from ansible_collections.portsip.pbx.plugins.module_utils.forms import lone_secret_headers, masked, shown, want_of
from ansible_collections.portsip.pbx.plugins.module_utils.headers import secret_header_names
from ansible_collections.portsip.pbx.plugins.module_utils.ivr import action_urls, find_ivr, ivr_path


def update_secrets_option():
    """The update_secrets option, shared by the modules that write action URLs."""
    return dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False)


def argument_spec():
    """The options of portsip.pbx.ivr_action_url, besides the connection's."""
    spec = dict(
        ivr_id=dict(type="str"),
        ivr=dict(type="str"),
        id=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        update_secrets=update_secrets_option(),
    )
    spec.update(fields.argument_spec())
    return spec


def run(client, params, check_mode, diff):
    """The result of portsip.pbx.ivr_action_url (with a diff if ``diff``).

    Raises Problem (nothing written) or RequestError; once the IVR is known, the error carries its ``ivr_id``.
    """
    problems = fields.shape_problems(params)
    if problems:
        raise Problem("; ".join(problems))
    ivr_id = params["ivr_id"]
    try:
        if ivr_id is None:
            ivr_id = find_ivr(client, params["ivr"])["id"]
        return dict(ensure(client, ivr_id, params, check_mode, diff), ivr_id=ivr_id)
    except PortsipError as error:
        error.known["ivr_id"] = ivr_id
        raise


def ensure(client, ivr_id, params, check_mode, diff=True):
    """Create, update or delete one action URL; returns its part of the module result, with a diff if ``diff``."""
    items, read_at = read(client, ivr_id, [params["name"]] if params.get("name") else [])
    url_id = params.get("id")
    if url_id is not None and params["state"] == "present" and find(items, url_id) is None:
        raise Problem("virtual receptionist %s has no action URL with id %r; to create one, give its name and leave id out"
                      % (ivr_id, url_id))
    change = decide(items, want_of(params), params["update_secrets"], url_id, absent=params["state"] == "absent",
                    problems=fields.value_problems(params), secret_headers=lone_secret_headers(params))
    after = change.after
    if change.action and not check_mode:
        written = write(client, ivr_id, change, [item["id"] for item in items])
        if change.action == "create":
            client.wait(settle_at(read_at, time.monotonic()) - time.monotonic())
            kept, _writes = settle(client, ivr_id, [(change, written)], params["update_secrets"])
            after = dict(after, id=kept.get(written, written))
    hidden = secret_header_names(params)
    result = dict(changed=change.action is not None,
                  action_url={} if after is None else masked(after, change.placeholders, hidden))
    if diff:
        result["diff"] = dict(before={} if change.have is None else shown(change.have, hidden=hidden),
                              after={} if after is None else shown(after, change.placeholders, hidden))
    return result


def _path(ivr_id, url_id=None):
    path = ivr_path(ivr_id) + "/action_urls"
    return path if url_id is None else path + "/" + quote(url_id, safe="")


def write(client, ivr_id, change, known=()):
    """Make the change on the PBX; returns the action URL's id (a new one after a create).

    ``known``: the ids the IVR had when the change was decided; a create whose answer is lost is looked for among the
    others.
    """
    if change.action == "create":
        name = change.body["name"]
        return client.create(_path(ivr_id), change.body, lambda: _created(client, ivr_id, name, set(known)))
    url_id = change.have["id"]
    if change.action == "update":
        client.update(_path(ivr_id, url_id), change.body)
    else:
        _destroy(client, ivr_id, url_id)
    return url_id


# A run that created an action URL looks again after this long at the least, or after as long as its read of the IVR
# took to become the create, if longer: by then another run that read the IVR before the create committed has sent
# its own create too (docs/docsite/rst/localhost.rst, "Runs that overlap").
SETTLE_SECONDS = 1.0


# A read that finds a declared name held more than once may fall between other runs' creates and their settle: it
# looks again, a pause apart, this many reads in all, before it takes the copies for what the PBX holds.
READS_OF_COPIES = 3


def read(client, ivr_id, names):
    """The IVR's action URLs and when (time.monotonic) they were read, looked at again while any of ``names`` is held
    more than once, up to READS_OF_COPIES reads in all."""
    for look in range(READS_OF_COPIES):
        read_at = time.monotonic()
        items = action_urls(client, ivr_id)
        if look == READS_OF_COPIES - 1 or all(len(with_name(items, name)) < 2 for name in names):
            return items, read_at
        client.wait(SETTLE_SECONDS)


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
        copies = sorted(with_name(items, change.body["name"]), key=lambda item: item["id"])
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


def _created(client, ivr_id, name, known):
    """The id of the action URL named ``name`` that a create whose answer was lost made: one not in ``known``."""
    made = [item["id"] for item in with_name(action_urls(client, ivr_id), name) if item["id"] not in known]
    if len(made) > 1:
        raise RequestError("the answer to the create was lost, and %d new action URLs are named %r (ids %s): another run "
                           "created it at the same time, and this run cannot tell its own; portsip.pbx.ivr_action_urls "
                           "with state=overridden keeps one" % (len(made), name, ", ".join(made)))
    return made[0] if made else None


def _destroy(client, ivr_id, url_id):
    try:
        client.destroy(_path(ivr_id, url_id))
    except RequestError as error:
        # A retried destroy whose first try went through finds the object gone; the PBX
        # may say so with 400 or 404. Only a fresh read may call it absent.
        if error.status not in (400, 404) or find(action_urls(client, ivr_id), url_id) is not None:
            raise
