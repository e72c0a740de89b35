# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The engine of ivr_action_url against an in-memory PBX: lookups, refusals, writes and what the result shows."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.portsip.pbx.plugins.module_utils import decision, fields, forms, placeholders
from ansible_collections.portsip.pbx.plugins.module_utils.action_url import READS_OF_COPIES, _created, ensure, run
from ansible_collections.portsip.pbx.plugins.module_utils.decision import decide, find
from ansible_collections.portsip.pbx.plugins.module_utils.errors import Problem, RequestError
from ansible_collections.portsip.pbx.tests.unit.plugins.module_utils.fake_pbx import CRM, VIP, FakePbx, RacingPbx

IVR = "ivr-8000"


def params(**options):
    """The module's parameters as Ansible hands them over: every option present, None when not set.

    Ansible parses them from JSON, so each string is equal to, never the same object as, a constant of the code.
    """
    given = dict(dict.fromkeys(fields.argument_spec()), id=None, state="present", update_secrets="on_create")
    return json.loads(json.dumps(dict(given, **options)))


class GoneOnRetryPbx(FakePbx):
    """Its destroy goes through, then fails as a retried destroy does: the PBX no longer knows the id."""

    def __init__(self, status, **kwargs):
        super(GoneOnRetryPbx, self).__init__(**kwargs)
        self.status = status

    def destroy(self, path):
        super(GoneOnRetryPbx, self).destroy(path)
        raise RequestError("VALIDATE_FAILED id: no such action URL", "POST", path + "/destroy", self.status)


class AnswerWithoutIdPbx(FakePbx):
    """Its create makes the object but answers without its id, so the client looks it up."""

    def create(self, path, body, find_created):
        super(AnswerWithoutIdPbx, self).create(path, body, find_created)
        return find_created()


