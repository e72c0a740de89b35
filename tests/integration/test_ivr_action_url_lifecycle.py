# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Create, update, rename and delete through every server behaviour the API leaves open.

Each scenario runs as the change window would: check, apply, apply again, check
again. The simulator's request log proves what each step sent.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

CRM = dict(name="crm-lookup", enabled=True, type="DTMF", dtmf_mask="1;2;3", method="POST",
           url="https://crm.example.com/portsip/route", headers={"X-App-ID": "crm"},
           auth="BASIC", username="pbxhook", password="crmsecret42")
# How the simulator stores CRM (headers in the API's string form).
CRM_STORED = dict(CRM, headers="X-App-ID:crm")
# A plain action URL whose unmanaged fields must survive a partial update.
PLAIN = dict(name="plain", enabled=False, type="CALLER", caller_mask="4930100-4930199", method="GET",
             url="http://hooks.example.com/plain", headers="X-A:1&X-B:2", connection_timeout=5, request_timeout=7)

MODES = [(secrets, update) for secrets in ("clear", "masked", "omitted") for update in ("keep", "reset")]
# The version matrix runs these scenarios in masked/reset, the mode that exercises the most code; `make test` runs all.
SMOKE = (("create", "partial update keeps the rest", "delete"), ("masked", "reset"))


def scenario(seed, task, expect_after, changes=True):
    return dict(seed=seed, task=task, expect_after=expect_after, changes=changes)


SCENARIOS = {
    "create": scenario(None, CRM, CRM_STORED),
    "update one field": scenario(CRM_STORED, dict(CRM, url="https://crm2.example.com/portsip/route"),
                                 dict(CRM_STORED, url="https://crm2.example.com/portsip/route")),
    "partial update keeps the rest": scenario(PLAIN, dict(name="plain", request_timeout=9), dict(PLAIN, request_timeout=9)),
    "rename by id": scenario(CRM_STORED, dict(CRM, id="<seeded id>", name="crm-routing"), dict(CRM_STORED, name="crm-routing")),
    "delete": scenario(CRM_STORED, dict(name="crm-lookup", state="absent"), None),
    "delete again": scenario(None, dict(name="crm-lookup", state="absent"), None, changes=False),
}


def stored(pbx):
    return {item["id"]: item for item in pbx.action_urls()}


@pytest.mark.parametrize("name, secrets, update", [
    pytest.param(name, secrets, update, id="%s-secrets=%s,update=%s" % (name, secrets, update),
                 marks=pytest.mark.smoke if name in SMOKE[0] and (secrets, update) == SMOKE[1] else ())
    for secrets, update in MODES for name in SCENARIOS
])
def test_check_apply_apply_check(pbx, name, secrets, update):
    case = SCENARIOS[name]
    pbx.sim.configure(secrets=secrets, update=update)
    seeded_id = None
    if case["seed"]:
        seeded_id = pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [case["seed"]]}])["ivrs"][0]["action_urls"][0]
    args = dict(case["task"], ivr_id=pbx.ivr_id)
    if "id" in args:
        args["id"] = seeded_id
    task = [{"name": "Declare the action URL", "portsip.pbx.ivr_action_url": args}]
    before = stored(pbx)

    check = pbx.run(task, check=True, diff=True)
    assert check.rc == 0, check.output
    assert check.result["changed"] is case["changes"]
    assert check.writes == [] and len(check.log) == 1
    assert stored(pbx) == before

    apply = pbx.run(task, diff=True)
    assert apply.rc == 0, apply.output
    assert apply.result["changed"] is case["changes"]
    assert len(apply.writes) == (1 if case["changes"] else 0)
    # A create adds the read that looks for a copy another run created at the same time.
    created = [entry for entry in apply.writes if entry["path"].endswith("/action_urls")]
    assert len(apply.log) == 1 + len(apply.writes) + len(created)
    # Check mode predicted what the real run did.
    assert check.result["diff"] == apply.result["diff"]
    assert check.result["action_url"] == {key: value for key, value in apply.result["action_url"].items() if key != "id"} \
        or check.result["action_url"] == apply.result["action_url"]

    after = stored(pbx)
    if case["expect_after"] is None:
        assert [item for item in after.values() if item["name"] == "crm-lookup"] == []
    else:
        [obj] = after.values()
        assert {key: obj[key] for key in case["expect_after"]} == case["expect_after"]
        if seeded_id:
            assert obj["id"] == seeded_id
        assert apply.result["action_url"]["id"] == obj["id"]

    for step in ({}, {"check": True}):
        again = pbx.run(task, **step)
        assert again.rc == 0, again.output
        assert again.result["changed"] is False
        assert again.writes == [] and len(again.log) == 1
        assert stored(pbx) == after


