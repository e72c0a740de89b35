# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Declaring every action URL of whole virtual receptionists: check, read, plan, then write.

The whole declaration is checked and every lookup and read is done before the
first write, so bad input or a refusal anywhere writes nothing. Each action URL
is decided by the one-item engine (action_url.decide); check mode is the same
plan without the writes.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.portsip.pbx.plugins.module_utils import action_url_fields as fields
from ansible_collections.portsip.pbx.plugins.module_utils.action_url import Problem, decide, shown, write
from ansible_collections.portsip.pbx.plugins.module_utils.client import PortsipError
from ansible_collections.portsip.pbx.plugins.module_utils.ivr import action_urls, describe_ivr, list_ivrs, pick_ivr

STATES = ("merged", "replaced", "overridden", "deleted", "gathered")
# The states that make each listed action URL exactly as declared.
WHOLE = ("replaced", "overridden")


def argument_spec():
    item = fields.argument_spec()
    item["name"] = dict(item["name"], required=True)
    return dict(
        config=dict(type="list", elements="dict", options=dict(
            ivr=dict(type="str"),
            ivr_id=dict(type="str"),
            action_urls=dict(type="list", elements="dict", options=item),
        ), mutually_exclusive=[("ivr", "ivr_id")], required_one_of=[("ivr", "ivr_id")]),
        state=dict(type="str", choices=list(STATES), default="merged"),
        update_secrets=dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False),
        parallelism=dict(type="int", default=4),
    )


REQUIRED_IF = [("state", state, ("config",)) for state in STATES if state != "gathered"]


class WriteFailed(Exception):
    """A write the PBX refused or did not answer; ``result`` holds the writes done before it."""

    def __init__(self, error, where, result):
        super(WriteFailed, self).__init__(str(error))
        self.error = error
        self.where = where
        self.result = result


class _Target:
    """One entry of ``config``: a virtual receptionist and the action URLs declared for it."""

    def __init__(self, place, given, declared):
        self.place = place
        self.given = given  # {"ivr": ...} or {"ivr_id": ...}, as the entry names it
        self.declared = declared  # [Item], or None when the entry lists no action_urls (only with state=gathered)
        self.ivr_id = given.get("ivr_id")
        self.ivr = None  # the IVR as the listing shows it, when it was listed
        self.stored = None

    @property
    def label(self):
        return "virtual receptionist %s" % (describe_ivr(self.ivr) if self.ivr else self.ivr_id)


def run(client, params, check_mode, diff):
    """The module result (with a diff if ``diff``); raises Problem (nothing written), PortsipError or WriteFailed."""
    state = params["state"]
    targets = _targets(params)
    _identify(client, targets, gathering=state == "gathered")
    _read(client, targets, params["parallelism"])
    if state == "gathered":
        return dict(changed=False, gathered=[_gathered(target) for target in targets])
    steps = _plan(targets, state, params["update_secrets"])
    hidden = set().union(*(fields.secret_header_names(item) for entry in params["config"] for item in entry["action_urls"] or ()))
    result = dict(changed=False, changes=[],
                  before=[dict(target.given, action_urls=[shown(item, hidden=hidden) for item in target.stored])
                          for target in targets])
    if diff:
        result["diff"] = []
    for target, change in steps:
        _make(client, target, change, check_mode, result, hidden)
    result["after"] = [dict(target.given, action_urls=_after(target, [change for owner, change in steps if owner is target], hidden))
                       for target in targets]
    return result


def _make(client, target, change, check_mode, result, hidden):
    """Write one change (unless in check mode) and add it to the result."""
    name = _name(change)
    done = dict(ivr_id=target.ivr_id, name=name, action=change.action, fields=change.changed)
    if not check_mode:
        try:
            done["id"] = write(client, target.ivr_id, change)
        except PortsipError as error:
            raise WriteFailed(error, "the %s of action URL %r of %s failed" % (change.action, name, target.label), result)
    elif change.current is not None:
        done["id"] = change.current["id"]
    result["changed"] = True
    result["changes"].append(done)
    if "diff" in result:
        result["diff"].append(_diff(target, change, hidden))


class _Item:
    """One declared action URL: where it is in ``config``, and what it asks."""

    def __init__(self, place, params):
        self.place = place
        self.wanted = fields.desired(params)
        self.problems = fields.value_problems(params)


