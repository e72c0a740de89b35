# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""portsip.pbx.ivr_action_urls in real playbooks: each state in every server mode, round trips,
bad input, failures halfway, and the requests each task makes.

A scenario is one playbook of four tasks (check, apply, apply again, check again); the callback
plugin attaches to each task's result the simulator requests made during that task.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from conftest import path_pattern, sent_path
from test_ivr_action_url_lifecycle import MODES

PASSWORD = "hookpass7731"
TOKEN = "tok-Zq81-secret-bearer"
CRM = dict(name="crm-lookup", enabled=True, type="DTMF", dtmf_mask="1;2;3", method="POST", url="https://crm.example.com/route",
           headers="X-App-ID:crm", request_timeout=5, auth="BASIC", username="pbxhook", password=PASSWORD)
STRAY = dict(name="console-added", type="CALLER", caller_mask="4930100-4930199", method="GET", url="http://old.example.com/")
VIP = dict(name="vip", type="CALLER", caller_mask="100-199", url="https://crm.example.com/vip", auth="BEARER", token=TOKEN)
FRESH = dict(name="fresh", type="DTMF", dtmf_mask="7", url="https://crm.example.com/fresh")
OTHER = dict(name="other", type="DTMF", dtmf_mask="9", url="https://other.example.com/")

# The declaration of each state, over Main Menu (by number), Support (by id) and Sales, which is never listed.
# `expect`: the writes, in order, as (action, IVR, name); `stored`: each listed IVR's names afterwards.
SCENARIOS = {
    "merged": dict(
        main=[dict(name="crm-lookup", url="https://crm2.example.com/route", password=PASSWORD), FRESH],
        support=[dict(name="vip", enabled=True, token=TOKEN)],
        expect=[("update", "main", "crm-lookup"), ("create", "main", "fresh"), ("update", "support", "vip")],
        stored=dict(main=["crm-lookup", "console-added", "fresh"], support=["vip"])),
    "replaced": dict(
        main=[{key: value for key, value in CRM.items() if key not in ("headers", "request_timeout")}, FRESH],
        support=[dict(VIP, enabled=True)],
        expect=[("update", "main", "crm-lookup"), ("create", "main", "fresh"), ("update", "support", "vip")],
        stored=dict(main=["crm-lookup", "console-added", "fresh"], support=["vip"])),
    "overridden": dict(
        main=[dict(CRM, headers={"X-App-ID": "crm"}), FRESH],
        support=[],
        expect=[("delete", "main", "console-added"), ("create", "main", "fresh"), ("delete", "support", "vip")],
        stored=dict(main=["crm-lookup", "fresh"], support=[])),
    "deleted": dict(
        main=[dict(name="console-added"), dict(name="never-there")],
        support=[dict(name="vip")],
        expect=[("delete", "main", "console-added"), ("delete", "support", "vip")],
        stored=dict(main=["crm-lookup"], support=[])),
}


def seed(pbx):
    """Main Menu holds CRM and STRAY, Support (8200) VIP, Sales (8300) OTHER; returns the IVR ids by role."""
    created = pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM, STRAY]},
                                     {"name": "Support", "extension_number": "8200", "action_urls": [VIP]},
                                     {"name": "Sales", "extension_number": "8300", "action_urls": [OTHER]}])
    return dict(main=pbx.ivr_id, support=created["ivrs"][1]["id"], sales=created["ivrs"][2]["id"])


def names(pbx, ivr_id):
    return [item["name"] for item in pbx.action_urls(ivr_id)]


def writes(result):
    return [entry for entry in result["sim_requests"] if entry["write"]]


def task(title, check=False, **args):
    step = {"name": title, "portsip.pbx.ivr_action_urls": args, "diff": True}
    if check:
        step["check_mode"] = True
    return step


def four_steps(args):
    return [task("Check", check=True, **args), task("Apply", **args), task("Apply again", **args),
            task("Check again", check=True, **args)]


def without_create_ids(changes):
    return [{key: value for key, value in change.items() if not (key == "id" and change["action"] == "create")}
            for change in changes]