@pytest.mark.parametrize("secrets", ["clear", "masked", "omitted"])
def test_diff_shows_real_before_and_after_with_secrets_masked(pbx, secrets):
    pbx.sim.configure(secrets=secrets)
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM_STORED]}])
    task = [{"name": "Move the webhook", "portsip.pbx.ivr_action_url": dict(CRM, ivr_id=pbx.ivr_id, url="https://new.example.com/")}]
    run = pbx.run(task, check=True, diff=True)
    diff = run.result["diff"]
    assert diff["before"]["url"] == CRM["url"] and diff["after"]["url"] == "https://new.example.com/"
    assert diff["before"]["dtmf_mask"] == diff["after"]["dtmf_mask"] == "1;2;3"
    assert diff["before"].get("password") == (None if secrets == "omitted" else "********")
    # A hidden password is sent along with the change without knowing whether it differs; a readable one is equal.
    assert diff["after"]["password"] == ("********" if secrets == "clear" else "******** (sent)")
    assert not run.shows("crmsecret42")
    assert "+++ after" in run.output and '-    "url": "https://crm.example.com/portsip/route"' in run.output


def test_create_diff_starts_empty_and_delete_diff_ends_empty(pbx):
    task = [{"name": "Create", "portsip.pbx.ivr_action_url": dict(CRM, ivr_id=pbx.ivr_id)}]
    created = pbx.run(task, diff=True).result["diff"]
    assert created["before"] == {}
    assert created["after"]["name"] == "crm-lookup" and created["after"]["password"] == "********"
    assert created["after"]["connection_timeout"] == 2, "server defaults are shown for what the user left out"
    task = [{"name": "Delete", "portsip.pbx.ivr_action_url": dict(ivr_id=pbx.ivr_id, name="crm-lookup", state="absent")}]
    deleted = pbx.run(task, diff=True).result["diff"]
    assert deleted["after"] == {} and deleted["before"]["name"] == "crm-lookup"


def test_ivr_by_extension_number_or_name_costs_one_more_request(pbx):
    for ivr in ("8000", "Main Menu"):
        run = pbx.run([{"name": "Create", "portsip.pbx.ivr_action_url": dict(CRM, ivr=ivr)}])
        assert run.rc == 0, run.output
        assert run.result["ivr_id"] == pbx.ivr_id
        # The create, and its look again, when there is one.
        assert [entry["path"] for entry in run.log] == ["/api/ivrs", "/api/ivrs/%s/action_urls" % pbx.ivr_id] + (
            ["/api/ivrs/%s/action_urls" % pbx.ivr_id] * 2 if run.result["changed"] else [])
    assert len(pbx.action_urls()) == 1


def test_login_with_username_and_password_costs_one_more_request(pbx):
    env = pbx.connection_env(PORTSIP_ACCESS_TOKEN=None, PORTSIP_USERNAME="admin", PORTSIP_PASSWORD="portsip123",
                             PORTSIP_DOMAIN="demo.portsip.local")
    task = [{"name": "Create", "portsip.pbx.ivr_action_url": dict(CRM, ivr_id=pbx.ivr_id)}]
    first = pbx.run(task, env=env)
    assert first.rc == 0, first.output
    assert [entry["path"] for entry in first.log][0] == "/api/login/oauth/token"
    assert [entry["method"] for entry in first.log] == ["POST", "GET", "POST", "GET"]
    again = pbx.run(task, env=env)
    assert again.result["changed"] is False and len(again.log) == 2
