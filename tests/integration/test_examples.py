# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The modules' EXAMPLES run as written against the simulator."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import os

import pytest
import yaml

MODULES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "plugins", "modules")


def examples(module):
    with open(os.path.join(MODULES, module + ".py")) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "EXAMPLES":
            return yaml.safe_load(node.value.value)
    raise AssertionError("%s has no EXAMPLES" % module)


def example_vars(pbx):
    return {"portsip_url": pbx.sim.base_url, "portsip_username": "admin", "portsip_password": "portsip123",
            "portsip_domain": "demo.portsip.local", "crm_webhook_password": "hookpass7731", "crm_webhook_token": "tok-example",
            "crm_webhook_api_key": "key-example-42"}


def test_ivr_action_url_examples(pbx):
    run = pbx.run(examples("ivr_action_url"), extra_vars=example_vars(pbx), env={})
    assert run.rc == 0, run.output
    assert [result["changed"] for result in run.results] == [True, True, True, True, True]
    assert sorted(item["name"] for item in pbx.action_urls()) == ["vip-routing"]


@pytest.mark.parametrize("update", ["keep", "reset"])
def test_ivr_action_url_info_examples(pbx, update):
    # The simulator masks secrets: the move keeps each one only because the example gives it from its vault dict.
    pbx.control.configure(update=update)
    old = dict(type="DTMF", dtmf_mask="5", url="https://old-crm.example.com/hook", method="GET")
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [dict(old, name="crm-old"),
                                                              dict(old, name="crm-bearer", auth="BEARER", token="tok-bearer-1")]},
                           {"name": "Support", "extension_number": "8200",
                            "action_urls": [dict(old, name="support-old", auth="BASIC", username="pbxhook", password="hookpass42")]}])
    run = pbx.run(examples("ivr_action_url_info"), env={}, extra_vars=dict(
        example_vars(pbx), webhook_secrets={"crm-bearer": "tok-bearer-1", "support-old": "hookpass42"}))
    assert run.rc == 0, run.output
    assert [item["name"] for item in run.results[0]["action_urls"]] == ["crm-old", "crm-bearer"]
    assert sorted(run.results[2]["msg"]) == ["Main Menu", "Support"]
    assert run.results[3]["changed"] is True
    stored = {item["name"]: item for ivr in pbx.control.state()["ivrs"] for item in ivr["action_urls"]}
    assert {item["url"] for item in stored.values()} == {"https://crm.example.com/hook"}
    assert (stored["crm-bearer"]["token"], stored["support-old"]["password"]) == ("tok-bearer-1", "hookpass42")


@pytest.mark.smoke
def test_ivr_action_urls_examples(pbx):
    run = pbx.run(examples("ivr_action_urls"), extra_vars=example_vars(pbx), env={})
    assert run.rc == 0, run.output
    assert [result["changed"] for result in run.results] == [True, False, False, False, True]
    assert [ivr["ivr"] for ivr in run.results[1]["gathered"]] == ["8000"]
    assert [item["name"] for item in pbx.action_urls()] == ["crm-lookup"]
    assert pbx.action_urls()[0]["password"] == "hookpass7731"


@pytest.mark.smoke
def test_login_examples(pbx):
    run = pbx.run(examples("login"), extra_vars=example_vars(pbx), env={})
    assert run.rc == 0, run.output
    assert [entry["path"] for entry in run.log].count("/api/login/oauth/token") == 1
    assert [item["name"] for item in pbx.action_urls()] == ["support-desk"]
