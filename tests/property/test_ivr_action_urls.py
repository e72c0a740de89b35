# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Properties of portsip.pbx.ivr_action_urls: each test draws a server mode, what the IVRs store, a state and a
valid declaration, runs it in check mode, for real and once more, and asserts one invariant."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from hypothesis import event, given
from hypothesis import strategies as st

from ansible_collections.portsip.pbx.plugins.module_utils import decision, fields, forms
from ansible_collections.portsip.pbx.plugins.modules import ivr_action_urls

from harness import CREATE_PATH, DESTROY_PATH, IVR_NUMBERS, Runs, created_in, listing_requests
from invariants import crowded_names, declared_secrets, erased_secrets, leaked, satisfies, secret_values
from strategies import IvrId, options, server_modes, set_examples, stored_ivr


class Scenario(Runs):
    """One drawn example, run three times."""

    def __init__(self, pbx, example):
        self.mode = example["mode"]
        prepared = pbx.prepare(self.mode, example["stored"])
        self.ids = [ivr_id for ivr_id, _number, _stored in prepared]
        self.params = dict(example["declaration"])
        self.params["config"] = [{key: self.ids[value.index] if isinstance(value, IvrId) else value for key, value in entry.items()}
                                 for entry in self.params["config"]]
        self.state = self.params["state"]
        super(Scenario, self).__init__(pbx, ivr_action_urls, self.params, self.mode["lost_answer"])

    def entries(self):
        """(IVR id, declared items or None) for each entry of config."""
        for entry in self.params["config"]:
            ivr_id = entry.get("ivr_id") or self.ids[IVR_NUMBERS.index(entry["ivr"])]
            yield ivr_id, entry.get("action_urls")

    def removed(self):
        """The ids of the stored action URLs the declaration deletes."""
        removed = set()
        for ivr_id, items in self.entries():
            names = {item["name"] for item in items or ()}
            for url_id, obj in self.before[ivr_id].items():
                if (self.state == "deleted" and obj["name"] in names) or (self.state == "overridden" and obj["name"] not in names):
                    removed.add(url_id)
        return removed

    def replaced_secrets(self):
        """{id of a stored action URL: {secret: declared value}}."""
        replaced = {}
        for ivr_id, items in self.entries():
            for item in items or ():
                for url_id, obj in self.before[ivr_id].items():
                    if obj["name"] == item["name"]:
                        replaced[url_id] = declared_secrets(item)
        return replaced


def _normalised(item):
    return {field.name: field.normalise_have(item.get(field.name)) for field in fields.FIELDS}


def _by_name(urls):
    return {obj["name"]: obj for obj in urls.values()}


@given(set_examples(IVR_NUMBERS))
def test_apply_makes_the_stored_objects_satisfy_the_declaration(pbx, example):
    run = Scenario(pbx, example)
    if run.refused_without_change():
        return
    listed = set()
    for ivr_id, items in run.entries():
        listed.add(ivr_id)
        now, then = _by_name(run.after[ivr_id]), _by_name(run.before[ivr_id])
        names = [item["name"] for item in items or ()]
        if run.state == "deleted":
            assert set(now) == set(then) - set(names)
            continue
        if run.state == "overridden":
            assert sorted(now) == sorted(names)
        for item in items:
            wanted = forms.want_of(item)
            if run.state in ("replaced", "overridden"):
                wanted = decision.replacement(wanted, forms.lone_secret_headers(item))
            readable = item["name"] not in then or run.mode["secrets"] == "clear"
            assert satisfies(now[item["name"]], wanted, readable) == [], item
    for ivr_id in set(run.before) - listed:
        assert run.after[ivr_id] == run.before[ivr_id]


