# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""portsip.pbx.login: both login flows, refusals, TLS, and a play that logs in once."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import json
import os

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOGIN_PASSWORD = "portsip123"
ACCOUNT = {"pbx_username": "admin", "pbx_password": LOGIN_PASSWORD, "pbx_domain": "demo.portsip.local"}
OAUTH = "/api/login/oauth/token"
SIGN_IN = "/api/auth/sign_in"
LOGINS = (OAUTH, SIGN_IN)
CRM = dict(ivr="8000", name="crm-lookup", type="DTMF", dtmf_mask="1", method="POST", url="https://crm.example.com/portsip/route")


def login_tasks(pbx, **options):
    """Log in, then keep the registered result in a file for the test to read (the console never shows it)."""
    saved = pbx.tmp_path / "login.json"
    return saved, [
        {"name": "Log in", "portsip.pbx.login": dict(pbx_url=pbx.sim.base_url, **options), "register": "portsip_login"},
        {"name": "Keep the result", "no_log": True,
         "ansible.builtin.copy": {"content": "{{ portsip_login | to_json }}", "dest": str(saved), "mode": "0600"}},
    ]


def one_play(tasks, **defaults):
    """A play whose module_defaults hand the registered token to every task after the login."""
    defaults.setdefault("pbx_access_token", "{{ portsip_login.access_token | default(omit) }}")
    return [{"name": "Test", "hosts": "localhost", "gather_facts": False,
             "module_defaults": {"group/portsip.pbx.pbx": defaults}, "tasks": tasks}]


def logins(run):
    return [entry["path"] for entry in run.log if entry["path"] in LOGINS]


