# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Declarations as admins really build them: from the collection's own results, from templates that drop keys, and
from exports of older PBXs. Nothing is lost, no mask is ever sent, no secret shown, in every server mode, at -vvv."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

TOKEN = "tok-Fb81-secret-bearer"
API_KEY = "hdr-apikey-Fb2Wv5x"
SUBSCRIPTION = "hdr-subscr-Q9m3Lk7"
TENANT = "hdr-tenant-P4d8Rw2"
SECRETS = (TOKEN, API_KEY, SUBSCRIPTION, TENANT)
PLACEHOLDERS = ("********", "******")
VARS = {"token": TOKEN, "api_key": API_KEY, "subscription": SUBSCRIPTION, "tenant": TENANT}
HOOK = dict(name="hook", enabled=True, type="DTMF", dtmf_mask="1", method="POST", url="https://crm.example.com/hook",
            auth="BEARER", token=TOKEN, headers="X-App-ID:crm&X-Api-Key:" + API_KEY)
# Every value of each switch that decides whether a secret can be read back and kept by an update.
MODES = [("clear", "keep"), ("masked", "keep"), pytest.param("masked", "reset", marks=pytest.mark.smoke), ("omitted", "reset")]
SET = "portsip.pbx.ivr_action_urls"


def hook(pbx):
    return next(item for item in pbx.action_urls() if item["name"] == "hook")


def writes(result):
    return [entry for entry in result["sim_requests"] if entry["write"]]


def recorded(run):
    """The results as a callback sees them, without the simulator's own request log that the test attaches."""
    return json.dumps([{key: value for key, value in result.items() if key != "sim_requests"} for result in run.results])


def assert_nothing_shown_and_no_mask_sent(run):
    shown = recorded(run)
    for secret in SECRETS:
        assert not run.shows(secret) and secret not in shown, secret
    for entry in run.received_writes:
        body = json.dumps(entry["body"])
        assert not any(placeholder in body for placeholder in PLACEHOLDERS), entry


def rollback_play(ivr_id):
    item_with_secrets = ("{{ [change.before[0] | combine({'action_urls': [change.before[0].action_urls[0] | combine("
                         "{'token': token, 'secret_headers': {'X-Api-Key': api_key}})]})] }}")
    return [
        {"name": "Move the hook", SET: {"config": [{"ivr_id": ivr_id, "action_urls": [
            {"name": "hook", "url": "https://moved.example.com/hook", "token": "{{ token }}",
             "secret_headers": {"X-Api-Key": "{{ api_key }}"}}]}]}, "register": "change"},
        {"name": "Roll back with its before", SET: {"config": "{{ change.before }}"}, "ignore_errors": True},
        {"name": "Roll back with its before and the secrets from the vault", SET: {"config": item_with_secrets}},
    ]


@pytest.mark.parametrize("secrets, update", MODES)
def test_a_rollback_with_before_keeps_every_secret_or_names_what_to_add(pbx, secrets, update):
    pbx.sim.configure(secrets=secrets, update=update)
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [HOOK]}])
    check = pbx.run(rollback_play(pbx.ivr_id), check=True, diff=True, verbosity=3, extra_vars=VARS)
    assert check.rc == 0 and check.writes == [], check.output
    run = pbx.run(rollback_play(pbx.ivr_id), diff=True, verbosity=3, extra_vars=VARS)
    assert run.rc == 0, run.output
    assert_nothing_shown_and_no_mask_sent(run)
    moved, rolled, with_vault = run.results
    assert moved["changed"] is True
    assert moved["before"][0]["action_urls"][0].get("token") == (None if secrets == "omitted" else "********")
    if secrets == "clear":
        # The PBX gives the secrets back: the masks keep them, and the rollback needs nothing else.
        assert rolled["changed"] is True and [change["fields"] for change in rolled["changes"]] == [["url"]]
        assert with_vault["changed"] is False
    else:
        # An update without the secret could erase it: refused before any write, naming each place to add it.
        assert rolled["outcome"] == "failed" and writes(rolled) == []
        assert rolled["msg"].startswith("config[0].action_urls[0].token: action URL 'hook' needs an update, but the PBX "
                                        "does not give back its stored token")
        assert ("config[0].action_urls[0].secret_headers.X-Api-Key: " in rolled["msg"]) is (secrets == "masked")
        assert with_vault["changed"] is True
    stored = hook(pbx)
    assert (stored["url"], stored["token"], stored["headers"]) == (HOOK["url"], TOKEN, HOOK["headers"])


