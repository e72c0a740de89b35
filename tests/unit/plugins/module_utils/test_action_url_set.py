# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan of ivr_action_urls against an in-memory PBX: states, checks, secrets, order, failures."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.portsip.pbx.plugins.module_utils import fields, headers as hdr, placeholders
from ansible_collections.portsip.pbx.plugins.module_utils import action_url, action_url_set
from ansible_collections.portsip.pbx.plugins.module_utils.errors import Problem, WriteFailed
from ansible_collections.portsip.pbx.tests.unit.plugins.module_utils.fake_pbx import CRM, VIP, FakePbx, RacingPbx

SPEC = action_url_set.argument_spec()
ITEM_OPTIONS = SPEC["config"]["options"]["action_urls"]["options"]


def item(**options):
    """An item as Ansible hands it over: every option present, None when not set."""
    return dict(dict.fromkeys(ITEM_OPTIONS), **options)


def entry(action_urls=None, **ivr):
    return dict(dict(ivr=None, ivr_id=None), action_urls=action_urls, **ivr)


def params(config, state="merged", update_secrets="on_create", parallelism=4):
    """The module's parameters; Ansible parses them from JSON, so no string is the same object as a constant of the code."""
    return json.loads(json.dumps(dict(config=config, state=state, update_secrets=update_secrets, parallelism=parallelism)))


def run(pbx, config, check_mode=False, **options):
    return action_url_set.run(pbx, params(config, **options), check_mode, diff=True)


def without_create_ids(changes):
    return [{key: value for key, value in change.items() if not (key == "id" and change["action"] == "create")}
            for change in changes]


class TestArgumentSpec:
    def test_the_item_options_are_the_field_declaration(self):
        assert {key: dict(value, required=False) for key, value in ITEM_OPTIONS.items()} == \
            {key: dict(value, required=False) for key, value in fields.argument_spec().items()}
        assert set(ITEM_OPTIONS) == set(fields.BY_NAME) | {"secret_headers"}
        assert ITEM_OPTIONS["name"]["required"] is True
        assert ITEM_OPTIONS["password"]["no_log"] and ITEM_OPTIONS["token"]["no_log"] and ITEM_OPTIONS["secret_headers"]["no_log"]

    def test_config_is_required_unless_gathering(self):
        assert sorted(state for _key, state, _needs in action_url_set.REQUIRED_IF) == ["deleted", "merged", "overridden", "replaced"]


