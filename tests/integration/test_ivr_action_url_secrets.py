# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Secrets: never shown, never wiped, compared when the server allows it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

PASSWORD = "hookpass7731"
NEW_PASSWORD = "hookpass9902"
TOKEN = "tok-Zq81-secret-bearer"
LOGIN_PASSWORD = "portsip123"

BASIC = dict(name="crm-lookup", type="DTMF", dtmf_mask="1", url="https://crm.example.com/a", auth="BASIC",
             username="pbxhook", password=PASSWORD)
BEARER = dict(name="vip", type="CALLER", caller_mask="100-199", url="https://crm.example.com/b", auth="BEARER", token=TOKEN)


def task(**args):
    return {"name": "Action URL", "portsip.pbx.ivr_action_url": args}


def stored_by_name(pbx, name):
    return next(item for item in pbx.action_urls() if item["name"] == name)


def issued_tokens(pbx):
    """Every access and refresh token the simulator has handed out to a login."""
    return set(pbx.sim.tokens.access) | set(pbx.sim.tokens.refresh)


def sent(run, field):
    """The values of ``field`` in the bodies the simulator received, in order: what really went over the wire."""
    return [entry["body"].get(field) for entry in run.received if isinstance(entry["body"], dict) and field in entry["body"]]


@pytest.mark.parametrize("secrets", ["clear", pytest.param("masked", marks=pytest.mark.smoke), "omitted"])
def test_no_secret_in_output_diff_or_log_even_at_vvv(pbx, secrets):
    pbx.sim.configure(secrets=secrets)
    env = pbx.connection_env(PORTSIP_ACCESS_TOKEN=None, PORTSIP_USERNAME="admin", PORTSIP_PASSWORD=LOGIN_PASSWORD,
                             PORTSIP_DOMAIN="demo.portsip.local")
    tasks = [
        task(ivr_id=pbx.ivr_id, **BASIC),
        task(ivr_id=pbx.ivr_id, **BEARER),
        task(ivr_id=pbx.ivr_id, **{**BASIC, "url": "https://crm.example.com/changed"}),
        task(ivr_id=pbx.ivr_id, update_secrets="always", **{**BASIC, "password": NEW_PASSWORD}),
        task(ivr_id=pbx.ivr_id, name="crm-lookup", state="absent"),
        {"name": "Info", "portsip.pbx.ivr_action_url_info": {"ivr_id": pbx.ivr_id}},
        # A task that fails must not leak either.
        dict(task(ivr_id=pbx.ivr_id, **{**BEARER, "name": "x" * 64 + "y"}), ignore_errors=True),
    ]
    runs = [pbx.run(tasks, check=True, diff=True, verbosity=3, env=env), pbx.run(tasks, diff=True, verbosity=3, env=env)]
    tokens = issued_tokens(pbx)
    assert tokens, "the tasks logged in with a password, so the simulator issued tokens"
    for run in runs:
        assert "PLAY RECAP" in run.output
        recorded = json.dumps(run.results)
        for secret in {PASSWORD, NEW_PASSWORD, TOKEN, LOGIN_PASSWORD} | tokens:
            assert not run.shows(secret) and secret not in recorded
    # The secrets did go over the wire, so not finding them in the output means something.
    assert LOGIN_PASSWORD in sent(runs[0], "password") and LOGIN_PASSWORD in sent(runs[1], "password")
    assert {PASSWORD, NEW_PASSWORD} <= set(sent(runs[1], "password")) and TOKEN in sent(runs[1], "token")
    assert runs[1].results[3]["changed"] is True
    assert runs[1].results[3]["diff"]["after"]["password"] == "******** (new value)"