@pytest.mark.parametrize("secrets, update", MODES)
@pytest.mark.parametrize("state", list(SCENARIOS))
def test_check_apply_apply_check(pbx, state, secrets, update):
    case = SCENARIOS[state]
    pbx.sim.configure(secrets=secrets, update=update)
    ids = seed(pbx)
    sales_before = pbx.action_urls(ids["sales"])
    support = dict(ivr_id=ids["support"], action_urls=case["support"])
    args = dict(config=[dict(ivr="8000", action_urls=case["main"]), support], state=state)

    run = pbx.run(four_steps(args), verbosity=3)
    assert run.rc == 0, run.output
    check, apply, again, check_again = run.results
    expected = [(action, ids[ivr], name) for action, ivr, name in case["expect"]]

    assert check["changed"] is True and writes(check) == []
    assert [(change["action"], change["ivr_id"], change["name"]) for change in check["changes"]] == expected
    assert all(("id" in change) == (change["action"] != "create") for change in check["changes"])

    assert apply["changed"] is True
    # IVRs are written side by side: each IVR's writes keep their order, and the result lists them as planned.
    assert [(change["action"], change["ivr_id"], change["name"]) for change in apply["changes"]] == expected
    for role in ("main", "support"):
        path = sent_path("/api/ivrs/%s/action_urls", ids[role])
        assert [(entry["path"].endswith("/destroy"), entry["path"] == path) for entry in writes(apply) if entry["path"].startswith(path)] == [
            (action == "delete", action == "create") for action, ivr, _name in case["expect"] if ivr == role], "one write per change, in order"
    # Check mode predicted what the real run did.
    assert check["changes"] == without_create_ids(apply["changes"])
    assert check["diff"] == apply["diff"] and check["after"] == apply["after"] and check["before"] == apply["before"]
    assert len(apply["diff"]) == len(expected)

    for step in (again, check_again):
        assert step["changed"] is False and step["changes"] == [] and step["diff"] == [], step["task"]
        # One listing of /ivrs for the number, one read per listed IVR, nothing else.
        assert sorted(entry["path"] for entry in step["sim_requests"]) == sorted(
            ["/api/ivrs", sent_path("/api/ivrs/%s/action_urls", ids["main"]), sent_path("/api/ivrs/%s/action_urls", ids["support"])])
        assert step["after"] == step["before"]

    assert names(pbx, ids["main"]) == case["stored"]["main"] and names(pbx, ids["support"]) == case["stored"]["support"]
    assert pbx.action_urls(ids["sales"]) == sales_before, "an IVR that is not listed is never touched"
    stored = {item["name"]: item for item in pbx.action_urls(ids["main"]) + pbx.action_urls(ids["support"])}
    if "crm-lookup" in stored:
        assert stored["crm-lookup"]["password"] == PASSWORD, "a secret left out or hidden is never wiped"
    if "vip" in stored:
        assert stored["vip"]["token"] == TOKEN and stored["vip"]["enabled"] is True
    if state == "replaced":
        assert (stored["crm-lookup"]["headers"], stored["crm-lookup"]["request_timeout"]) == ("", 2)
    recorded = json.dumps(run.results)
    assert PASSWORD not in recorded and TOKEN not in recorded and not run.shows(PASSWORD) and not run.shows(TOKEN)


@pytest.mark.parametrize("secrets, update", MODES)
def test_the_gathered_config_applies_with_no_write(pbx, secrets, update):
    pbx.sim.configure(secrets=secrets, update=update)
    seed(pbx)
    again = dict(config="{{ export.gathered }}")
    tasks = [dict(task("Export every IVR", state="gathered"), register="export"),
             task("Apply it merged", state="merged", **again),
             task("Apply it replaced", state="replaced", **again),
             task("Apply it overridden", state="overridden", **again)]
    run = pbx.run(tasks)
    assert run.rc == 0, run.output
    gathered = run.results[0]["gathered"]
    assert [ivr["ivr"] for ivr in gathered] == ["8000", "8200", "8300"]
    assert gathered[0]["action_urls"][0] == {key: value for key, value in CRM.items() if key != "password"} | dict(
        enabled=True, connection_timeout=2)
    assert "password" not in json.dumps(gathered) and "token" not in json.dumps(gathered) and "**" not in json.dumps(gathered)
    for result in run.results[1:]:
        assert result["changed"] is False and result["changes"] == [], result["task"]
    assert run.writes == []
    assert len(run.results[0]["sim_requests"]) == 4, "the pages of /ivrs and one read per IVR"