class TestStates:
    def test_merged_changes_only_the_options_given_and_never_deletes(self):
        pbx = FakePbx()
        pbx.seed("8000", CRM, VIP)
        result = run(pbx, [entry(ivr="8000", action_urls=[item(name="crm", url="https://new.example.com/hook", password="hookpass1")])])
        assert [(change["action"], change["name"], change["fields"]) for change in result["changes"]] == [("update", "crm", ["url"])]
        [crm, vip] = pbx.urls["ivr-8000"]
        assert crm["url"] == "https://new.example.com/hook" and crm["request_timeout"] == 5 and crm["headers"] == "X-App-ID:crm"
        assert vip["name"] == "vip"

    def test_replaced_gives_what_is_left_out_the_value_of_a_fresh_action_url(self):
        pbx = FakePbx(secrets="clear")
        pbx.seed("8000", dict(CRM, caller_mask="5"))
        declared = item(name="crm", type="DTMF", dtmf_mask="1;2", url="https://crm.example.com/hook", auth="BASIC")
        result = run(pbx, [entry(ivr="8000", action_urls=[declared])], state="replaced")
        assert result["changes"][0]["fields"] == ["enabled", "caller_mask", "headers", "request_timeout"]
        [crm] = pbx.urls["ivr-8000"]
        assert (crm["enabled"], crm["caller_mask"], crm["headers"], crm["request_timeout"]) == (False, "", "", 2)
        # Never erased by leaving them out: username and the secret; method has no default to go back to.
        assert (crm["username"], crm["password"], crm["method"]) == ("pbxhook", "hookpass1", "POST")

    def test_replaced_leaves_unlisted_action_urls_alone_and_overridden_deletes_them_first(self):
        for state, expected in (("replaced", ["crm", "vip", "new"]), ("overridden", ["crm", "new"])):
            pbx = FakePbx(secrets="clear")
            pbx.seed("8000", CRM, VIP)
            pbx.seed("8200", VIP)
            declared = [item(**{**CRM, "headers": {"X-App-ID": "crm"}}),
                        item(name="new", type="CALLER", caller_mask="7", url="https://n.example.com/")]
            result = run(pbx, [entry(ivr="8000", action_urls=declared)], state=state)
            assert pbx.names("8000") == expected
            assert pbx.names("8200") == ["vip"], "an IVR that is not listed is never touched"
            actions = [change["action"] for change in result["changes"]]
            assert actions == (["create"] if state == "replaced" else ["delete", "create"])

    def test_overridden_with_no_action_urls_empties_the_ivr(self):
        pbx = FakePbx()
        pbx.seed("8000", CRM, VIP)
        result = run(pbx, [entry(ivr_id="ivr-8000", action_urls=[])], state="overridden")
        assert pbx.names("8000") == [] and [change["action"] for change in result["changes"]] == ["delete", "delete"]

    def test_deleted_with_no_entries_reads_and_deletes_nothing(self):
        pbx = FakePbx()
        pbx.seed("8000", CRM, VIP)
        assert run(pbx, [], state="deleted")["changed"] is False
        assert pbx.calls == [] and pbx.names("8000") == ["crm", "vip"]

    def test_deleted_takes_the_listed_names_and_absent_is_no_change(self):
        pbx = FakePbx()
        pbx.seed("8000", CRM, VIP)
        result = run(pbx, [entry(ivr="8000", action_urls=[item(name="vip"), item(name="ghost")])], state="deleted")
        assert pbx.names("8000") == ["crm"]
        assert [(change["name"], change["fields"]) for change in result["changes"]] == [("vip", [])]
        assert run(pbx, [entry(ivr="8000", action_urls=[item(name="vip")])], state="deleted")["changed"] is False

    def test_deleted_needs_action_urls_spelled_out(self):
        # A commented-out last item or a template's default(omit) leaves action_urls null: that must not read as "all".
        pbx = FakePbx()
        pbx.seed("8000", CRM, VIP)
        with pytest.raises(Problem, match=r"^config\[0\]\.action_urls: required with state=deleted; to delete every action URL "
                                          r"of the virtual receptionist, use state=overridden with action_urls: \[\]$"):
            run(pbx, [entry(ivr="8000")], state="deleted")
        assert pbx.calls == [] and pbx.names("8000") == ["crm", "vip"]

    def test_deleted_needs_only_the_names(self):
        pbx = FakePbx()
        pbx.seed("8000", CRM, VIP)
        run(pbx, [entry(ivr="8000", action_urls=[item(name="vip", type="CALLER", auth="BEARER")])], state="deleted")
        assert pbx.names("8000") == ["crm"]

    def test_gathered_holds_no_secret_and_names_ivrs_by_number(self):
        pbx = FakePbx(secrets="clear")
        pbx.seed("8000", CRM, VIP)
        result = run(pbx, None, state="gathered")
        assert result["changed"] is False
        assert [ivr["ivr"] for ivr in result["gathered"]] == ["8000", "8200", "8300"]
        crm, vip = result["gathered"][0]["action_urls"]
        assert crm == {key: value for key, value in CRM.items() if key != "password"}
        assert "token" not in vip and pbx.writes == []
        assert pbx.calls[0] == ("GET", "/ivrs") and len(pbx.calls) == 4

    @pytest.mark.parametrize("secrets", ["clear", "masked", "omitted"])
    @pytest.mark.parametrize("state", ["merged", "replaced", "overridden"])
    def test_the_gathered_config_applies_with_no_write(self, secrets, state):
        pbx = FakePbx(secrets=secrets)
        pbx.seed("8000", CRM, VIP, dict(VIP, name="plain", auth="DISABLE", token=None, headers=""))
        pbx.seed("8200", dict(CRM, name="other"))
        gathered = run(pbx, None, state="gathered")["gathered"]
        config = [entry(ivr=ivr["ivr"], action_urls=[item(**options) for options in ivr["action_urls"]]) for ivr in gathered]
        result = run(pbx, config, state=state)
        assert result["changed"] is False and pbx.writes == []
        assert result["before"] == result["after"]