def _targets(params):
    """The declaration, checked through: every problem at once, named by its place."""
    state = params["state"]
    problems = []
    # Ansible's int type lets a boolean through.
    if isinstance(params["parallelism"], bool) or params["parallelism"] < 1:
        problems.append("parallelism: must be a whole number, 1 or greater, got %r" % params["parallelism"])
    targets = []
    for index, entry in enumerate(params["config"] or []):
        place = "config[%d]" % index
        given = {key: entry[key] for key in ("ivr", "ivr_id") if entry[key] is not None}
        problems += ["%s.%s: must not be empty" % (place, key) for key, value in given.items() if value == ""]
        if entry["action_urls"] is None and state in ("overridden", "deleted"):
            problems.append("%s.action_urls: required with state=%s; to delete every action URL of the virtual "
                            "receptionist, use state=overridden with action_urls: []" % (place, state))
        declared = None if entry["action_urls"] is None else []
        names = {}
        for position, item in enumerate(entry["action_urls"] or []):
            where = "%s.action_urls[%d]" % (place, position)
            if item["name"] in names:
                problems.append("%s.name: %r is also listed at %s" % (where, item["name"], names[item["name"]]))
            names.setdefault(item["name"], where)
            problems += ["%s.%s" % (where, problem) for problem in fields.shape_problems(item)]
            declared.append(_Item(where, item))
        targets.append(_Target(place, given, declared))
    if problems:
        raise Problem("; ".join(problems))
    return targets


def _identify(client, targets, gathering):
    """Find each IVR named by name or number in one listing for all of them; refuse unknown, ambiguous and repeated ones."""
    listed = None
    if gathering or any("ivr" in target.given for target in targets):
        listed = list_ivrs(client)
    if gathering and not targets:
        targets.extend(_Target("", {"ivr_id": ivr["id"]}, None) for ivr in listed)
    problems = []
    for target in targets:
        if "ivr" in target.given:
            try:
                target.ivr = pick_ivr(listed, target.given["ivr"])
            except PortsipError as error:
                problems.append("%s.ivr: %s" % (target.place, error.message))
                continue
            target.ivr_id = target.ivr["id"]
        elif listed is not None:
            target.ivr = next((ivr for ivr in listed if ivr.get("id") == target.ivr_id), None)
            if target.ivr is None:
                problems.append("%s.ivr_id: no virtual receptionist has the id %r" % (target.place, target.ivr_id))
    seen = {}
    for target in targets:
        if target.ivr_id in seen and target.ivr_id is not None:
            problems.append("%s: %s is also listed at %s" % (target.place, target.label, seen[target.ivr_id]))
        seen.setdefault(target.ivr_id, target.place)
    if problems:
        raise Problem("; ".join(problems))


def _read(client, targets, parallelism):
    """Read the IVRs' action URLs, at most ``parallelism`` at a time."""
    if not targets:
        return
    with ThreadPoolExecutor(max_workers=min(parallelism, len(targets))) as pool:
        for target, items in zip(targets, pool.map(lambda target: action_urls(client, target.ivr_id), targets)):
            target.stored = items


def _plan(targets, state, update_secrets):
    """Every change, IVR by IVR, deletes first; every refusal at once."""
    steps = []
    problems = []
    whole = state if state in WHOLE else None
    for target in targets:
        unlisted = []
        if state == "overridden":
            listed = {item.wanted["name"] for item in target.declared}
            unlisted = [stored for stored in target.stored if stored.get("name") not in listed]
        changes = [decide(target.stored, {}, update_secrets, stored["id"], absent=True) for stored in unlisted]
        for item in target.declared or ():
            try:
                changes.append(decide(target.stored, item.wanted, update_secrets, absent=state == "deleted", whole=whole,
                                      problems=item.problems))
            except Problem as problem:
                problems.append(problem.describe(item.place))
        steps += [(target, change) for change in changes if change.action]
    if problems:
        raise Problem("; ".join(problems))
    return steps


def _name(change):
    return (change.after or change.current)["name"]


def _after(target, changes, hidden):
    """The IVR's action URLs, shown, as the PBX will hold them once ``changes`` are made."""
    by_id = {change.current["id"]: change for change in changes if change.current is not None}
    after = []
    for item in target.stored:
        change = by_id.get(item["id"])
        if change is None:
            after.append(shown(item, hidden=hidden))
        elif change.after is not None:
            after.append(shown(change.after, change.placeholders, hidden))
    return after + [shown(change.after, change.placeholders, hidden) for change in changes if change.current is None]


def _diff(target, change, hidden):
    header = "%s, action URL %r" % (target.label, _name(change))
    return dict(before_header=header, after_header=header,
                before={} if change.current is None else shown(change.current, hidden=hidden),
                after={} if change.after is None else shown(change.after, change.placeholders, hidden))


def _gathered(target):
    """The IVR as an entry of ``config`` that applies to any PBX numbering its IVRs alike: no ids, no secrets.

    Credential headers are left out like the other secrets: applying the export keeps the ones the target holds.
    """
    number = target.ivr.get("extension_number")
    items = [fields.exported(item) for item in target.stored]
    return dict({"ivr_id": target.ivr_id} if number is None else {"ivr": str(number)}, action_urls=items)