@pytest.mark.parametrize("oauth_endpoint, flow, check", [
    pytest.param(True, [OAUTH], False, id="oauth", marks=pytest.mark.smoke),
    pytest.param(False, [OAUTH, SIGN_IN], False, id="sign_in"),
    pytest.param(True, [OAUTH], True, id="oauth,check_mode"),
])
def test_each_login_flow_returns_a_working_token_that_stays_hidden(pbx, oauth_endpoint, flow, check):
    pbx.control.configure(oauth_endpoint=oauth_endpoint)
    saved, tasks = login_tasks(pbx, **ACCOUNT)
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    run = pbx.run(tasks, check=check, env={})
    assert run.rc == 0, run.output
    assert logins(run) == flow
    answer = json.loads(saved.read_text()) if not check else None
    login = run.results[0]
    assert login["changed"] is False
    assert "access_token" not in login and "censored" in login
    if answer is not None:
        assert set(answer) >= {"access_token", "token_type", "expires_in", "expires_at"}
        assert "refresh_token" not in answer
        assert answer["access_token"] in pbx.sim.tokens.access
        assert (answer["token_type"], answer["expires_in"]) == ("Bearer", 1800)
        expires_at = datetime.datetime.strptime(answer["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
        assert before + datetime.timedelta(seconds=1800) <= expires_at <= before + datetime.timedelta(seconds=1800 + 60)
    for token in pbx.sim.tokens.access:
        assert not run.shows(token)
    assert not run.shows(LOGIN_PASSWORD)


def test_a_refused_login_fails_clearly(pbx):
    _saved, tasks = login_tasks(pbx, pbx_username="admin", pbx_password="wrong-pass", pbx_domain="demo.portsip.local")
    run = pbx.run(tasks[:1], env={})
    assert run.rc != 0
    assert "login refused" in run.result["msg"] and "pbx_password" in run.result["msg"]
    assert "access_token" not in run.result
    assert not run.shows("wrong-pass")


@pytest.mark.parametrize("options, message", [
    ({}, "pbx_username and pbx_password: both are required"),
    ({"pbx_access_token": "a-token-will-not-do"}, "pbx_username and pbx_password: both are required"),
    ({"pbx_username": "admin"}, "parameters are required together: pbx_username, pbx_password"),
    ({"pbx_username": "", "pbx_password": ""}, "pbx_username and pbx_password: both are required"),
])
def test_without_the_account_it_fails_before_any_request(pbx, options, message):
    _saved, tasks = login_tasks(pbx, **options)
    run = pbx.run(tasks[:1], env={})
    assert run.rc != 0
    assert message in run.result["msg"]
    assert run.log == []


@pytest.mark.parametrize("oauth_endpoint", [True, False], ids=["oauth", "sign_in"])
def test_an_account_with_two_factor_authentication_is_refused(pbx, oauth_endpoint):
    pbx.control.configure(oauth_endpoint=oauth_endpoint)
    pbx.control.seed(users=[{"username": "twofactor", "password": "pass2fa99", "two_factor_enabled": True}])
    _saved, tasks = login_tasks(pbx, pbx_username="twofactor", pbx_password="pass2fa99", pbx_domain="demo.portsip.local")
    run = pbx.run(tasks[:1], env={})
    assert run.rc != 0
    assert "two-factor authentication" in run.result["msg"]
    assert "access_token" not in run.result


@pytest.mark.parametrize("tls_options, works", [
    ({"pbx_ca_path": "<ca>"}, True),
    ({"pbx_validate_certs": False}, True),
    ({}, False),
], ids=["private CA", "no verification", "unknown CA"])
def test_tls_options(tls_pbx, tls_options, works):
    options = {key: tls_pbx.sim.ca_file if value == "<ca>" else value for key, value in tls_options.items()}
    _saved, tasks = login_tasks(tls_pbx, **dict(ACCOUNT, **options))
    run = tls_pbx.run(tasks[:1], env={})
    if works:
        assert run.rc == 0, run.output
        assert logins(run) == [OAUTH]
    else:
        assert run.rc != 0
        assert run.result["msg"].startswith("POST /login/oauth/token: TLS failed") and "pbx_ca_path" in run.result["msg"]
        assert run.log == []


@pytest.mark.smoke
def test_a_play_logs_in_once_and_every_task_uses_the_token(pbx):
    saved, tasks = login_tasks(pbx)
    for number in range(1, 4):
        tasks.append({"name": "Declare key %d" % number,
                      "portsip.pbx.ivr_action_url": dict(CRM, name="hook-%d" % number, dtmf_mask=str(number))})
        tasks.append({"name": "Read after key %d" % number, "portsip.pbx.ivr_action_url_info": {"ivr": "8000"}})
    run = pbx.run(None, plays=one_play(tasks, pbx_url=pbx.sim.base_url, **ACCOUNT), env={})
    assert run.rc == 0, run.output
    assert logins(run) == [OAUTH]
    assert sorted(item["name"] for item in pbx.action_urls()) == ["hook-1", "hook-2", "hook-3"]
    assert not run.shows(json.loads(saved.read_text())["access_token"])


def test_a_play_longer_than_the_token_life_logs_in_again_when_needed(pbx):
    pbx.control.configure(token_ttl=3)
    _saved, tasks = login_tasks(pbx)
    tasks += [
        {"name": "Declare with a fresh token", "portsip.pbx.ivr_action_url": CRM},
        {"name": "Outlive the token", "ansible.builtin.pause": {"seconds": 4}},
        {"name": "Read with the expired token", "portsip.pbx.ivr_action_url_info": {"ivr": "8000"}, "register": "read"},
        {"name": "Change with the expired token", "portsip.pbx.ivr_action_url": dict(CRM, dtmf_mask="2")},
    ]
    run = pbx.run(None, plays=one_play(tasks, pbx_url=pbx.sim.base_url, **ACCOUNT), env={})
    assert run.rc == 0, run.output
    # The play's login, then one more login for each task the PBX refused the old token (401): at least the two
    # after the pause (on a busy machine the token may run out before the first task too).
    refused = [entry for entry in run.log if entry["status"] == 401]
    assert len(refused) >= 2 and logins(run) == [OAUTH] * (1 + len(refused))
    assert run.log[0]["path"] == OAUTH
    assert [item["dtmf_mask"] for item in pbx.action_urls()] == ["2"]


@pytest.mark.smoke
def test_no_token_in_the_output_at_the_highest_verbosity(pbx):
    saved, tasks = login_tasks(pbx)
    tasks.append({"name": "Use the token", "portsip.pbx.ivr_action_url_info": {"ivr": "8000"}})
    tasks.append({"name": "Register it, print no more than its length",
                  "ansible.builtin.debug": {"msg": "token of {{ portsip_login.access_token | length }} characters"}})
    run = pbx.run(None, plays=one_play(tasks, pbx_url=pbx.sim.base_url, **ACCOUNT), env={}, verbosity=6)
    assert run.rc == 0, run.output
    token = json.loads(saved.read_text())["access_token"]
    assert "token of %d characters" % len(token) in run.output
    assert not run.shows(token)
    assert not run.shows(LOGIN_PASSWORD)


def test_the_guide_playbook_logs_in_once(pbx):
    with open(os.path.join(ROOT, "docs", "playbooks", "access_token.yml")) as handle:
        plays = yaml.safe_load(handle)
    extra_vars = {"portsip_url": pbx.sim.base_url, "portsip_username": "admin", "portsip_password": LOGIN_PASSWORD,
                  "portsip_domain": "demo.portsip.local"}
    run = pbx.run(None, plays=plays, extra_vars=extra_vars, env={})
    assert run.rc == 0, run.output
    assert logins(run) == [OAUTH]
    assert [item["name"] for item in pbx.action_urls()] == ["support-desk"]