class TestChecks:
    @pytest.mark.parametrize("parallelism", [True, False, -1])
    def test_parallelism_must_be_a_positive_whole_number(self, parallelism):
        pbx = FakePbx()
        with pytest.raises(Problem, match="parallelism: must be a whole number, 1 or greater, got %r" % parallelism):
            run(pbx, [entry(ivr="8000", action_urls=[])], parallelism=parallelism)
        assert pbx.calls == []

    def test_what_cannot_be_read_is_named_by_its_place_and_all_reported_before_any_request(self):
        pbx = FakePbx()
        config = [entry(ivr="8000", action_urls=[item(name="a", type="DTMF", dtmf_mask="1", url="https://a.example.com/")]),
                  entry(ivr="8200", action_urls=[item(name="a"), item(name="b", headers=5), item(name="c", connection_timeout=True),
                                                 item(name="a", headers={"X-Debug": True})])]
        with pytest.raises(Problem) as raised:
            run(pbx, config, parallelism=0)
        assert str(raised.value).split("; ") == [
            "parallelism: must be a whole number, 1 or greater, got 0",
            "config[1].action_urls[1].headers: must be a dict of header names to values, or a string 'Name1:value1&Name2:value2'",
            "config[1].action_urls[2].connection_timeout: must be a whole number, got a boolean",
            "config[1].action_urls[3].name: 'a' is also listed at config[1].action_urls[0]",
            "config[1].action_urls[3].headers: the value of header 'X-Debug' must be a string, got bool (quote it in YAML)",
        ]
        assert pbx.calls == []

    def test_values_that_would_be_sent_are_checked_by_their_place_before_any_write(self):
        pbx = FakePbx()
        pbx.seed("8200", dict(CRM, name="c"))
        config = [entry(ivr="8000", action_urls=[item(name="a", type="DTMF", dtmf_mask="1", url="https://a.example.com/")]),
                  entry(ivr="8200", action_urls=[item(name="b", type="DTMF", dtmf_mask="1", url="crm"), item(name="c", dtmf_mask="9-1")])]
        with pytest.raises(Problem) as raised:
            run(pbx, config)
        assert str(raised.value).split("; ") == [
            "config[1].action_urls[0].url: must be an http:// or https:// URL with a host",
            "config[1].action_urls[1].dtmf_mask: range '9-1' has its low end above its high end",
        ]
        assert pbx.writes == []

    @pytest.mark.parametrize("secrets", ["clear", "masked", "omitted"])
    def test_a_value_the_pbx_already_holds_is_not_checked_again(self, secrets):
        # An export from a PBX that accepted it earlier applies again: the value is not sent, so not refused.
        pbx = FakePbx(secrets=secrets)
        pbx.seed("8000", dict(CRM, dtmf_mask="1;2;1", username="PBXHOOK"))
        config = [entry(ivr="8000", action_urls=[item(name="crm", dtmf_mask="2;1;1", username="PBXHOOK", password="hookpass1",
                                                      url="https://new.example.com/")])]
        result = run(pbx, config)
        assert [change["fields"] for change in result["changes"]] == [["url"]]
        with pytest.raises(Problem, match=r"^config\[0\]\.action_urls\[0\]\.dtmf_mask: entry '1' appears more than once"):
            run(pbx, [entry(ivr="8000", action_urls=[item(name="crm", dtmf_mask="1;1;3")])])

    def test_an_empty_ivr_or_ivr_id_is_refused_before_any_request(self):
        pbx = FakePbx()
        with pytest.raises(Problem, match=r"^config\[0\]\.ivr: must not be empty; config\[1\]\.ivr_id: must not be empty$"):
            run(pbx, [entry(ivr=""), entry(ivr_id="")])
        assert pbx.calls == []

    @pytest.mark.parametrize("state", ["replaced", "overridden"])
    def test_whole_states_need_complete_items_but_not_the_stored_secret(self, state):
        pbx = FakePbx()
        pbx.seed("8000", dict(CRM, name="a"))
        config = [entry(ivr="8000", action_urls=[item(name="a", auth="BASIC"), item(name="b", type="CALLER", url="https://b.example.com/")])]
        with pytest.raises(Problem) as raised:
            run(pbx, config, state=state)
        assert str(raised.value) == (
            "config[0].action_urls[0]: state=%s makes the action URL exactly as declared, so it needs: type, url; "
            "config[0].action_urls[1]: action URL 'b' does not exist yet; to create it, also set: caller_mask" % state)
        assert pbx.writes == []

    def test_merged_needs_what_the_type_and_auth_given_need(self):
        pbx = FakePbx()
        pbx.seed("8000", dict(CRM, name="a"))
        with pytest.raises(Problem, match=r"config\[0\].action_urls\[0\]: type is CALLER, so also set: caller_mask"):
            run(pbx, [entry(ivr="8000", action_urls=[item(name="a", type="CALLER")])])

    @pytest.mark.parametrize("state", ["merged", "replaced"])
    def test_an_entry_that_lists_no_action_urls_is_no_change(self, state):
        pbx = FakePbx()
        pbx.seed("8000", CRM)
        assert run(pbx, [entry(ivr="8000")], state=state)["changed"] is False and pbx.writes == []

    def test_overridden_needs_action_urls_spelled_out(self):
        with pytest.raises(Problem, match=r"config\[0\].action_urls: required with state=overridden"):
            run(FakePbx(), [entry(ivr="8000")], state="overridden")

    def test_ivrs_are_looked_up_in_one_listing_and_refused_when_unknown_ambiguous_or_repeated(self):
        pbx = FakePbx()
        pbx.ivrs.append({"id": "ivr-x", "name": "8200", "extension_number": "8900"})
        config = [entry(ivr="8000"), entry(ivr="9999"), entry(ivr="8200"), entry(ivr_id="ivr-8000"), entry(ivr_id="ivr-none")]
        with pytest.raises(Problem) as raised:
            run(pbx, config)
        message = str(raised.value)
        assert message.startswith("config[1].ivr: no virtual receptionist has the name or extension number '9999'; "
                                  "config[2].ivr: 2 virtual receptionists match '8200'; use ivr_id to pick one: ivr-8200 ")
        assert message.endswith("; config[4].ivr_id: no virtual receptionist has the id 'ivr-none'; config[3]: virtual receptionist "
                                "ivr-8000 (name 'IVR 8000', extension 8000) is also listed at config[0]")
        assert pbx.calls == [("GET", "/ivrs")]

    def test_refusals_are_all_found_before_the_first_write(self):
        pbx = FakePbx(secrets="masked")
        pbx.seed("8000", CRM, dict(VIP, name="dup"), dict(VIP, name="dup"))
        config = [entry(ivr="8000", action_urls=[item(name="fresh", type="DTMF", dtmf_mask="4", url="https://f.example.com/"),
                                                 item(name="crm", enabled=False), item(name="dup", enabled=True),
                                                 item(name="new", url="https://n.example.com/")])]
        with pytest.raises(Problem) as raised:
            run(pbx, config)
        message = str(raised.value)
        assert message.startswith("config[0].action_urls[1].password: action URL 'crm' needs an update, but the PBX does not give back "
                                  "its stored password, and an update without it could erase it; set it in the task, from your vault")
        assert "; config[0].action_urls[2]: 2 action URLs are named 'dup' (ids u2, u3); " in message
        assert message.endswith("; config[0].action_urls[3]: action URL 'new' does not exist yet; to create it, also set: type")
        assert pbx.writes == []


