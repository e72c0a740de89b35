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

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.portsip.pbx.plugins.module_utils import fields
from ansible_collections.portsip.pbx.plugins.module_utils.action_url import read, settle, settle_at, update_secrets_option, write
from ansible_collections.portsip.pbx.plugins.module_utils.decision import decide
from ansible_collections.portsip.pbx.plugins.module_utils.errors import Problem, RequestError, WriteFailed
from ansible_collections.portsip.pbx.plugins.module_utils.forms import exported, lone_secret_headers, shown, want_of
from ansible_collections.portsip.pbx.plugins.module_utils.headers import secret_header_names
from ansible_collections.portsip.pbx.plugins.module_utils.ivr import describe_ivr, list_ivrs, pick_ivr
from ansible_collections.portsip.pbx.plugins.module_utils.values import empty_problems, is_whole_number

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
        update_secrets=update_secrets_option(),
        parallelism=dict(type="int", default=4),
    )


REQUIRED_IF = [("state", state, ("config",)) for state in STATES if state != "gathered"]


class _Target:
    """One entry of ``config``: a virtual receptionist and the action URLs declared for it."""

    def __init__(self, place, named, want):
        self.place = place
        self.named = named  # {"ivr": ...} or {"ivr_id": ...}, as the entry names it
        self.want = want  # [_Item], or None when the entry lists no action_urls (only with state=gathered)
        self.ivr_id = named.get("ivr_id")
        self.ivr = None  # the IVR as the listing shows it, when it was listed
        self.have = None  # the IVR's action URLs as read
        self.read_at = None  # time.monotonic() when its read was sent
        self.created_at = None  # time.monotonic() when the last create this run made in it was answered

    @property
    def label(self):
        return "virtual receptionist %s" % (describe_ivr(self.ivr) if self.ivr else self.ivr_id)


def run(client, params, check_mode, diff):
    """The module result (with a diff if ``diff``); raises Problem (nothing written), RequestError or WriteFailed."""
    state = params["state"]
    targets = _targets(params)
    _identify(client, targets, gathering=state == "gathered")
    _read(client, targets, state, params["parallelism"])
    if state == "gathered":
        return dict(changed=False, gathered=[_gathered(target) for target in targets])
    steps = _plan(targets, state, params["update_secrets"])
    hidden = set().union(*(secret_header_names(item) for entry in params["config"] for item in entry["action_urls"] or ()))
    result = dict(changed=False, changes=[],
                  before=[dict(target.named, action_urls=[shown(item, hidden=hidden) for item in target.have])
                          for target in targets])
    if diff:
        result["diff"] = []
    if check_mode:
        done, failures = [(target, change, change.have and change.have["id"]) for target, change in steps], []
    else:
        done, failures = _Writes(client, params["update_secrets"]).make(steps, params["parallelism"])
    for target, change, url_id in done:
        _report(result, target, change, url_id, hidden)
    result["after"] = [dict(target.named, action_urls=_after(target, [change for owner, change in steps if owner is target], hidden))
                       for target in targets]
    if failures:
        raise WriteFailed(failures[0][1], "; ".join(where for where, _error in failures), result)
    return result


def _report(result, target, change, url_id, hidden):
    """Add one write, done or (in check mode) to be done, to the result."""
    done = dict(ivr_id=target.ivr_id, name=_name(change), action=change.action, fields=change.changed)
    if url_id is not None:
        done["id"] = url_id
    result["changed"] = True
    result["changes"].append(done)
    if "diff" in result:
        result["diff"].append(_diff(target, change, hidden))