class TestEnsure:
    def test_a_create_returns_the_new_id_and_a_diff_of_the_stored_fields(self):
        pbx = FakePbx()
        result = ensure(pbx, IVR, params(**VIP), check_mode=False)
        [created] = pbx.urls[IVR]
        stored = dict(VIP, enabled=False, connection_timeout=2, request_timeout=2, token=placeholders.MASK)
        assert result == dict(changed=True, action_url=dict(stored, id=created["id"]), diff=dict(before={}, after=stored))

    def test_a_delete_shows_the_object_before_and_nothing_after(self):
        pbx = FakePbx(secrets="clear")
        pbx.seed("8000", CRM, VIP)
        result = ensure(pbx, IVR, params(name="crm", state="absent"), check_mode=False)
        assert pbx.names("8000") == ["vip"]
        stored = dict(CRM, password=placeholders.MASK)
        assert result == dict(changed=True, action_url={}, diff=dict(before=stored, after={}))

    @pytest.mark.parametrize("update_secrets, changed", [("always", True), ("on_create", False)])
    def test_a_secret_the_pbx_hides_is_sent_only_with_update_secrets_always(self, update_secrets, changed):
        pbx = FakePbx(secrets="masked")
        pbx.seed("8000", CRM)
        result = ensure(pbx, IVR, params(name="crm", password="hookpass1", update_secrets=update_secrets), check_mode=False)
        assert result["changed"] is changed and len(pbx.writes) == int(changed)

    def test_an_id_no_action_url_has_is_refused_when_present_and_no_change_when_absent(self):
        pbx = FakePbx()
        pbx.seed("8000", CRM)
        with pytest.raises(Problem, match="virtual receptionist ivr-8000 has no action URL with id 'u9'; to create one, give its name"):
            ensure(pbx, IVR, params(id="u9", name="new", type="CALLER", caller_mask="1", url="https://n.example.com/"), False)
        result = ensure(pbx, IVR, params(id="u9", state="absent"), check_mode=False)
        assert result["changed"] is False and pbx.writes == []

    @pytest.mark.parametrize("url_id, name, other", [("u1", "vip", "u2"), ("u2", "crm", "u1")])
    def test_a_rename_onto_a_name_in_use_is_refused_before_any_write(self, url_id, name, other):
        pbx = FakePbx(secrets="clear")
        pbx.seed("8000", CRM, VIP)
        with pytest.raises(Problem, match="cannot rename action URL %s to '%s': that name is already used by %s$" % (url_id, name, other)):
            ensure(pbx, IVR, params(id=url_id, name=name), check_mode=False)
        assert pbx.writes == []

    def test_a_create_answered_without_an_id_finds_it_by_its_name(self):
        pbx = AnswerWithoutIdPbx()
        pbx.seed("8000", CRM)
        result = ensure(pbx, IVR, params(**VIP), check_mode=False)
        assert result["action_url"]["id"] == "u2" == pbx.urls[IVR][1]["id"]

    def test_a_create_needs_the_secret_its_auth_uses(self):
        pbx = FakePbx()
        declared = params(name="hook", type="DTMF", dtmf_mask="1", url="https://h.example.com/", auth="BASIC", username="pbxhook")
        with pytest.raises(Problem, match="action URL 'hook' does not exist yet; to create it, also set: password"):
            ensure(pbx, IVR, declared, check_mode=False)
        assert pbx.writes == []

    @pytest.mark.parametrize("status", [400, 404])
    def test_a_retried_delete_that_finds_the_object_gone_succeeds(self, status):
        pbx = GoneOnRetryPbx(status)
        pbx.seed("8000", CRM)
        assert ensure(pbx, IVR, params(name="crm", state="absent"), check_mode=False)["changed"] is True
        assert pbx.calls[-1] == ("GET", "/ivrs/ivr-8000/action_urls"), "only a fresh read may call it gone"

    def test_a_refused_delete_of_an_object_still_there_fails(self):
        pbx = FakePbx()
        pbx.seed("8000", CRM)
        pbx.fail_on = ("POST", "/ivrs/ivr-8000/action_urls/u1/destroy")
        with pytest.raises(RequestError, match="refused"):
            ensure(pbx, IVR, params(name="crm", state="absent"), check_mode=False)
        assert pbx.names("8000") == ["crm"]


def test_find_by_id_takes_that_id_only():
    items = [{"id": "b", "name": "crm"}, {"id": "a", "name": "vip"}]
    assert find(items, "a") == {"id": "a", "name": "vip"}
    assert find(items, "c") is None


@pytest.mark.parametrize("options, message", [
    (dict(type="CALLER"), "type is CALLER, so also set: caller_mask"),
    (dict(type="DTMF", dtmf_mask="1", auth="BEARER"), "auth is BEARER, so also set: token"),
    (dict(type="CALLER", auth="DIGEST", username="pbxhook"), "type is CALLER and auth is DIGEST, so also set: caller_mask, password"),
    (dict(type="DTMF", dtmf_mask="1", auth="DISABLE"), None),
])
def test_what_an_existing_action_url_lacks_names_what_requires_it(options, message):
    stored = dict(decision.predicted_create(dict(VIP, name="hook", auth="DISABLE", token=None)), id="u1")
    wanted = forms.want_of(params(name="hook", **options))
    if message is None:
        assert decide([stored], wanted, "on_create").action == "update"
        return
    with pytest.raises(Problem) as refused:
        decide([stored], wanted, "on_create")
    assert str(refused.value) == message


def test_a_readable_secret_holding_a_star_is_sent_back_not_taken_for_a_mask():
    stored = dict(decision.predicted_create(dict(VIP, token="tok*1")), id="u1")
    change = decide([stored], {"name": "vip", "url": "https://new.example.com/vip"}, "on_create")
    assert change.action == "update" and change.body["token"] == "tok*1"


