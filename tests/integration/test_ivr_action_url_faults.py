# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A flaky PBX still converges to exactly one right object; real failures are never read as "absent"."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

CRM = dict(name="crm-lookup", type="DTMF", dtmf_mask="1;2", url="https://crm.example.com/hook", request_timeout=4)
LIST = r"/api/ivrs/[^/]+/action_urls"
ONE = r"/api/ivrs/[^/]+/action_urls/[^/]+"


def task(pbx, **args):
    return [{"name": "Action URL", "portsip.pbx.ivr_action_url": dict(args, ivr_id=pbx.ivr_id)}]


FAULTS = [
    ("read 503", dict(kind="status", method="GET", path=LIST, status=503)),
    ("read 502 twice", dict(kind="status", method="GET", path=LIST, status=502, count=2)),
    ("read 504", dict(kind="status", method="GET", path=LIST, status=504)),
    ("read 429 with Retry-After", dict(kind="status", method="GET", path=LIST, status=429, retry_after=1)),
    ("read dropped", dict(kind="drop", method="GET", path=LIST)),
    ("create 503", dict(kind="status", method="POST", path=LIST, status=503)),
    ("create 429", dict(kind="status", method="POST", path=LIST, status=429, retry_after=1)),
    ("create dropped before commit", dict(kind="drop", method="POST", path=LIST)),
    ("create committed, answer lost", dict(kind="commit_drop", method="POST", path=LIST)),
]


@pytest.mark.parametrize("what, fault", FAULTS, ids=[what for what, _fault in FAULTS])
def test_create_converges_to_exactly_one_object(pbx, what, fault):
    pbx.control.fault(**fault)
    run = pbx.run(task(pbx, **CRM))
    assert run.rc == 0, run.output
    assert run.result["changed"] is True
    assert "retrying in" in run.text or "creating again" in run.text or "it is not sent again" in run.text
    [obj] = pbx.action_urls()
    assert obj["name"] == "crm-lookup" and run.result["action_url"]["id"] == obj["id"]
    assert pbx.run(task(pbx, **CRM)).result["changed"] is False


@pytest.mark.parametrize("what, fault", [
    ("update 503", dict(kind="status", method="POST", path=ONE, status=503)),
    ("update dropped", dict(kind="drop", method="POST", path=ONE)),
    ("update committed, answer lost", dict(kind="commit_drop", method="POST", path=ONE)),
    ("update 429", dict(kind="status", method="POST", path=ONE, status=429, retry_after=1)),
])
def test_update_converges(pbx, what, fault):
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM]}])
    pbx.control.fault(**fault)
    run = pbx.run(task(pbx, **{**CRM, "request_timeout": 9}))
    assert run.rc == 0, "%s: %s" % (what, run.output)
    [obj] = pbx.action_urls()
    assert obj["request_timeout"] == 9


@pytest.mark.parametrize("unknown_id_status", [404, 400])
@pytest.mark.parametrize("what, fault", [
    ("destroy 503", dict(kind="status", method="POST", path=ONE + "/destroy", status=503)),
    ("destroy committed, answer lost", dict(kind="commit_drop", method="POST", path=ONE + "/destroy")),
])
def test_delete_converges(pbx, what, fault, unknown_id_status):
    pbx.sim.configure(unknown_id_status=unknown_id_status)
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM]}])
    pbx.control.fault(**fault)
    run = pbx.run(task(pbx, name="crm-lookup", state="absent"))
    assert run.rc == 0, "%s: %s" % (what, run.output)
    assert run.result["changed"] is True
    assert pbx.action_urls() == []


def test_a_server_error_is_never_taken_for_absent(pbx):
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM]}])
    pbx.control.fault(kind="status", method="GET", path=LIST, status=500, count=10)
    run = pbx.run(task(pbx, **CRM))
    assert run.rc != 0
    assert "HTTP 500" in run.result["msg"]
    assert run.writes == [] and len(run.log) == 1, "a 500 is neither retried nor followed by a create"
    assert len(pbx.action_urls()) == 1