BAD_INPUT = [
    ("a bad value deep down", dict(config=[
        dict(ivr="8000", action_urls=[FRESH]),
        dict(ivr="8200", action_urls=[dict(FRESH, name="a"), dict(FRESH, name="b"), dict(FRESH, name="c", dtmf_mask="9-1")])]),
     "config[1].action_urls[2].dtmf_mask: range '9-1' has its low end above its high end"),
    ("a name listed twice", dict(config=[dict(ivr="8000", action_urls=[FRESH, dict(FRESH, url="https://b.example.com/")])]),
     "config[0].action_urls[1].name: 'fresh' is also listed at config[0].action_urls[0]"),
    ("an IVR listed twice, by number and by id", dict(config=[dict(ivr="8000", action_urls=[FRESH]), dict(ivr_id="<main>")]),
     "config[1]: virtual receptionist <main> (name 'Main Menu', extension 8000) is also listed at config[0]"),
    ("an unknown IVR", dict(config=[dict(ivr="8000", action_urls=[FRESH]), dict(ivr="9999", action_urls=[FRESH])]),
     "config[1].ivr: no virtual receptionist has the name or extension number '9999'"),
    ("an ambiguous IVR", dict(config=[dict(ivr="Twin", action_urls=[FRESH])]),
     "config[0].ivr: 2 virtual receptionists match 'Twin'; use ivr_id to pick one"),
    ("an unknown IVR id beside a number", dict(config=[dict(ivr="8000", action_urls=[FRESH]), dict(ivr_id="Tm9TdWNoSVZS")]),
     "config[1].ivr_id: no virtual receptionist has the id 'Tm9TdWNoSVZS'"),
    ("an unknown IVR id", dict(config=[dict(ivr_id="<main>", action_urls=[FRESH]), dict(ivr_id="Tm9TdWNoSVZS", action_urls=[FRESH])]),
     "GET /ivrs/Tm9TdWNoSVZS/action_urls: HTTP 404: virtual receptionist with id 'Tm9TdWNoSVZS' was not found"),
    ("an incomplete item under replaced", dict(state="replaced", config=[dict(ivr="8000", action_urls=[dict(name="crm-lookup", url=CRM["url"])])]),
     "config[0].action_urls[0]: state=replaced makes the action URL exactly as declared, so it needs: type"),
    ("an incomplete item under overridden", dict(state="overridden", config=[dict(ivr="8000", action_urls=[dict(name="crm-lookup", type="CALLER")])]),
     "config[0].action_urls[0]: state=overridden makes the action URL exactly as declared, so it needs: url, caller_mask"),
    ("overridden without action_urls", dict(state="overridden", config=[dict(ivr="8000")]),
     "config[0].action_urls: required with state=overridden"),
    ("a create that lacks options", dict(config=[dict(ivr="8000", action_urls=[FRESH, dict(name="new", url="https://n.example.com/")])]),
     "config[0].action_urls[1]: action URL 'new' does not exist yet; to create it, also set: type"),
    ("a hidden secret an update would risk", dict(config=[dict(ivr="8000", action_urls=[FRESH, dict(name="crm-lookup", enabled=False)])]),
     "config[0].action_urls[1].password: action URL 'crm-lookup' needs an update, but the PBX does not give back its stored password"),
    ("a name two stored action URLs share", dict(config=[dict(ivr="8000", action_urls=[FRESH]), dict(ivr="8200", action_urls=[dict(name="dup")])]),
     "config[1].action_urls[0]: 2 action URLs are named 'dup'"),
    ("parallelism 0", dict(parallelism=0, config=[dict(ivr="8000", action_urls=[FRESH])]), "parallelism: must be a whole number, 1 or greater, got 0"),
    ("no config", dict(state="merged"), "state is merged but all of the following are missing: config"),
    ("both ivr and ivr_id", dict(config=[dict(ivr="8000", ivr_id="<main>")]), "mutually exclusive: ivr|ivr_id"),
    ("an item without a name", dict(config=[dict(ivr="8000", action_urls=[dict(url="https://n.example.com/")])]), "name"),
    ("a choice in the wrong case", dict(config=[dict(ivr="8000", action_urls=[dict(FRESH, type="dtmf")])]), "DTMF, CALLER"),
]