class TestPlaceholdersFedBack:
    """A mask this collection (or a PBX) shows, given back as input, keeps the stored secret and is never sent."""

    HOOK = dict(VIP, name="hook", headers="X-App-ID:crm&X-API-Key:k3y-value")

    def stored(self, secrets, **changes):
        pbx = FakePbx(secrets=secrets)
        pbx.seed("8000", dict(self.HOOK, **changes))
        return pbx

    @pytest.mark.parametrize("placeholder", [placeholders.MASK, placeholders.MASK_CHANGED, placeholders.MASK_SENT, "******", " ******** "])
    @pytest.mark.parametrize("secrets", ["clear", "masked", "omitted"])
    def test_a_placeholder_alone_is_no_change(self, secrets, placeholder):
        pbx = self.stored(secrets)
        declared = params(name="hook", token=placeholder, headers="X-App-ID:crm&X-API-Key:%s" % placeholder)
        assert ensure(pbx, IVR, declared, check_mode=False)["changed"] is False
        assert pbx.writes == []

    @pytest.mark.parametrize("placeholder", [placeholders.MASK, placeholders.MASK_CHANGED, placeholders.MASK_SENT])
    def test_an_update_sends_the_stored_secret_the_pbx_gives_back_never_the_placeholder(self, placeholder):
        pbx = self.stored("clear")
        declared = params(name="hook", url="https://rolled.example.com/back", token=placeholder,
                          headers="X-App-ID:crm&X-API-Key:%s" % placeholder)
        result = ensure(pbx, IVR, declared, check_mode=False)
        [hook] = pbx.urls[IVR]
        assert result["changed"] is True and hook["url"] == "https://rolled.example.com/back"
        assert (hook["token"], hook["headers"]) == ("tok-1", "X-App-ID:crm&X-API-Key:k3y-value")

    @pytest.mark.parametrize("secrets", ["masked", "omitted"])
    def test_an_update_of_a_secret_the_pbx_hides_is_refused_as_if_left_out(self, secrets):
        pbx = self.stored(secrets, headers="X-App-ID:crm")
        with pytest.raises(Problem, match=r"^token: action URL 'hook' needs an update, but the PBX does not give back its stored token"):
            ensure(pbx, IVR, params(name="hook", url="https://rolled.example.com/back", token=placeholders.MASK), check_mode=False)
        assert pbx.writes == []

    def test_a_placeholder_cannot_create_a_secret(self):
        pbx = FakePbx()
        declared = params(name="new", type="DTMF", dtmf_mask="1", url="https://n.example.com/", auth="BEARER", token=placeholders.MASK,
                          secret_headers={"X-API-Key": placeholders.MASK_SENT})
        with pytest.raises(Problem) as refused:
            ensure(pbx, IVR, declared, check_mode=False)
        assert str(refused.value) == (
            "token: ******** stands for a secret: it is how this collection shows one, and masked output cannot supply one; "
            "action URL 'new' does not exist yet, so give the secret itself; "
            "secret_headers.X-API-Key: a placeholder stands for a secret: it is how this collection shows one, and masked "
            "output cannot supply one; action URL 'new' does not exist yet, so give the value itself")
        assert pbx.writes == []

    @pytest.mark.parametrize("secrets", ["clear", "masked"])
    def test_a_switch_of_auth_needs_a_secret_the_placeholder_cannot_give(self, secrets):
        pbx = self.stored(secrets, auth="DISABLE", token=None)
        with pytest.raises(Problem, match=r"^token: \*{8} stands for a secret: .* action URL 'hook' holds no token to keep, "
                                          r"so give the secret itself$"):
            ensure(pbx, IVR, params(name="hook", auth="BEARER", token=placeholders.MASK), check_mode=False)
        assert pbx.writes == []

    def test_a_header_placeholder_for_a_header_not_stored_is_refused(self):
        pbx = self.stored("clear", headers="X-App-ID:crm")
        with pytest.raises(Problem, match=r"^secret_headers\.X-API-Key: .* action URL 'hook' holds no X-API-Key header to keep"):
            ensure(pbx, IVR, params(name="hook", headers={"X-App-ID": "crm", "X-API-Key": placeholders.MASK}), check_mode=False)