@pytest.mark.parametrize("auth", ["BASIC", "DIGEST"])
@pytest.mark.parametrize("secrets", ["masked", "omitted"])
@pytest.mark.parametrize("update", ["keep", "reset"])
def test_an_update_never_wipes_a_secret(pbx, secrets, update, auth):
    pbx.sim.configure(secrets=secrets, update=update)
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [dict(BASIC, auth=auth), BEARER]}])
    run = pbx.run([task(ivr_id=pbx.ivr_id, **{**BASIC, "auth": auth, "enabled": True}),
                   task(ivr_id=pbx.ivr_id, **{**BEARER, "enabled": True})])
    assert run.rc == 0, run.output
    assert stored_by_name(pbx, "crm-lookup")["password"] == PASSWORD
    assert stored_by_name(pbx, "vip")["token"] == TOKEN
    # Each update carried the real secret, never the server's mask sent back.
    assert [(entry["body"].get("password"), entry["body"].get("token")) for entry in run.received_writes] == [(PASSWORD, None), (None, TOKEN)]


@pytest.mark.parametrize("auth", ["BASIC", "DIGEST"])
@pytest.mark.parametrize("secrets", ["masked", "omitted"])
def test_an_update_without_the_hidden_secret_is_refused_before_any_write(pbx, secrets, auth):
    pbx.sim.configure(secrets=secrets, update="reset")
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [dict(BASIC, auth=auth)]}])
    run = pbx.run([task(ivr_id=pbx.ivr_id, name="crm-lookup", enabled=True)])
    assert run.rc != 0
    assert "does not give back its stored password" in run.result["msg"]
    assert run.result["msg"].startswith("password: ") and "set it in the task, from your vault" in run.result["msg"]
    assert run.writes == []
    assert stored_by_name(pbx, "crm-lookup")["password"] == PASSWORD


def test_clear_secrets_are_compared_like_any_field(pbx):
    pbx.sim.configure(secrets="clear", update="reset")
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [BASIC]}])
    unchanged = pbx.run([task(ivr_id=pbx.ivr_id, **BASIC)])
    assert unchanged.result["changed"] is False and unchanged.writes == []
    partial = pbx.run([task(ivr_id=pbx.ivr_id, name="crm-lookup", enabled=True)])
    assert partial.result["changed"] is True, "a readable secret is sent back, so no password is needed in the task"
    assert stored_by_name(pbx, "crm-lookup")["password"] == PASSWORD
    rotated = pbx.run([task(ivr_id=pbx.ivr_id, **{**BASIC, "password": NEW_PASSWORD})], diff=True)
    assert rotated.result["changed"] is True
    assert rotated.result["diff"]["after"]["password"] == "******** (new value)"
    assert stored_by_name(pbx, "crm-lookup")["password"] == NEW_PASSWORD
    assert pbx.run([task(ivr_id=pbx.ivr_id, **{**BASIC, "password": NEW_PASSWORD})]).result["changed"] is False


@pytest.mark.parametrize("secrets", ["masked", "omitted"])
def test_update_secrets_decides_for_hidden_secrets(pbx, secrets):
    pbx.sim.configure(secrets=secrets)
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [BASIC]}])
    on_create = pbx.run([task(ivr_id=pbx.ivr_id, **{**BASIC, "password": NEW_PASSWORD})])
    assert on_create.result["changed"] is False and on_create.writes == []
    assert stored_by_name(pbx, "crm-lookup")["password"] == PASSWORD
    for attempt in ("first", "second"):
        always = pbx.run([task(ivr_id=pbx.ivr_id, update_secrets="always", **{**BASIC, "password": NEW_PASSWORD})])
        assert always.result["changed"] is True and len(always.writes) == 1, attempt
    assert stored_by_name(pbx, "crm-lookup")["password"] == NEW_PASSWORD


def test_a_secret_goes_along_with_another_change(pbx):
    pbx.sim.configure(secrets="masked", update="keep")
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [BASIC]}])
    run = pbx.run([task(ivr_id=pbx.ivr_id, **{**BASIC, "password": NEW_PASSWORD, "url": "https://crm.example.com/new"})], diff=True)
    assert run.result["changed"] is True
    assert run.result["diff"]["after"]["password"] == "******** (sent)"
    assert stored_by_name(pbx, "crm-lookup")["password"] == NEW_PASSWORD