class TestRun:
    def test_check_mode_predicts_the_real_run(self):
        def fresh():
            pbx = FakePbx(secrets="masked")
            pbx.seed("8000", CRM, VIP)
            return pbx
        config = [entry(ivr="8000", action_urls=[item(**{**CRM, "url": "https://n.example.com/"}),
                                                 item(name="new", type="CALLER", caller_mask="1", url="https://x.example.com/")])]
        checked_pbx, real_pbx = fresh(), fresh()
        checked = run(checked_pbx, config, check_mode=True, state="overridden")
        real = run(real_pbx, config, state="overridden")
        assert checked_pbx.writes == [] and len(real_pbx.writes) == 3
        assert "id" not in checked["changes"][2] and real["changes"][2]["id"] == real_pbx.urls["ivr-8000"][-1]["id"]
        assert checked["changes"] == without_create_ids(real["changes"])
        assert (checked["diff"], checked["after"], checked["before"]) == (real["diff"], real["after"], real["before"])
        assert [entry["action"] for entry in real["changes"]] == ["delete", "update", "create"]
        assert real["after"][0]["action_urls"][0]["password"] == placeholders.MASK_SENT

    def test_diff_has_one_entry_per_changed_action_url_with_headers(self):
        pbx = FakePbx()
        pbx.seed("8000", CRM, VIP)
        result = run(pbx, [entry(ivr="8000", action_urls=[item(name="vip")])], state="deleted")
        [diff] = result["diff"]
        assert diff["before_header"] == diff["after_header"] == \
            "virtual receptionist ivr-8000 (name 'IVR 8000', extension 8000), action URL 'vip'"
        assert diff["after"] == {} and diff["before"]["token"] == placeholders.MASK and "id" not in diff["before"]
        assert action_url_set.run(FakePbx(), params([entry(ivr="8000")]), False, diff=False).get("diff") is None

    def test_a_failed_write_reports_the_writes_done(self):
        pbx = FakePbx()
        config = [entry(ivr=number, action_urls=[item(name="hook", type="DTMF", dtmf_mask="1", url="https://h.example.com/")])
                  for number in ("8000", "8200", "8300")]
        pbx.fail_on = ("POST", "/ivrs/ivr-8200/action_urls")
        with pytest.raises(WriteFailed) as raised:
            run(pbx, config, parallelism=1)
        failed = raised.value
        assert failed.where == "the create of action URL 'hook' of virtual receptionist ivr-8200 (name 'IVR 8200', extension 8200) failed"
        assert failed.result["changed"] is True
        assert [(change["ivr_id"], change["action"]) for change in failed.result["changes"]] == [("ivr-8000", "create")]
        assert "HTTP 400" in str(failed.error)

    @pytest.mark.parametrize("parallelism", [1, 3])
    def test_reads_overlap_up_to_parallelism(self, parallelism):
        pbx = FakePbx(ivrs=[str(8000 + number) for number in range(8)])
        run(pbx, [entry(ivr_id=ivr["id"], action_urls=[]) for ivr in pbx.ivrs], parallelism=parallelism)
        assert len(pbx.calls) == 8
        assert pbx.most_in_flight["GET"] <= parallelism
        assert pbx.most_in_flight["GET"] > 1 or parallelism == 1