def test_retries_give_up_with_a_clear_message(pbx):
    pbx.control.fault(kind="status", method="GET", path=LIST, status=503, count=10)
    run = pbx.run(task(pbx, **CRM))
    assert run.rc != 0
    assert "HTTP 503" in run.result["msg"] and run.result["status"] == 503
    assert len(run.log) == 4 and run.writes == []


@pytest.mark.parametrize("unknown_id_status", [404, 400])
def test_an_unknown_ivr_is_a_clear_error(pbx, unknown_id_status):
    pbx.sim.configure(unknown_id_status=unknown_id_status)
    run = pbx.run([{"name": "Unknown IVR", "portsip.pbx.ivr_action_url": {**CRM, "ivr_id": "Tm9TdWNoSVZS"}}])
    assert run.rc != 0
    assert "virtual receptionist with id 'Tm9TdWNoSVZS' was not found" in run.result["msg"]
    assert run.writes == []


def test_an_unknown_ivr_name_or_number_is_a_clear_error(pbx):
    run = pbx.run([{"name": "Unknown IVR", "portsip.pbx.ivr_action_url": {**CRM, "ivr": "9999"}}])
    assert run.rc != 0
    assert run.result["msg"] == "no virtual receptionist has the name or extension number '9999'"


def test_an_ambiguous_ivr_lists_the_candidates(pbx):
    pbx.control.seed(ivrs=[{"name": "8000", "extension_number": "8100"}])
    run = pbx.run([{"name": "Ambiguous", "portsip.pbx.ivr_action_url": {**CRM, "ivr": "8000"}}])
    assert run.rc != 0
    assert "2 virtual receptionists match '8000'" in run.result["msg"] and pbx.ivr_id in run.result["msg"]
    assert run.writes == []


def test_duplicate_names_are_reported_not_guessed(pbx):
    ids = pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM, CRM]}])["ivrs"][0]["action_urls"]
    for args in (CRM, dict(name="crm-lookup", state="absent")):
        run = pbx.run(task(pbx, **args))
        assert run.rc != 0
        assert "2 action URLs are named 'crm-lookup'" in run.result["msg"]
        assert all(url_id in run.result["msg"] for url_id in ids)
        assert run.writes == []
    picked = pbx.run(task(pbx, id=ids[1], state="absent"))
    assert picked.result["changed"] is True and [item["id"] for item in pbx.action_urls()] == [ids[0]]


def test_a_rename_onto_a_taken_name_is_refused(pbx):
    ids = pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM, {**CRM, "name": "other"}]}])["ivrs"][0]["action_urls"]
    run = pbx.run(task(pbx, id=ids[1], name="crm-lookup"))
    assert run.rc != 0 and "already used by %s" % ids[0] in run.result["msg"]
    assert run.writes == []


def test_an_expired_token_is_renewed_mid_run(pbx):
    env = pbx.connection_env(PORTSIP_ACCESS_TOKEN=None, PORTSIP_USERNAME="admin", PORTSIP_PASSWORD="portsip123",
                             PORTSIP_DOMAIN="demo.portsip.local")
    # The token expires between the module's read and its write.
    pbx.control.fault(kind="status", method="POST", path=LIST, status=401)
    run = pbx.run(task(pbx, **CRM), env=env)
    assert run.rc == 0, run.output
    paths = [entry["path"] for entry in run.log]
    assert paths.count("/api/login/oauth/token") == 2
    assert len(pbx.action_urls()) == 1


@pytest.mark.parametrize("env, message", [
    (dict(PORTSIP_ACCESS_TOKEN=None, PORTSIP_USERNAME="admin", PORTSIP_PASSWORD="wrong-pass"), "login refused"),
    (dict(PORTSIP_ACCESS_TOKEN="not-a-token"), "check pbx_username and pbx_password"),
])
def test_bad_credentials_say_what_to_check(pbx, env, message):
    run = pbx.run(task(pbx, **CRM), env=pbx.connection_env(**env))
    assert run.rc != 0
    assert message in run.result["msg"] and "pbx_domain" in run.result["msg"]
    assert not run.shows("wrong-pass")