def fed_back_play(ivr_id):
    """Every result the collection gives, applied again as it is: none of them may change or send anything."""
    copy = {option: "{{ info.action_urls[0].%s | default(omit) }}" % option for option in ("url", "token", "headers", "auth", "dtmf_mask")}
    return [
        {"name": "Declare the hook", SET: {"config": [{"ivr_id": ivr_id, "action_urls": [
            dict({key: value for key, value in HOOK.items() if key != "headers"}, token="{{ token }}",
                 headers={"X-App-ID": "crm"}, secret_headers={"X-Api-Key": "{{ api_key }}"})]}]}, "register": "declared"},
        {"name": "Apply its after", SET: {"config": "{{ declared.after }}"}},
        {"name": "Apply its before, replaced", SET: {"config": "{{ declared.before }}", "state": "replaced"}},
        {"name": "Read", "portsip.pbx.ivr_action_url_info": {"ivr_id": ivr_id}, "register": "info"},
        {"name": "Copy the info item", "portsip.pbx.ivr_action_url": dict(copy, ivr_id=ivr_id, name="hook"),
         "register": "declared_one"},
        {"name": "Apply the one-action-URL result", "portsip.pbx.ivr_action_url": dict(
            ivr_id=ivr_id, name="hook", token="{{ declared_one.action_url.token | default(omit) }}",
            headers="{{ declared_one.action_url.headers }}")},
        {"name": "Export", SET: {"state": "gathered", "config": [{"ivr_id": ivr_id}]}, "register": "export"},
        {"name": "Apply the export, overridden", SET: {"state": "overridden", "config": "{{ export.gathered }}"}},
    ]


@pytest.mark.parametrize("secrets, update", MODES)
def test_results_and_info_items_applied_again_change_nothing(pbx, secrets, update):
    pbx.sim.configure(secrets=secrets, update=update)
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [HOOK]}])
    for check in (True, False, False, True):
        run = pbx.run(fed_back_play(pbx.ivr_id), check=check, diff=True, verbosity=3, extra_vars=VARS)
        assert run.rc == 0, run.output
        assert [result["changed"] for result in run.results] == [False] * len(run.results), run.output
        assert run.writes == []
        assert_nothing_shown_and_no_mask_sent(run)
    assert run.results[3]["action_urls"][0].get("token") == (None if secrets == "omitted" else "********")
    assert run.results[3]["action_urls"][0]["headers"] == "X-App-ID:crm&X-Api-Key:********"
    assert hook(pbx) == dict(HOOK, id=hook(pbx)["id"], caller_mask=None, connection_timeout=2, request_timeout=2,
                             username=None, password=None)


@pytest.mark.parametrize("action_urls", ["{{ retired | default(omit) }}", None])
def test_deleted_with_no_list_deletes_nothing(pbx, action_urls):
    # What a template that drops the key, or a commented-out last item, leaves: it must never mean "all".
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [HOOK]}])
    run = pbx.run([{"name": "Retire", SET: {"state": "deleted", "config": [{"ivr_id": pbx.ivr_id, "action_urls": action_urls}]}}])
    assert run.rc != 0 and run.writes == []
    assert run.result["msg"] == ("config[0].action_urls: required with state=deleted; to delete every action URL of the "
                                 "virtual receptionist, use state=overridden with action_urls: []")
    assert [item["name"] for item in pbx.action_urls()] == ["hook"]


LEGACY = dict(name="legacy", type="DTMF", dtmf_mask="1;2;1", method="GET", url="https://old.example.com/legacy")
LEGACY_USER = dict(name="legacy-user", type="DTMF", dtmf_mask="9", method="GET", url="https://old.example.com/user",
                   auth="BASIC", username="Pbxhook1", password="hookpass42")