class _Writes:
    """The planned writes made IVR by IVR, several IVRs at once, each IVR's in the order planned; then its creates
    settled with the other runs that created the same names at the same time (action_url.settle)."""

    def __init__(self, client, update_secrets):
        self.client = client
        self.update_secrets = update_secrets
        self.failed = threading.Event()

    def make(self, steps, parallelism):
        """Returns the writes done, [(target, change, id)] in the order planned, and the failures, [(what failed,
        error)]. After a failure no write starts, but those under way finish, and the creates made are settled."""
        by_target = {}
        for target, change in steps:
            by_target.setdefault(target, []).append(change)
        groups = list(by_target.items())
        if not groups:
            return [], []
        with ThreadPoolExecutor(max_workers=min(parallelism, len(groups))) as pool:
            written = list(pool.map(lambda group: self._write(*group), groups))
            settled = list(pool.map(self._settle, [(target, creates) for (target, _changes), (_done, creates, _failure)
                                                   in zip(groups, written)]))
        done, failures = [], []
        for (target, _changes), (planned, _creates, failure), (more, settle_failure) in zip(groups, written, settled):
            done += [(target, change, url_id) for change, url_id in planned + more]
            failures += [failure for failure in (failure, settle_failure) if failure]
        return done, failures

    def _write(self, target, changes):
        """One IVR's writes in order: ([(change, id)] done, [(create, id)] of them, the failure or None)."""
        done, creates = [], []
        for change in changes:
            if self.failed.is_set():
                break
            try:
                url_id = write(self.client, target.ivr_id, change, [item["id"] for item in target.have])
            except RequestError as error:
                self.failed.set()
                return done, creates, ("the %s of action URL %r of %s failed" % (change.action, _name(change), target.label), error)
            done.append((change, url_id))
            if change.action == "create":
                creates.append((change, url_id))
                target.created_at = time.monotonic()
        return done, creates, None

    def _settle(self, work):
        """The writes that settle one IVR's creates, and the failure or None."""
        target, creates = work
        if not creates:
            return [], None
        self.client.wait(settle_at(target.read_at, target.created_at) - time.monotonic())
        try:
            return settle(self.client, target.ivr_id, creates, self.update_secrets)[1], None
        except RequestError as error:
            return [], ("looking again at %s after its creates failed" % target.label, error)


class _Item:
    """One declared action URL: where it is in ``config``, and what it asks."""

    def __init__(self, place, params):
        self.place = place
        self.want = want_of(params)
        self.secret_headers = lone_secret_headers(params)
        self.problems = fields.value_problems(params)


def _targets(params):
    """The declaration, checked through: every problem at once, named by its place."""
    state = params["state"]
    problems = []
    if not is_whole_number(params["parallelism"], 1):
        problems.append("parallelism: must be a whole number, 1 or greater, got %r" % params["parallelism"])
    targets = []
    for index, entry in enumerate(params["config"] or []):
        place = "config[%d]" % index
        named = {key: entry[key] for key in ("ivr", "ivr_id") if entry[key] is not None}
        problems += empty_problems(named, place)
        if entry["action_urls"] is None and state in ("overridden", "deleted"):
            problems.append("%s.action_urls: required with state=%s; to delete every action URL of the virtual "
                            "receptionist, use state=overridden with action_urls: []" % (place, state))
        want = None if entry["action_urls"] is None else []
        names = {}
        for position, item in enumerate(entry["action_urls"] or []):
            where = "%s.action_urls[%d]" % (place, position)
            if item["name"] in names:
                problems.append("%s.name: %r is also listed at %s" % (where, item["name"], names[item["name"]]))
            names.setdefault(item["name"], where)
            problems += ["%s.%s" % (where, problem) for problem in fields.shape_problems(item)]
            want.append(_Item(where, item))
        targets.append(_Target(place, named, want))
    if problems:
        raise Problem("; ".join(problems))
    return targets


def _identify(client, targets, gathering):
    """Find each IVR named by name or number in one listing for all of them; refuse unknown, ambiguous and repeated ones."""
    listed = None
    if gathering or any("ivr" in target.named for target in targets):
        listed = list_ivrs(client)
    if gathering and not targets:
        targets.extend(_Target("", {"ivr_id": ivr["id"]}, None) for ivr in listed)
    problems = []
    for target in targets:
        if "ivr" in target.named:
            try:
                target.ivr = pick_ivr(listed, target.named["ivr"])
            except Problem as problem:
                problems.append("%s.ivr: %s" % (target.place, problem))
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


