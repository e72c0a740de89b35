# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The example playbooks of docs/playbooks/ run as they are against the simulator, each checked for what it promises.

Playbooks with a guide page of their own are run by its tests (test_whole_ivrs_guide.py, test_drift_check.py,
test_login.py); a test below makes sure none is left unrun.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PLAYBOOKS = os.path.join(ROOT, "docs", "playbooks")
WEBHOOK_PASSWORD = "hookpass7731"
CRM = dict(name="crm-lookup", enabled=True, type="DTMF", dtmf_mask="1;2;3", method="POST",
           url="https://crm.example.com/portsip/route", auth="BASIC", username="pbxhook", password=WEBHOOK_PASSWORD)


def playbook(name):
    return os.path.join(PLAYBOOKS, name)


def connection_vars(pbx):
    """The variables module_defaults.yml and access_token.yml take the connection from."""
    return {"portsip_url": pbx.sim.base_url, "portsip_username": "admin", "portsip_password": "portsip123",
            "portsip_domain": "demo.portsip.local"}


def by_name(pbx):
    return {item["name"]: item for item in pbx.action_urls()}


def test_every_example_playbook_runs_in_the_integration_tests():
    tests = ""
    for path in glob.glob(os.path.join(HERE, "test_*.py")):
        with open(path, encoding="utf-8") as handle:
            tests += handle.read()
    unrun = [os.path.basename(path) for path in glob.glob(os.path.join(PLAYBOOKS, "*.yml"))
             if '"%s"' % os.path.basename(path) not in tests]
    assert unrun == []


def test_manage_converges_then_changes_nothing(pbx):
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [dict(CRM, name="survey", password="oldpass1")]}])
    extra_vars = {"crm_webhook_password": WEBHOOK_PASSWORD}
    run = pbx.run(None, playbook=playbook("manage.yml"), extra_vars=extra_vars, diff=True)
    assert run.rc == 0, run.output
    assert [result["changed"] for result in run.results] == [True, True, True]
    stored = by_name(pbx)
    assert sorted(stored) == ["crm-lookup", "vip-callers"]
    assert stored["crm-lookup"]["password"] == WEBHOOK_PASSWORD
    assert stored["crm-lookup"]["request_timeout"] == 5
    assert stored["vip-callers"]["caller_mask"] == "4930100-4930199;4940555"
    assert not run.shows(WEBHOOK_PASSWORD)

    again = pbx.run(None, playbook=playbook("manage.yml"), extra_vars=extra_vars)
    assert again.rc == 0, again.output
    assert not again.changed and again.writes == []


def test_audit_reports_plain_http_and_unauthenticated_hooks_and_writes_nothing(pbx):
    hook = dict(type="CALLER", caller_mask="100-199", method="GET")
    pbx.control.seed(ivrs=[
        {"id": pbx.ivr_id, "action_urls": [CRM, dict(hook, name="plain", enabled=True, url="http://intranet.example.com/hook")]},
        {"name": "Support", "extension_number": "8200",
         "action_urls": [dict(hook, name="dormant", enabled=False, url="http://old.example.com/hook")]}])
    run = pbx.run(None, playbook=playbook("audit.yml"), check=True)
    assert run.rc == 0, run.output
    assert run.writes == []
    listing, plain_http, no_auth = run.results[1:]
    assert sorted(listing["msg"]) == ["Main Menu | crm-lookup | https://crm.example.com/portsip/route",
                                      "Main Menu | plain | http://intranet.example.com/hook",
                                      "Support | dormant | http://old.example.com/hook"]
    assert [item["msg"] for item in plain_http["results"]] == ["Main Menu: plain calls http://intranet.example.com/hook"]
    assert [item["msg"] for item in no_auth["results"]] == ["Main Menu: plain uses auth DISABLE"]


def test_module_defaults_gives_every_task_the_connection(pbx):
    run = pbx.run(None, playbook=playbook("module_defaults.yml"), extra_vars=connection_vars(pbx), env={})
    assert run.rc == 0, run.output
    assert run.results[-1]["msg"] == ["support-desk"]
    assert by_name(pbx)["support-desk"]["dtmf_mask"] == "9"
    assert not run.shows("portsip123")


def test_rotate_secret_sends_the_password_on_every_run(pbx):
    # The PBX shows a stored password masked, so the module cannot see that it already holds this one: it sends it.
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM]}])
    run = pbx.run(None, playbook=playbook("rotate_secret.yml"), extra_vars={"crm_webhook_password": WEBHOOK_PASSWORD})
    assert run.rc == 0, run.output
    assert run.changed
    [write] = run.received_writes
    assert write["body"]["password"] == WEBHOOK_PASSWORD
    assert by_name(pbx)["crm-lookup"]["url"] == CRM["url"]
    assert not run.shows(WEBHOOK_PASSWORD)
