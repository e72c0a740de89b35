# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Credential headers of webhooks: never shown at -vvv --diff, never erased by leaving them out, in every server mode."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

BEARER = "hdr-Bearer-7f3KqP0x"
API_KEY = "hdr-apikey-Q8n2Wv5"
BULK_TOKEN = "hdr-bulktoken-Zr4T9m"
LEGACY = "hdr-legacy-L1m2N3o4"
SECRETS = (BEARER, API_KEY, BULK_TOKEN, LEGACY)

# The playbooks take the values from extra vars, as a vault would give them: ansible-core 2.19+ quotes the playbook's
# source lines around a failed task, which is Ansible's own output, not the modules'.
VARS = {"bearer": BEARER, "api_key": API_KEY, "bulk_token": BULK_TOKEN}
HOOK = dict(name="hook", type="DTMF", dtmf_mask="1", method="POST", url="https://crm.example.com/hook",
            headers={"X-App-ID": "crm"}, secret_headers={"Authorization": "Bearer {{ bearer }}"})
BULK = dict(name="bulk", type="CALLER", caller_mask="100-199", method="GET", url="https://crm.example.com/bulk",
            headers={"X-Env": "prod"}, secret_headers={"X-Auth-Token": "{{ bulk_token }}"})
LEGACY_STORED = dict(name="legacy", type="DTMF", dtmf_mask="9", method="GET", url="https://crm.example.com/legacy",
                     headers="Authorization:Bearer %s&X-A:1" % LEGACY)

# Every value of each switch; masked, where the modules cannot read the values back, with both update modes.
MODES = [("clear", "keep", 404), ("masked", "keep", 400), pytest.param("masked", "reset", 404, marks=pytest.mark.smoke),
         ("omitted", "reset", 400)]


def one(**args):
    return {"portsip.pbx.ivr_action_url": args}


def tasks(ivr_id):
    whole = "portsip.pbx.ivr_action_urls"
    return [
        dict(one(ivr_id=ivr_id, **HOOK), name="Create with a secret header"),
        # No secret_headers: a PBX that masks the stored value cannot be sent it back, so this one must refuse.
        dict(one(ivr_id=ivr_id, name="hook", enabled=True), name="Update leaving the secret header out", ignore_errors=True),
        dict(one(ivr_id=ivr_id, name="plain", type="DTMF", dtmf_mask="2", method="GET", url="https://crm.example.com/plain",
                 headers={"X-API-Key": "{{ api_key }}"}), name="A credential in plain headers"),
        {"name": "Declare a whole IVR", whole: {"config": [{"ivr_id": ivr_id, "action_urls": [BULK]}]}},
        {"name": "Export", whole: {"state": "gathered", "config": [{"ivr_id": ivr_id}]}, "register": "export"},
        # The export holds no credential header; applied back, it must keep every one of them.
        {"name": "Apply the export", whole: {"state": "overridden", "config": "{{ export.gathered }}"}},
        {"name": "Read", "portsip.pbx.ivr_action_url_info": {"ivr_id": ivr_id}},
        dict(one(ivr_id=ivr_id, name="legacy", secret_headers={"Authorization": ""}), name="Remove a credential header"),
    ]


def headers_of(pbx, name):
    return next(item for item in pbx.action_urls() if item["name"] == name)["headers"]


@pytest.mark.parametrize("secrets, update, unknown_id_status", MODES)
def test_secret_headers_round_trip_at_vvv_diff_without_showing_a_value(pbx, secrets, update, unknown_id_status):
    pbx.sim.configure(secrets=secrets, update=update, unknown_id_status=unknown_id_status)
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [LEGACY_STORED]}])
    play = tasks(pbx.ivr_id)
    runs = {}
    for step, check in (("check", True), ("apply", False), ("again", False), ("check again", True)):
        # Results carry the task's arguments (invocation) on every core: 2.21 adds them only when asked to.
        runs[step] = pbx.run(play, check=check, diff=True, verbosity=3, extra_vars=VARS,
                             env=dict(pbx.connection_env(), ANSIBLE_INJECT_INVOCATION="true"))
        run = runs[step]
        assert run.rc == 0, run.output
        recorded = json.dumps(run.results)
        for secret in SECRETS:
            assert not run.shows(secret) and secret not in recorded, (step, secret)
        if check:
            assert run.writes == [], step

    apply = runs["apply"].results
    refused = apply[1]
    if secrets == "masked":
        assert refused["outcome"] == "failed" and "secret_headers.Authorization" in refused["msg"]
    else:
        assert refused["changed"] is True
    assert apply[0]["diff"]["after"]["headers"] == "X-App-ID:crm&Authorization:********"
    assert any("X-API-Key" in warning and "secret_headers" in warning for warning in apply[2]["warnings"])
    assert apply[2]["invocation"]["module_args"]["headers"] == {"X-API-Key": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}
    assert [item.get("headers") for item in apply[4]["gathered"][0]["action_urls"]] == ["X-A:1", "X-App-ID:crm", None, "X-Env:prod"]
    assert apply[5]["changed"] is False
    assert {item["name"]: item.get("headers") for item in apply[6]["action_urls"]}["plain"] == "X-API-Key:********"
    assert apply[7]["changed"] is True
    for step in ("again", "check again"):
        assert [result.get("changed") for result in runs[step].results if result["outcome"] != "failed"] == [False] * (
            len(play) - (secrets == "masked")), step

    # The values did reach the PBX, and nothing a task left out was erased.
    sent = " ".join(str(entry["body"].get("headers")) for entry in runs["apply"].received_writes)
    assert all(secret in sent for secret in (BEARER, API_KEY, BULK_TOKEN))
    assert headers_of(pbx, "hook") == "X-App-ID:crm&Authorization:Bearer " + BEARER
    assert headers_of(pbx, "bulk") == "X-Env:prod&X-Auth-Token:" + BULK_TOKEN
    assert headers_of(pbx, "plain") == "X-API-Key:" + API_KEY
    assert headers_of(pbx, "legacy") == "X-A:1"


@pytest.mark.parametrize("secrets", ["clear", "masked", "omitted"])
def test_a_rotated_secret_header_is_sent_as_update_secrets_says(pbx, secrets):
    pbx.sim.configure(secrets=secrets)
    stored = {key: value for key, value in HOOK.items() if key != "secret_headers"}
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [dict(stored, headers="X-App-ID:crm&Authorization:Bearer old")]}])
    on_create = pbx.run([one(ivr_id=pbx.ivr_id, **HOOK)], diff=True, verbosity=3, extra_vars=VARS)
    # Readable, the value is compared; masked, it is not, unless update_secrets says always.
    assert on_create.result["changed"] is (secrets != "masked")
    always = pbx.run([one(ivr_id=pbx.ivr_id, update_secrets="always", **HOOK)], diff=True, verbosity=3, extra_vars=VARS)
    assert always.result["changed"] is (secrets == "masked")
    for run in (on_create, always):
        assert not run.shows(BEARER) and BEARER not in json.dumps(run.results)
    placeholder = "******** (sent)" if secrets == "masked" else "******** (new value)"
    shown = (on_create if secrets != "masked" else always).result["diff"]["after"]["headers"]
    assert shown == "X-App-ID:crm&Authorization:" + placeholder
    assert headers_of(pbx, "hook") == "X-App-ID:crm&Authorization:Bearer " + BEARER