@given(set_examples(IVR_NUMBERS))
def test_second_apply_writes_nothing_and_reports_no_change(pbx, example):
    run = Scenario(pbx, example)
    if run.refused:
        assert run.again.failed and not run.again.writes
        return
    assert not run.again.failed, run.again.result
    rotating = run.params["update_secrets"] == "always" and run.mode["secrets"] != "clear" and run.state != "deleted"
    if rotating:
        # Documented: always sends a secret it cannot compare, as a change, every run; only that.
        assert all(set(change["fields"]) <= set(fields.SECRETS) | {"headers"} for change in run.again.result["changes"])
        assert len(run.again.writes) == len(run.again.result["changes"])
        return
    assert run.again.result["changed"] is False
    assert run.again.writes == []


@given(set_examples(IVR_NUMBERS))
def test_check_mode_writes_nothing_and_predicts_the_real_run(pbx, example):
    run = Scenario(pbx, example)
    if run.check_failed_alike():
        return
    compared = ("changed", "changes", "diff", "before", "after")
    predicted = {key: run.check.result[key] for key in compared}
    done = {key: run.real.result[key] for key in compared}
    done["changes"] = [{key: value for key, value in change.items() if not (key == "id" and change["action"] == "create")}
                       for change in done["changes"]]
    assert predicted == done


@given(set_examples(IVR_NUMBERS))
def test_no_stored_secret_is_erased_unless_declared(pbx, example):
    run = Scenario(pbx, example)
    removed, replaced = run.removed(), run.replaced_secrets()
    assert erased_secrets(run.before, run.after, removed, replaced) == []
    assert erased_secrets(run.after, run.after_again, removed, replaced) == []


@given(set_examples(IVR_NUMBERS))
def test_no_result_holds_a_secret_value(pbx, example):
    run = Scenario(pbx, example)
    secrets = secret_values(run.before, run.params) | secret_values(run.after)
    for done in run.runs:
        assert leaked(done, secrets) == []


@given(set_examples(IVR_NUMBERS))
def test_no_name_is_held_by_two_action_urls(pbx, example):
    run = Scenario(pbx, example)
    assert crowded_names(run.after) == []
    assert crowded_names(run.after_again) == []


@given(set_examples(IVR_NUMBERS))
def test_requests_stay_within_the_documented_budget(pbx, example):
    """One read per listed IVR, one listing when any entry names its IVR by number (in pages as the PBX cuts it), one
    write per change, and one read more of each IVR where the run created, to look for other runs' copies.

    A create whose answer is lost adds the read that finds it; a delete whose answer is lost adds its retry,
    answered 400 or 404, and the read that proves the object gone.
    """
    run = Scenario(pbx, example)
    listing = listing_requests(run.mode) if any("ivr" in entry for entry in run.params["config"]) else 0
    for done in run.runs:
        writes = 0 if done.failed or done is run.check else len(done.result["changes"])
        reads = len(run.params["config"]) + listing
        if done is run.real and not done.failed:
            reads += created_in(done) + done.lost(CREATE_PATH) + done.lost(DESTROY_PATH)
            writes += done.lost(DESTROY_PATH)
        assert len(done.writes) == writes, done.log
        assert len(done.log) == reads + writes, done.log


@given(set_examples(IVR_NUMBERS, states=("overridden",)))
def test_each_ivr_is_written_deletes_first(pbx, example):
    """An IVR's deletes come before its creates and updates: a PBX with a cap on action URLs, or a name being
    replaced, needs the room first."""
    run = Scenario(pbx, example)
    order = {}
    for entry in run.real.writes:
        ivr, _sep, rest = entry["path"][len("/api/ivrs/"):].partition("/")
        order.setdefault(ivr, []).append("delete" if rest.endswith("/destroy") else "write")
    if any("delete" in kinds and "write" in kinds for kinds in order.values()):
        event("deletes and writes in one IVR")
    for kinds in order.values():
        assert kinds == sorted(kinds), run.real.log