class TestOwnOutputFedBack:
    """Declarations built from this module's own results: placeholders keep the stored secrets and are never sent."""

    HOOK = dict(VIP, headers="X-API-Key:k3y-value&X-App-ID:crm")

    def changed(self, secrets):
        pbx = FakePbx(secrets=secrets)
        pbx.seed("8000", self.HOOK)
        result = run(pbx, [entry(ivr="8000", action_urls=[item(name="vip", url="https://moved.example.com/vip", token="tok-1")])])
        return pbx, [entry(ivr=ivr["ivr"], action_urls=[item(**options) for options in ivr["action_urls"]]) for ivr in result["before"]]

    @pytest.mark.parametrize("state", ["merged", "replaced", "overridden"])
    def test_before_applied_back_rolls_the_change_back_and_keeps_the_secrets(self, state):
        pbx, rollback = self.changed("clear")
        assert rollback[0]["action_urls"][0]["token"] == placeholders.MASK
        result = run(pbx, rollback, state=state)
        [vip] = pbx.urls["ivr-8000"]
        assert [change["fields"] for change in result["changes"]] == [["url"]]
        assert (vip["url"], vip["token"], vip["headers"]) == (self.HOOK["url"], "tok-1", self.HOOK["headers"])
        assert run(pbx, rollback, state=state)["changed"] is False

    @pytest.mark.parametrize("secrets", ["masked", "omitted"])
    def test_where_the_pbx_hides_the_secret_the_rollback_names_what_to_add(self, secrets):
        pbx, rollback = self.changed(secrets)
        with pytest.raises(Problem, match=r"^config\[0\]\.action_urls\[0\]\.token: action URL 'vip' needs an update, but the PBX "
                                          r"does not give back its stored token"):
            run(pbx, rollback)
        assert len(pbx.writes) == 1, "only the change rolled back was written"
        rollback[0]["action_urls"][0]["token"] = "tok-1"
        run(pbx, rollback)
        assert (pbx.urls["ivr-8000"][0]["url"], pbx.urls["ivr-8000"][0]["token"]) == (self.HOOK["url"], "tok-1")

    def test_after_applied_again_is_no_change(self):
        pbx = FakePbx(secrets="clear")
        pbx.seed("8000", self.HOOK)
        result = run(pbx, [entry(ivr="8000", action_urls=[item(name="vip", token="tok-2")])])
        assert result["after"][0]["action_urls"][0]["token"] == placeholders.MASK_CHANGED
        again = [entry(ivr="8000", action_urls=[item(**options) for options in result["after"][0]["action_urls"]])]
        assert run(pbx, again)["changed"] is False and pbx.urls["ivr-8000"][0]["token"] == "tok-2"