def test_each_bad_input_fails_naming_its_place_and_writes_nothing(pbx):
    pbx.sim.configure(secrets="masked", update="reset")
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM]},
                           {"name": "Support", "extension_number": "8200", "action_urls": [FRESH | dict(name="dup")] * 2},
                           {"name": "Twin", "extension_number": "8400"}, {"name": "Twin", "extension_number": "8401"}])
    before = pbx.control.state()["ivrs"]
    tasks = []
    for what, args, _message in BAD_INPUT:
        args = json.loads(json.dumps(args).replace("<main>", pbx.ivr_id))
        tasks.append(dict(task(what, **args), ignore_errors=True))
    run = pbx.run(tasks)
    assert len(run.results) == len(BAD_INPUT), run.output
    for (what, _args, message), result in zip(BAD_INPUT, run.results):
        assert result["outcome"] == "failed", what
        assert message.replace("<main>", pbx.ivr_id) in result["msg"], "%s: %s" % (what, result["msg"])
    assert run.writes == []
    assert pbx.control.state()["ivrs"] == before


def hook(name):
    return dict(name=name, type="DTMF", dtmf_mask="4", url="https://hooks.example.com/" + name)


def three_ivrs(pbx):
    created = pbx.control.seed(ivrs=[{"name": "Support", "extension_number": "8200"}, {"name": "Sales", "extension_number": "8300"}])
    return [pbx.ivr_id] + [ivr["id"] for ivr in created["ivrs"]]


@pytest.mark.parametrize("parallelism", [1, 4])
def test_a_refused_write_stops_the_task_with_the_writes_done_and_a_rerun_converges(pbx, parallelism):
    """One IVR at a time, the task stops at the failed write; four at a time, the writes already under way in the
    other IVRs finish (which have started by then is up to the threads). Either way ``changes`` lists exactly the
    writes that went through."""
    ivr_ids = three_ivrs(pbx)
    # The second of three creates: one per IVR, so the rule can name the second IVR's path.
    pbx.control.fault(kind="status", method="POST", path=path_pattern("/api/ivrs/%s/action_urls", ivr_ids[1]), status=400,
                      message="url: refused by the PBX")
    config = [dict(ivr_id=ivr_id, action_urls=[hook("hook-%d" % number)]) for number, ivr_id in enumerate(ivr_ids)]
    run = pbx.run([dict(task("Declare", config=config, parallelism=parallelism), ignore_errors=True),
                   task("Declare again", config=config)])
    failed, rerun = run.results
    created = [entry["path"] for entry in writes(failed) if entry["status"] == 201]
    done = [number for number in (0, 2) if sent_path("/api/ivrs/%s/action_urls", ivr_ids[number]) in created]
    if parallelism == 1:
        assert done == [0]
    assert failed["outcome"] == "failed" and failed["changed"] is (done != [])
    assert [(change["ivr_id"], change["name"], change["action"]) for change in failed["changes"]] == [
        (ivr_ids[number], "hook-%d" % number, "create") for number in done]
    assert [change["id"] for change in failed["changes"]] == [pbx.action_urls(ivr_ids[number])[0]["id"] for number in done], \
        "the ids the failed task reported are those the PBX holds after the rerun"
    assert failed["msg"] == ("the create of action URL 'hook-1' of virtual receptionist %s failed: "
                             "POST /ivrs/%s/action_urls: HTTP 400: VALIDATE_FAILED url: refused by the PBX" % (ivr_ids[1], ivr_ids[1]))
    assert len(writes(failed)) == len(done) + 1 and failed["status"] == 400
    assert rerun["outcome"] == "ok" and [change["name"] for change in rerun["changes"]] == [
        "hook-%d" % number for number in range(3) if number not in done]
    assert [names(pbx, ivr_id) for ivr_id in ivr_ids] == [["hook-0"], ["hook-1"], ["hook-2"]]