def legacy_play(ivr_id, other_ivr_id):
    return [
        {"name": "Export", SET: {"state": "gathered", "config": [{"ivr_id": ivr_id}]}, "register": "export"},
        {"name": "Apply the export", SET: {"state": "overridden", "config": "{{ export.gathered }}"}},
        {"name": "Edit the legacy mask's URL", SET: {"config": [{"ivr_id": ivr_id, "action_urls": [
            dict(LEGACY, url="https://new.example.com/legacy")]}]}},
        {"name": "Copy it to another IVR", SET: {"config": [{"ivr_id": other_ivr_id, "action_urls": [LEGACY]}]},
         "ignore_errors": True},
    ]


def test_an_export_from_an_older_pbx_applies_again(pbx):
    pbx.sim.configure(legacy_values=True)
    created = pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [LEGACY, LEGACY_USER]},
                                     {"name": "Support", "extension_number": "8200"}])
    pbx.sim.configure(legacy_values=False)  # upgraded to 22.6 since: it refuses such values when they are sent
    play = legacy_play(pbx.ivr_id, created["ivrs"][1]["id"])
    runs = [pbx.run(play, check=check, diff=True) for check in (True, False, False, True)]
    for run in runs:
        assert run.rc == 0, run.output
        export, applied, edited, copied = run.results
        assert applied["changed"] is False
        assert copied["outcome"] == "failed" and writes(copied) == []
        assert copied["msg"] == ("config[0].action_urls[0].dtmf_mask: entry '1' appears more than once; the PBX (22.6+) "
                                 "refuses repeated entries")
    assert [run.results[2]["changed"] for run in runs] == [True, True, False, False]
    assert runs[0].writes == [] and runs[3].writes == []
    assert [item["dtmf_mask"] for item in runs[0].results[0]["gathered"][0]["action_urls"]] == ["1;2;1", "9"]
    stored = {item["name"]: item for item in pbx.action_urls()}
    # The update sent each entry once, which the upgraded PBX accepts; the user name it holds is kept.
    assert (stored["legacy"]["url"], stored["legacy"]["dtmf_mask"]) == ("https://new.example.com/legacy", "1;2")
    assert (stored["legacy-user"]["username"], stored["legacy-user"]["password"]) == ("Pbxhook1", "hookpass42")


def test_secret_headers_of_any_name_are_hidden_and_headers_must_be_strings(pbx):
    tasks = [
        {"name": "Secret headers the webhook names", "portsip.pbx.ivr_action_url": dict(
            ivr_id=pbx.ivr_id, name="azure", type="DTMF", dtmf_mask="3", method="POST", url="https://apim.example.com/route",
            headers={"X-App-ID": "crm"}, secret_headers={"Ocp-Apim-Subscription-Key": "{{ subscription }}", "X-Tenant": "{{ tenant }}"})},
        {"name": "A YAML boolean as a header value", "portsip.pbx.ivr_action_url": dict(
            ivr_id=pbx.ivr_id, name="azure", headers={"X-Debug": True}), "ignore_errors": True},
    ]
    run = pbx.run(tasks, diff=True, verbosity=3, extra_vars=VARS)
    assert run.rc == 0, run.output
    created, boolean = run.results
    assert created["diff"]["after"]["headers"] == "X-App-ID:crm&Ocp-Apim-Subscription-Key:********&X-Tenant:********"
    assert any("X-Tenant is hidden in this task's output" in warning for warning in created["warnings"])
    assert not any("Ocp-Apim" in warning for warning in created["warnings"])
    assert boolean["outcome"] == "failed" and boolean["msg"] == (
        "headers: the value of header 'X-Debug' must be a string, got bool (quote it in YAML)")
    for secret in (SUBSCRIPTION, TENANT):
        assert not run.shows(secret) and secret not in recorded(run)
    assert {item["name"]: item for item in pbx.action_urls()}["azure"]["headers"] == (
        "X-App-ID:crm&Ocp-Apim-Subscription-Key:%s&X-Tenant:%s" % (SUBSCRIPTION, TENANT))