HOOK = dict(name="hook", type="DTMF", dtmf_mask="1", url="https://h.example.com/")


class TestParallelWrites:
    """Writes to different IVRs go side by side, each IVR's in the order planned; the result lists them as planned."""

    def config(self, pbx, per_ivr=3):
        return [entry(ivr_id=ivr["id"], action_urls=[item(**{**HOOK, "name": "hook%d" % n}) for n in range(per_ivr)])
                for ivr in pbx.ivrs]

    @pytest.mark.parametrize("parallelism", [1, 4])
    def test_ivrs_are_written_side_by_side_up_to_parallelism(self, parallelism):
        pbx = FakePbx(ivrs=[str(8000 + number) for number in range(6)])
        pbx.seed("8003", dict(CRM, name="gone"))
        result = run(pbx, self.config(pbx), state="overridden", parallelism=parallelism)
        assert pbx.most_in_flight["POST"] <= parallelism and (pbx.most_in_flight["POST"] > 1 or parallelism == 1)
        # Each IVR's writes in the order planned, deletes first; the result in the order of the plan.
        assert [(change["ivr_id"], change["action"], change["name"]) for change in result["changes"]] == [
            (ivr["id"], action, name) for ivr in pbx.ivrs
            for action, name in ([("delete", "gone")] if ivr["id"] == "ivr-8003" else []) + [("create", "hook%d" % n) for n in range(3)]]
        written = [path for method, path in pbx.calls if method == "POST" and path.startswith("/ivrs/ivr-8003/")]
        assert written[0].endswith("/destroy") and len(written) == 4

    def test_a_failure_stops_new_writes_and_the_result_lists_those_done(self):
        pbx = FakePbx(ivrs=[str(8000 + number) for number in range(4)])
        pbx.fail_on = ("POST", "/ivrs/ivr-8001/action_urls")
        with pytest.raises(WriteFailed) as raised:
            run(pbx, self.config(pbx), parallelism=4)
        done = raised.value.result["changes"]
        created = [path for method, path in pbx.calls if method == "POST" and path.endswith("/action_urls")]
        # Every create the PBX got is listed, in the order planned; the other IVRs stopped after the failure.
        assert len(done) == len(created) - 1 < 12
        assert done == sorted(done, key=lambda change: (change["ivr_id"], change["name"]))
        assert raised.value.where.startswith("the create of action URL 'hook0' of virtual receptionist ivr-8001")