def test_lost_create_answers_never_make_a_duplicate(pbx):
    ivr_ids = three_ivrs(pbx)
    # A create that keeps answering 500 fails the task; one whose answer is lost after the commit is found.
    pbx.control.fault(kind="status", method="POST", path=path_pattern("/api/ivrs/%s/action_urls", ivr_ids[0]), status=500, count=4)
    pbx.control.fault(kind="commit_drop", method="POST", path=path_pattern("/api/ivrs/%s/action_urls", ivr_ids[1]))
    first = [dict(ivr_id=ivr_ids[0], action_urls=[hook("a")])]
    second = [dict(ivr_id=ivr_ids[1], action_urls=[hook("b")])]
    run = pbx.run([dict(task("Always 500", config=first, pbx_timeout=3), ignore_errors=True), task("Answer lost", config=second)])
    always_500, lost = run.results
    assert always_500["outcome"] == "failed" and always_500["changed"] is False and always_500["changes"] == []
    assert "may or may not have been created" in always_500["msg"] and "action URL 'a'" in always_500["msg"]
    assert names(pbx, ivr_ids[0]) == []
    assert lost["outcome"] == "ok" and lost["changes"][0]["id"] == pbx.action_urls(ivr_ids[1])[0]["id"]
    assert "not sent again" in run.text
    pbx.control.clear_faults()
    again = pbx.run([task("Both again", config=first + second)]).result
    assert [change["name"] for change in again["changes"]] == ["a"]
    assert [names(pbx, ivr_id) for ivr_id in ivr_ids[:2]] == [["a"], ["b"]]


def test_requests_per_task(pbx):
    numbers = [str(8100 + number) for number in range(100)]
    pbx.control.seed(ivrs=[{"name": "Menu %s" % number, "extension_number": number, "action_urls": [hook("h" + number)]}
                           for number in numbers])
    listed = {ivr["extension_number"]: ivr["id"] for ivr in pbx.control.state()["ivrs"]}
    token = dict(pbx_access_token="integration-access-token-4f1d")
    tasks = [
        task("100 IVRs by number", config=[dict(ivr=number, action_urls=[hook("h" + number)]) for number in numbers], **token),
        task("Every IVR", state="gathered", **token),
        task("Three IVRs by id", config=[dict(ivr_id=listed[number], action_urls=[hook("h" + number)]) for number in numbers[:3]], **token),
        task("Three IVRs by id, logging in", config=[dict(ivr_id=listed[number], action_urls=[hook("h" + number)]) for number in numbers[:3]]),
    ]
    env = pbx.connection_env(PORTSIP_ACCESS_TOKEN=None, PORTSIP_USERNAME="admin", PORTSIP_PASSWORD="portsip123",
                             PORTSIP_DOMAIN="demo.portsip.local")
    run = pbx.run(tasks, env=env)
    assert run.rc == 0, run.output
    by_number, every, by_id_with_token, by_id = ([entry["path"] for entry in result["sim_requests"]] for result in run.results)
    assert not any(result["changed"] for result in run.results) and run.writes == []
    # 101 IVRs: two pages of /ivrs for all the numbers together, never one lookup per IVR.
    assert by_number.count("/api/ivrs") == 2 and len(by_number) == 2 + 100
    assert sorted(by_number[2:]) == sorted(sent_path("/api/ivrs/%s/action_urls", listed[number]) for number in numbers)
    assert every.count("/api/ivrs") == 2 and len(every) == 2 + 101
    reads = sorted(sent_path("/api/ivrs/%s/action_urls", listed[number]) for number in numbers[:3])
    assert sorted(by_id_with_token) == reads
    assert by_id[0] == "/api/login/oauth/token" and sorted(by_id[1:]) == reads
