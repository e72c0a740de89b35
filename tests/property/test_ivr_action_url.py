# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Properties of portsip.pbx.ivr_action_url: each test draws a server mode, what one IVR stores and a
valid declaration, runs it in check mode, for real and once more, and asserts one invariant."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from hypothesis import given

from ansible_collections.portsip.pbx.plugins.module_utils import fields, forms, headers as hdr
from ansible_collections.portsip.pbx.plugins.modules import ivr_action_url

from harness import CREATE_PATH, DESTROY_PATH, Runs, created_in
from invariants import crowded_names, declared_secrets, erased_secrets, leaked, satisfies, secret_values
from strategies import StoredId, single_examples


class Scenario(Runs):
    """One drawn example, run three times."""

    def __init__(self, pbx, example):
        mode, declaration = example["mode"], example["declaration"]
        (ivr_id, number, seeded), = pbx.prepare(mode, [example["stored"]])
        self.mode = mode
        self.by_number = example["by_number"]
        self.params = {key: seeded[value.index]["id"] if isinstance(value, StoredId) else value for key, value in declaration.items()}
        self.params.update({"ivr": number} if self.by_number else {"ivr_id": ivr_id})
        self.ivr_id = ivr_id
        super(Scenario, self).__init__(pbx, ivr_action_url, self.params, mode["lost_answer"])

    def target_id(self, raw):
        """The id of the action URL the declaration means in ``raw``, or None."""
        urls = raw[self.ivr_id]
        if "id" in self.params:
            return self.params["id"] if self.params["id"] in urls else None
        return next((url_id for url_id, obj in urls.items() if obj["name"] == self.params["name"]), None)


@given(single_examples())
def test_apply_makes_the_stored_object_satisfy_the_declaration(pbx, example):
    run = Scenario(pbx, example)
    if run.refused_without_change():
        return
    target = run.target_id(run.after)
    if run.params["state"] == "absent":
        assert target is None
        return
    assert target is not None
    existed = run.target_id(run.before) is not None
    readable = not existed or run.mode["secrets"] == "clear"
    assert satisfies(run.after[run.ivr_id][target], forms.want_of(run.params), readable) == []


@given(single_examples())
def test_second_apply_writes_nothing_and_reports_no_change(pbx, example):
    run = Scenario(pbx, example)
    if run.refused:
        assert run.again.failed and not run.again.writes
        return
    rotated = [name for name in fields.SECRETS if run.params.get(name) is not None] + [
        name for name, text in (run.params.get(hdr.SECRET_HEADERS) or {}).items() if text]
    if run.params["update_secrets"] == "always" and run.mode["secrets"] != "clear" and rotated and run.params["state"] == "present":
        # Documented: always sends a secret it cannot compare, as a change, every run.
        assert run.again.result["changed"] and len(run.again.writes) == 1
        assert run.after_again == run.after
        return
    assert not run.again.failed, run.again.result
    assert run.again.result["changed"] is False
    assert run.again.writes == []


@given(single_examples())
def test_check_mode_writes_nothing_and_predicts_the_real_run(pbx, example):
    run = Scenario(pbx, example)
    if run.check_failed_alike():
        return
    predicted, done = dict(run.check.result), dict(run.real.result)
    for result in (predicted, done):
        result.pop("warnings", None)
        result.pop("invocation", None)
        if result["changed"] and not run.target_id(run.before):
            result["action_url"] = {key: value for key, value in result["action_url"].items() if key != "id"}
    assert predicted == done


@given(single_examples())
def test_no_stored_secret_is_erased_unless_declared(pbx, example):
    run = Scenario(pbx, example)
    target = run.target_id(run.before)
    removed = {target} if run.params["state"] == "absent" else set()
    replaced = {target: declared_secrets(run.params)}
    assert erased_secrets(run.before, run.after, removed, replaced) == []
    assert erased_secrets(run.after, run.after_again, removed, replaced) == []


@given(single_examples())
def test_no_result_holds_a_secret_value(pbx, example):
    run = Scenario(pbx, example)
    secrets = secret_values(run.before, run.params) | secret_values(run.after)
    for done in run.runs:
        assert leaked(done, secrets) == []


@given(single_examples())
def test_no_name_is_held_by_two_action_urls(pbx, example):
    run = Scenario(pbx, example)
    assert crowded_names(run.after) == []
    assert crowded_names(run.after_again) == []


@given(single_examples())
def test_requests_stay_within_the_documented_budget(pbx, example):
    """One read of the IVR's action URLs (+1 listing with ivr), and each change adds only its write; a create adds
    the read that looks again for another run's copy.

    A create whose answer is lost adds the read that finds it; a delete whose answer is lost adds its retry,
    answered 400 or 404, and the read that proves the object gone.
    """
    run = Scenario(pbx, example)
    for done in run.runs:
        reads = 1 + run.by_number
        writes = 0 if done.failed or done is run.check or not done.result["changed"] else 1
        if done is run.real and not done.failed:
            reads += created_in(done) + done.lost(CREATE_PATH) + done.lost(DESTROY_PATH)
            writes += done.lost(DESTROY_PATH)
        assert len(done.writes) == writes, done.log
        assert len(done.log) == reads + writes, done.log