@st.composite
def duplicate_examples(draw, states=("merged", "replaced", "overridden", "deleted")):
    """An IVR holding a name twice or more, and a declaration of that name in one of ``states``."""
    stored = draw(stored_ivr(duplicates=True), label="stored")
    state = draw(st.sampled_from(states), label="state")
    item = {"name": stored[-1]["name"]}
    if state != "deleted":
        item.update(draw(options(exists=True, whole=state in ("replaced", "overridden")), label="options"))
    return dict(mode=draw(server_modes(), label="mode"), stored=[stored, [], []],
                declaration={"config": [{"ivr_id": IvrId(0), "action_urls": [item]}], "state": state,
                             "update_secrets": "on_create", "parallelism": 4})


@given(duplicate_examples(states=("overridden",)))
def test_overridden_keeps_one_copy_of_a_name_stored_twice(pbx, example):
    _assert_a_name_stored_twice_is_repaired_or_refused(pbx, example)


@given(st.one_of(duplicate_examples(), set_examples(IVR_NUMBERS, duplicates=True)))
def test_a_name_stored_twice_is_repaired_by_overridden_and_refused_by_merged_and_replaced(pbx, example):
    _assert_a_name_stored_twice_is_repaired_or_refused(pbx, example)


def _assert_a_name_stored_twice_is_repaired_or_refused(pbx, example):
    """overridden keeps one copy of each declared name, deleted deletes them all; merged and replaced refuse a
    declared name stored twice, writing nothing."""
    run = Scenario(pbx, example)
    crowded = {(ivr_id, name) for ivr_id, name, _count in crowded_names(run.before)}
    declared = {(ivr_id, item["name"]) for ivr_id, items in run.entries() for item in items or ()}
    if crowded & declared:
        event("a declared name stored twice, %s" % run.state)
        if run.state in ("merged", "replaced"):
            assert run.real.failed and "action URLs are named" in run.real.result["msg"]
        elif not run.refused:
            assert not run.real.failed, run.real.result
            assert not {(ivr_id, name) for ivr_id, name, _count in crowded_names(run.after)} & declared
    if run.real.failed:
        assert run.real.writes == [] and run.after == run.before


@st.composite
def gathered_examples(draw):
    stored = draw(stored_ivr(min_size=1), label="stored")
    if draw(st.booleans(), label="copyable"):
        # Half the IVRs hold nothing the copy cannot create: no secret to give, no value only older PBXs accepted.
        stored = [dict(obj, auth="DISABLE", username=None, dtmf_mask="1", caller_mask="2") for obj in stored]
    return dict(mode=draw(server_modes(lost_answers=False), label="mode"), stored=stored)


@given(gathered_examples())
def test_gathered_applied_with_overridden_reproduces_it(pbx, example):
    """Applied to its own IVR, the export writes nothing; applied to an empty IVR, gathering that gives the export back.

    The export holds no secret, so an action URL whose auth needs one cannot be created from it; nor can one from a
    value only an older PBX accepted, which a create would send: those refusals write nothing.
    """
    source, target, _other = pbx.prepare(example["mode"], [example["stored"], [], []])
    gathered = pbx.run(ivr_action_urls, {"state": "gathered", "config": [{"ivr_id": source[0]}]})
    assert gathered.writes == [] and not gathered.failed
    export = gathered.result["gathered"]
    assert pbx.run(ivr_action_urls, {"state": "overridden", "config": export}).writes == []
    before = pbx.raw()
    copied = pbx.run(ivr_action_urls, {"state": "overridden", "config": [dict(export[0], ivr=target[1])]})
    legacy = any(fields.value_problems(item) for item in export[0]["action_urls"])
    if legacy or any(item.get("auth") in fields.SECRET_FOR_AUTH for item in export[0]["action_urls"]):
        event("gathered: copy refused, %s" % ("legacy value" if legacy else "secret needed"))
        assert copied.failed and copied.writes == [] and pbx.raw() == before
        return
    event("gathered: copy compared")
    assert not copied.failed, copied.result
    again = pbx.run(ivr_action_urls, {"state": "gathered", "config": [{"ivr": target[1]}]})
    # Compared normalised: a field the source PBX answered blank holds its default once copied.
    assert [_normalised(item) for item in again.result["gathered"][0]["action_urls"]] == [_normalised(item) for item in export[0]["action_urls"]]