class TestRaces:
    """Runs that create the same name at the same time end with one copy: the one with the lowest id."""

    def test_a_create_is_looked_at_again_once_per_ivr_after_a_pause(self):
        pbx = FakePbx()
        run(pbx, [entry(ivr_id="ivr-8000", action_urls=[item(**HOOK), item(**{**HOOK, "name": "hook2"})]),
                  entry(ivr_id="ivr-8200", action_urls=[])])
        reads = [path for method, path in pbx.calls if method == "GET"]
        assert reads == ["/ivrs/ivr-8000/action_urls", "/ivrs/ivr-8200/action_urls", "/ivrs/ivr-8000/action_urls"]
        assert len(pbx.waits) == 1 and pbx.waits[0] > 0.9

    def test_an_unchanged_run_reads_once_per_ivr_and_never_pauses(self):
        pbx = FakePbx()
        pbx.seed("8000", CRM)
        run(pbx, [entry(ivr_id="ivr-8000", action_urls=[item(name="crm")])])
        assert pbx.calls == [("GET", "/ivrs/ivr-8000/action_urls")] and pbx.waits == []

    def test_a_run_whose_copy_has_not_the_lowest_id_deletes_its_own(self):
        pbx = RacingPbx("a0")  # sorts before this run's "u1"
        result = run(pbx, [entry(ivr_id="ivr-8000", action_urls=[item(**HOOK)])])
        assert [item["id"] for item in pbx.urls["ivr-8000"]] == ["a0"]
        assert [(change["action"], change["id"]) for change in result["changes"]] == [("create", "u1"), ("delete", "u1")]
        assert pbx.warnings == ["action URL 'hook' of virtual receptionist ivr-8000 was created by another run at the same "
                                "time: the copy with the lowest id (a0) stays, and this run deletes its own (u1)"]

    def test_a_run_whose_copy_has_the_lowest_id_keeps_it(self):
        pbx = RacingPbx("z9")
        result = run(pbx, [entry(ivr_id="ivr-8000", action_urls=[item(**HOOK)])])
        assert sorted(item["id"] for item in pbx.urls["ivr-8000"]) == ["u1", "z9"], "the other run deletes its own"
        assert [change["action"] for change in result["changes"]] == ["create"] and pbx.warnings == []

    def test_the_copy_that_stays_is_made_to_hold_this_runs_declaration(self):
        pbx = RacingPbx("a0", other={"url": "https://other.example.com/"})
        result = run(pbx, [entry(ivr_id="ivr-8000", action_urls=[item(**HOOK)])])
        [kept] = pbx.urls["ivr-8000"]
        assert (kept["id"], kept["url"]) == ("a0", HOOK["url"])
        assert [(change["action"], change["id"]) for change in result["changes"]] == [
            ("create", "u1"), ("delete", "u1"), ("update", "a0")]