def _read(client, targets, state, parallelism):
    """Read the IVRs' action URLs, at most ``parallelism`` at a time; where a declared name is held more than once,
    look again (action_url.read), except to delete every copy or to export."""
    if not targets:
        return

    def read_target(target):
        names = [item.want["name"] for item in target.want or ()] if state not in ("deleted", "gathered") else []
        target.have, target.read_at = read(client, target.ivr_id, names)

    with ThreadPoolExecutor(max_workers=min(parallelism, len(targets))) as pool:
        list(pool.map(read_target, targets))


def _plan(targets, state, update_secrets):
    """Every change, IVR by IVR, deletes first; every refusal at once."""
    steps = []
    problems = []
    whole = state if state in WHOLE else None
    for target in targets:
        removed = []
        if state == "overridden":
            listed = {item.want["name"] for item in target.want}
            removed = [have for have in target.have if have.get("name") not in listed]
        changes = []
        for item in target.want or ():
            copies = [have for have in target.have if have.get("name") == item.want["name"]]
            try:
                if state == "deleted":
                    removed += copies
                elif state == "overridden" and len(copies) > 1:
                    keep = _keeper(target.have, copies, item, update_secrets, whole)
                    removed += [copy for copy in copies if copy is not keep.have]
                    changes.append(keep)
                else:
                    changes.append(decide(target.have, item.want, update_secrets, whole=whole, problems=item.problems,
                                          secret_headers=item.secret_headers))
            except Problem as problem:
                problems.append(problem.describe(item.place))
        deletes = [decide(target.have, {}, update_secrets, have["id"], absent=True) for have in removed]
        steps += [(target, change) for change in deletes + changes if change.action]
    if problems:
        raise Problem("; ".join(problems))
    return steps


def _keeper(have, copies, item, update_secrets, whole):
    """Of the action URLs that share a declared name, the one overridden keeps: the one that needs the fewest
    changes, then the one with the lowest id; its change. Refused only if each copy's change is."""
    decided, refusal = [], None
    for copy in sorted(copies, key=lambda copy: copy["id"]):
        try:
            decided.append(decide(have, item.want, update_secrets, copy["id"], whole=whole, problems=item.problems,
                                  secret_headers=item.secret_headers))
        except Problem as problem:
            refusal = refusal or problem
    if not decided:
        raise refusal
    return min(decided, key=lambda change: len(change.changed) if change.action else 0)


def _name(change):
    return (change.after or change.have)["name"]


def _after(target, changes, hidden):
    """The IVR's action URLs, shown, as the PBX will hold them once ``changes`` are made."""
    by_id = {change.have["id"]: change for change in changes if change.have is not None}
    after = []
    for item in target.have:
        change = by_id.get(item["id"])
        if change is None:
            after.append(shown(item, hidden=hidden))
        elif change.after is not None:
            after.append(shown(change.after, change.placeholders, hidden))
    return after + [shown(change.after, change.placeholders, hidden) for change in changes if change.have is None]


def _diff(target, change, hidden):
    header = "%s, action URL %r" % (target.label, _name(change))
    return dict(before_header=header, after_header=header,
                before={} if change.have is None else shown(change.have, hidden=hidden),
                after={} if change.after is None else shown(change.after, change.placeholders, hidden))


def _gathered(target):
    """The IVR as an entry of ``config`` that applies to any PBX numbering its IVRs alike: no ids, no secrets.

    Credential headers are left out like the other secrets: applying the export keeps the ones the target holds.
    """
    number = target.ivr.get("extension_number")
    items = [exported(item) for item in target.have]
    return dict({"ivr_id": target.ivr_id} if number is None else {"ivr": str(number)}, action_urls=items)