@pytest.mark.parametrize("secrets", ["clear", "masked", "omitted"])
def test_basic_without_password_keeps_the_stored_password(secrets):
    pbx = FakePbx(secrets=secrets)
    pbx.seed("8000", CRM)
    result = ensure(pbx, IVR, params(name="crm", auth="BASIC", username="pbxhook", password=None), check_mode=False)
    assert result["changed"] is False and pbx.writes == []
    assert pbx.urls[IVR][0]["password"] == "hookpass1"


def test_basic_without_password_is_refused_when_none_is_stored():
    pbx = FakePbx(secrets="clear")
    pbx.seed("8000", dict(CRM, auth="DISABLE", password=None))
    with pytest.raises(Problem, match="^auth is BASIC, so also set: password$"):
        ensure(pbx, IVR, params(name="crm", auth="BASIC"), check_mode=False)
    assert pbx.writes == []


@pytest.mark.parametrize("secrets", ["clear", "masked", "omitted"])
def test_a_value_the_pbx_already_holds_is_not_checked_again(secrets):
    pbx = FakePbx(secrets=secrets)
    pbx.seed("8000", dict(CRM, dtmf_mask="1;2;1", username="PBXHOOK"))
    declared = params(name="crm", dtmf_mask="1;2;1", username="PBXHOOK", enabled=False, password="hookpass1")
    assert ensure(pbx, IVR, declared, check_mode=False)["changed"] is True
    assert pbx.urls[IVR][0]["enabled"] is False
    with pytest.raises(Problem, match="^username: must be 6 to 64 characters"):
        ensure(pbx, IVR, params(name="crm", username="OTHERHOOK"), check_mode=False)


def test_a_bad_value_is_refused_only_when_it_would_be_sent():
    pbx = FakePbx()
    pbx.seed("8000", CRM)
    assert ensure(pbx, IVR, params(name="crm", dtmf_mask="9-1", state="absent"), check_mode=False)["changed"] is True
    with pytest.raises(Problem, match="^dtmf_mask: range '9-1' has its low end above its high end$"):
        ensure(pbx, IVR, params(**{**CRM, "dtmf_mask": "9-1"}), check_mode=False)


def test_the_diff_shows_only_the_settings_that_hold_a_value():
    pbx = FakePbx(secrets="clear")
    pbx.seed("8000", dict(CRM, token=None, caller_mask=None, vendor_flags=3))
    diff = ensure(pbx, IVR, params(name="crm", enabled=False), check_mode=True)["diff"]
    assert "token" not in diff["before"] and "caller_mask" not in diff["after"] and "vendor_flags" not in diff["after"]
    assert diff["before"]["password"] == diff["after"]["password"] == placeholders.MASK


@pytest.mark.parametrize("declared", [dict(token=placeholders.MASK), dict(password=placeholders.MASK_SENT)])
def test_a_placeholder_for_a_secret_the_auth_does_not_use_is_no_problem(declared):
    pbx = FakePbx(secrets="omitted")
    pbx.seed("8000", dict(CRM, auth="DISABLE"))
    assert ensure(pbx, IVR, params(name="crm", **declared), check_mode=False)["changed"] is False
    assert ensure(pbx, IVR, params(name="new", type="DTMF", dtmf_mask="1", url="https://n.example.com/", **declared),
                  check_mode=False)["changed"] is True
    assert [item.get("token") for item in pbx.urls[IVR]] == [None, None]