class TestRepair:
    """overridden reduces a name stored several times to one action URL; the other states refuse, naming the ids."""

    def test_overridden_keeps_the_copy_that_needs_the_fewest_changes(self):
        pbx = FakePbx(secrets="clear")
        pbx.seed("8000", dict(HOOK, url="https://far.example.com/", dtmf_mask="9"), dict(HOOK, dtmf_mask="9"), dict(HOOK))
        result = run(pbx, [entry(ivr_id="ivr-8000", action_urls=[item(**HOOK)])], state="overridden")
        assert [item["id"] for item in pbx.urls["ivr-8000"]] == ["u3"]
        assert [(change["action"], change["id"]) for change in result["changes"]] == [("delete", "u1"), ("delete", "u2")]

    def test_ties_keep_the_lowest_id_and_update_it(self):
        pbx = FakePbx(secrets="clear")
        pbx.seed("8000", dict(HOOK, dtmf_mask="9"), dict(HOOK, dtmf_mask="8"))
        checked = run(pbx, [entry(ivr_id="ivr-8000", action_urls=[item(**HOOK)])], check_mode=True, state="overridden")
        result = run(pbx, [entry(ivr_id="ivr-8000", action_urls=[item(**HOOK)])], state="overridden")
        assert checked["changes"] == result["changes"] and checked["diff"] == result["diff"]
        assert [(change["action"], change["id"]) for change in result["changes"]] == [("delete", "u2"), ("update", "u1")]
        assert [(item["id"], item["dtmf_mask"]) for item in pbx.urls["ivr-8000"]] == [("u1", "1")]

    @pytest.mark.parametrize("state", ["merged", "replaced"])
    def test_merged_and_replaced_refuse_naming_the_ids_and_overridden(self, state):
        pbx = FakePbx()
        pbx.seed("8000", HOOK, HOOK)
        with pytest.raises(Problem, match=r"2 action URLs are named 'hook' \(ids u1, u2\); keep one: portsip.pbx.ivr_action_urls "
                                          r"with state=overridden keeps the one that needs the fewest changes"):
            run(pbx, [entry(ivr_id="ivr-8000", action_urls=[item(**HOOK)])], state=state)
        assert pbx.writes == []

    @pytest.mark.parametrize("state", ["merged", "replaced", "overridden"])
    def test_copies_that_other_runs_settle_meanwhile_are_read_again_not_refused_or_repaired(self, state):
        # Another run created the second copy and deletes it while this run pauses: what it reads then is one copy.
        pbx = FakePbx(secrets="clear")
        pbx.seed("8000", HOOK, HOOK)
        pbx.wait = lambda seconds: (pbx.waits.append(seconds), pbx.urls["ivr-8000"].pop())
        result = run(pbx, [entry(ivr_id="ivr-8000", action_urls=[item(**HOOK)])], state=state)
        assert result["changed"] is False and pbx.writes == []
        assert pbx.waits == [action_url.SETTLE_SECONDS]
        assert [call for call in pbx.calls if call[0] == "GET"] == [("GET", "/ivrs/ivr-8000/action_urls")] * 2

    def test_copies_still_there_after_the_looks_again_are_refused(self):
        pbx = FakePbx()
        pbx.seed("8000", HOOK, HOOK)
        with pytest.raises(Problem, match="2 action URLs are named 'hook'"):
            run(pbx, [entry(ivr_id="ivr-8000", action_urls=[item(**HOOK)])])
        assert pbx.waits == [action_url.SETTLE_SECONDS] * (action_url.READS_OF_COPIES - 1)

    def test_deleted_deletes_every_copy(self):
        pbx = FakePbx()
        pbx.seed("8000", HOOK, HOOK, CRM)
        run(pbx, [entry(ivr_id="ivr-8000", action_urls=[item(name="hook")])], state="deleted")
        assert pbx.names("8000") == ["crm"]


def test_a_race_lost_to_a_copy_whose_secret_would_be_risked_still_deletes_every_own_copy():
    # The other run declared another url and a credential header the PBX masks: this run cannot make its copy hold
    # this declaration without risking that header, so it leaves it, and still settles each of its names.
    pbx = RacingPbx("a0", other={"url": "https://other.example.com/", "headers": "Authorization:Bearer other-token"},
                    secrets="masked")
    pbx._shown = lambda item: dict(item, headers=(hdr.mask_headers(item.get("headers")) or "").replace(placeholders.MASK, "******"))
    result = run(pbx, [entry(ivr_id="ivr-8000", action_urls=[item(**HOOK), item(**{**HOOK, "name": "hook2"})])])
    assert sorted(item["name"] for item in pbx.urls["ivr-8000"]) == ["hook", "hook2"]
    assert [change["action"] for change in result["changes"]] == ["create", "create", "delete", "delete"]
    assert any("stays as the other run made it" in warning for warning in pbx.warnings)


@pytest.mark.parametrize("secrets", ["clear", "masked", "omitted"])
def test_basic_without_password_keeps_the_stored_password(secrets):
    # The same answer as ivr_action_url's (decision.lacking decides both): the password the action URL has is kept.
    pbx = FakePbx(secrets=secrets)
    pbx.seed("8000", CRM)
    result = run(pbx, [entry(ivr="8000", action_urls=[item(name="crm", auth="BASIC", username="pbxhook")])])
    assert result["changed"] is False and pbx.writes == []
    assert pbx.urls["ivr-8000"][0]["password"] == "hookpass1"


def test_basic_without_password_is_refused_when_none_is_stored():
    pbx = FakePbx(secrets="clear")
    pbx.seed("8000", dict(CRM, auth="DISABLE", password=None))
    with pytest.raises(Problem, match=r"^config\[0\]\.action_urls\[0\]: auth is BASIC, so also set: password$"):
        run(pbx, [entry(ivr="8000", action_urls=[item(name="crm", auth="BASIC")])])
    assert pbx.writes == []