def test_a_mask_of_wildcards_and_a_header_of_one_star_are_values_not_placeholders():
    pbx = FakePbx(secrets="clear")
    pbx.seed("8000", dict(CRM, dtmf_mask="1"))
    ensure(pbx, IVR, params(name="crm", dtmf_mask="*;**", headers={"X-App-ID": "crm", "X-Allow": "*"}), check_mode=False)
    assert (pbx.urls[IVR][0]["dtmf_mask"], pbx.urls[IVR][0]["headers"]) == ("*;**", "X-App-ID:crm&X-Allow:*")
    assert ensure(pbx, IVR, params(name="crm", dtmf_mask="**;*", headers="X-App-ID:crm&X-Allow:*"), check_mode=False)["changed"] is False


class TestRaces:
    """A create is looked at again, once, after a pause; of copies other runs made at the same time, the lowest id stays."""

    def test_a_create_costs_one_more_read_after_a_pause(self):
        pbx = FakePbx()
        ensure(pbx, IVR, params(**VIP), check_mode=False)
        assert [method for method, _path in pbx.calls] == ["GET", "POST", "GET"]
        assert len(pbx.waits) == 1 and pbx.waits[0] > 0.9

    @pytest.mark.parametrize("other, stays", [("a0", "a0"), ("z9", "u1")])
    def test_the_lowest_id_stays_and_the_result_names_it(self, other, stays):
        pbx = RacingPbx(other)
        result = ensure(pbx, IVR, params(**VIP), check_mode=False)
        assert result["action_url"]["id"] == stays and result["changed"] is True
        assert stays in [item["id"] for item in pbx.urls[IVR]]
        assert ("POST", "/ivrs/ivr-8000/action_urls/u1/destroy") in pbx.calls or stays == "u1"

    def test_check_mode_and_updates_never_pause(self):
        pbx = FakePbx()
        pbx.seed("8000", VIP)
        ensure(pbx, IVR, params(name="vip", enabled=True, token="tok-1"), check_mode=False)
        ensure(pbx, IVR, params(**{**VIP, "name": "new"}), check_mode=True)
        assert pbx.waits == []


def test_a_lost_create_answer_with_two_new_copies_is_not_guessed():
    pbx = FakePbx()
    pbx.seed("8000", CRM)
    pbx.seed("8000", dict(VIP, name="hook"), dict(VIP, name="hook"))
    with pytest.raises(RequestError, match=r"2 new action URLs are named 'hook' \(ids u2, u3\): another run created it"):
        _created(pbx, IVR, "hook", {"u1"})
    assert _created(pbx, IVR, "hook", {"u1", "u2"}) == "u3"


@pytest.mark.parametrize("diff", [True, False])
def test_the_module_result_has_a_diff_only_when_asked(diff):
    result = run(FakePbx(), params(ivr_id=IVR, **VIP), check_mode=True, diff=diff)
    assert result["ivr_id"] == IVR and result["changed"] is True
    assert ("diff" in result) is diff


def test_a_failure_after_the_ivr_is_known_carries_its_id():
    pbx = FakePbx()
    pbx.seed("8000", CRM, CRM)
    with pytest.raises(Problem) as refused:
        run(pbx, params(ivr_id=None, ivr="8000", **CRM), check_mode=True, diff=False)
    assert refused.value.to_result() == {"ivr_id": IVR}


def test_a_name_held_twice_while_another_run_settles_is_read_again_and_not_refused():
    pbx = FakePbx(secrets="clear")
    pbx.seed("8000", VIP, VIP)
    pbx.wait = lambda seconds: (pbx.waits.append(seconds), pbx.urls[IVR].pop())
    result = ensure(pbx, IVR, params(**VIP), check_mode=False)
    assert result["changed"] is False and pbx.writes == [] and len(pbx.waits) == 1


def test_a_name_still_held_twice_after_the_looks_again_is_refused():
    pbx = FakePbx()
    pbx.seed("8000", VIP, VIP)
    with pytest.raises(Problem, match="2 action URLs are named 'vip'"):
        ensure(pbx, IVR, params(**VIP), check_mode=False)
    assert len(pbx.waits) == READS_OF_COPIES - 1 and pbx.writes == []
