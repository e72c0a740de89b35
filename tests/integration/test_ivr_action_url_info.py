# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading action URLs with ivr_action_url_info against the simulator.

Every read runs both normally and in check mode: the module only reads, so both
must give the same answer, with the same requests, and the simulator's log must
show no write. The log also proves how many requests each way of naming the IVR
costs.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
from urllib.parse import unquote

import pytest

from conftest import path_pattern

MODULE = "portsip.pbx.ivr_action_url_info"
MASK = "********"
PASSWORD = "crmsecret42"
TOKEN = "bearer-9f3c-token-value"

CRM = dict(name="crm-lookup", enabled=True, type="DTMF", dtmf_mask="1;2;3", method="POST",
           url="https://crm.example.com/portsip/route", headers="X-App-ID:crm",
           auth="BASIC", username="pbxhook", password=PASSWORD)
PLAIN = dict(name="plain", enabled=False, type="CALLER", caller_mask="4930100-4930199", method="GET",
             url="http://hooks.example.com/plain", headers="X-A:1&X-B:2", connection_timeout=5, request_timeout=7)
BEARER = dict(name="bearer", enabled=True, type="DTMF", dtmf_mask="9", method="POST",
              url="https://api.example.com/hook", auth="BEARER", token=TOKEN)

CHECK_MODES = pytest.mark.parametrize("check", [False, True], ids=["normal", "check_mode"])


def info(title, **args):
    return {"name": title, MODULE: args}


def may_fail(title, **args):
    return dict(info(title, **args), ignore_errors=True)


def state_ivrs(pbx):
    return pbx.control.state()["ivrs"]


def shown(stored, ivr, secrets="masked"):
    """What the module should return for a stored action URL (the simulator's state holds secrets in clear)."""
    item = dict(stored, ivr_id=ivr["id"], ivr_name=ivr["name"], ivr_extension_number=ivr["extension_number"])
    for field in ("password", "token"):
        if secrets == "omitted":
            del item[field]
        elif item[field] is not None:
            item[field] = MASK
    return item


def expected(pbx, ivr_ids=None, secrets="masked", **match):
    """Every stored action URL, in the server's order, of the given IVRs (all when None) whose fields equal ``match``."""
    found = []
    for ivr in state_ivrs(pbx):
        if ivr_ids is not None and ivr["id"] not in ivr_ids:
            continue
        for stored in ivr["action_urls"]:
            if all(stored[key] == value for key, value in match.items()):
                found.append(shown(stored, ivr, secrets))
    return found


def requests_made(run):
    return [(entry["method"], unquote(entry["path"])) for entry in run.log]


def statuses(run):
    return [(unquote(entry["path"]), entry["status"]) for entry in run.log]


def get(path):
    return ("GET", "/api" + path)


def assert_read_only(run):
    assert run.writes == [], run.writes
    assert all(entry["method"] == "GET" for entry in run.log), run.log
    assert not run.changed


@pytest.mark.parametrize("check", [pytest.param(False, marks=pytest.mark.smoke), True], ids=["normal", "check_mode"])
def test_one_ivr_by_id_or_by_extension_number_or_name(pbx, check):
    seeded = pbx.control.seed(ivrs=[
        {"id": pbx.ivr_id, "action_urls": [CRM, PLAIN]},
        {"name": "Sales", "extension_number": "8100", "action_urls": [dict(CRM, url="https://sales.example.com/")]},
        # The quote must survive the server-side filter.
        {"name": "Joe's Desk", "extension_number": "8200"},
    ])["ivrs"]
    plain_id = seeded[0]["action_urls"][1]
    joe_id = seeded[2]["id"]
    main = pbx.ivr_id
    tasks = [
        info("By id", ivr_id=main),
        info("By extension number", ivr="8000"),
        info("By name", ivr="Main Menu"),
        info("An IVR without action URLs", ivr="Joe's Desk"),
        info("One by name", ivr_id=main, name="crm-lookup"),
        info("One by id", ivr_id=main, id=plain_id),
    ]
    run = pbx.run(tasks, check=check)
    assert run.rc == 0, run.output
    both = expected(pbx, [main])
    assert len(both) == 2
    results = [result["action_urls"] for result in run.results]
    assert results == [both, both, both, [], expected(pbx, [main], name="crm-lookup"), expected(pbx, [main], id=plain_id)]
    crm = results[0][0]
    assert crm["ivr_id"] == main and crm["ivr_name"] == "Main Menu" and crm["ivr_extension_number"] == "8000"
    assert crm["password"] == MASK and crm["url"] == CRM["url"] and crm["connection_timeout"] == 2

    # At most two requests each: the IVR (by id, or the filtered list) and its action URLs.
    by_id = [get("/ivrs/" + main), get("/ivrs/%s/action_urls" % main)]
    by_lookup = [get("/ivrs"), get("/ivrs/%s/action_urls" % main)]
    assert requests_made(run) == by_id + by_lookup + by_lookup + [get("/ivrs"), get("/ivrs/%s/action_urls" % joe_id)] + by_id * 2
    assert_read_only(run)


@CHECK_MODES
def test_every_ivr_across_pages(pbx, check):
    branches = [{"name": "Branch %02d" % number, "extension_number": str(8100 + number)} for number in range(1, 26)]
    branches[2]["action_urls"] = [CRM]
    branches[16]["action_urls"] = [PLAIN, dict(CRM, dtmf_mask="7")]
    branches[24]["action_urls"] = [BEARER]
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM]}] + branches)
    # 26 IVRs in pages of at most 10: the module asks for 100 and must follow the server's cap.
    pbx.sim.configure(max_page_size=10)
    run = pbx.run([info("Every IVR"), info("Every IVR, by name", name="crm-lookup"), info("No such name anywhere", name="nope")], check=check)
    assert run.rc == 0, run.output

    every = expected(pbx)
    assert [(item["ivr_name"], item["name"]) for item in every] == [
        ("Main Menu", "crm-lookup"), ("Branch 03", "crm-lookup"), ("Branch 17", "plain"), ("Branch 17", "crm-lookup"),
        ("Branch 25", "bearer")]
    assert run.results[0]["action_urls"] == every
    assert run.results[1]["action_urls"] == expected(pbx, name="crm-lookup")
    assert run.results[2]["action_urls"] == []
    assert run.results[0]["action_urls"][-1]["token"] == MASK

    # One request per page of IVRs, then one per IVR, for each task.
    ivr_ids = [ivr["id"] for ivr in state_ivrs(pbx)]
    assert len(ivr_ids) == 26
    one_task = [get("/ivrs")] * 3 + [get("/ivrs/%s/action_urls" % ivr_id) for ivr_id in ivr_ids]
    assert requests_made(run) == one_task * 3
    pages = [entry["query"].get("skip") for entry in run.log if entry["path"] == "/api/ivrs"]
    assert pages == ["0", "10", "20"] * 3
    assert all(entry["status"] == 200 for entry in run.log)
    assert_read_only(run)


@CHECK_MODES
@pytest.mark.parametrize("secrets", ["clear", "masked", "omitted"])
def test_secrets_never_appear(pbx, secrets, check):
    pbx.sim.configure(secrets=secrets)
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM, PLAIN, BEARER]}])
    # -v prints the task's whole result, so the console output is searched too.
    run = pbx.run([info("One IVR", ivr_id=pbx.ivr_id)], check=check, verbosity=1)
    assert run.rc == 0, run.output
    crm, plain, bearer = run.result["action_urls"]
    if secrets == "omitted":
        # The server did not say whether a secret is stored, so the module cannot either.
        assert all("password" not in item and "token" not in item for item in (crm, plain, bearer))
    else:
        assert (crm["password"], crm["token"]) == (MASK, None)
        assert (bearer["password"], bearer["token"]) == (None, MASK)
        assert (plain["password"], plain["token"]) == (None, None)
    assert run.result["action_urls"] == expected(pbx, secrets=secrets)
    assert "crm-lookup" in run.output, "-v must show the result for the next check to mean anything"
    for secret in (PASSWORD, TOKEN):
        assert not run.shows(secret)
        assert secret not in json.dumps(run.results)
    assert_read_only(run)


@CHECK_MODES
@pytest.mark.parametrize("unknown_id_status", [404, 400])
def test_unknown_ivr_id_says_not_found(pbx, unknown_id_status, check):
    pbx.sim.configure(unknown_id_status=unknown_id_status)
    run = pbx.run([may_fail("Unknown id", ivr_id="bm9zdWNo")], check=check)
    assert run.rc == 0, run.output
    assert run.result["outcome"] == "failed" and "action_urls" not in run.result, run.result
    assert "virtual receptionist with id 'bm9zdWNo' was not found" in run.result["msg"]
    assert run.result["status"] == unknown_id_status
    assert "no virtual receptionist with id bm9zdWNo" in run.result["msg"], "the server's own words are kept"
    assert statuses(run) == [("/api/ivrs/bm9zdWNo", unknown_id_status)]
    assert_read_only(run)


@CHECK_MODES
def test_no_or_ambiguous_match_fails_clearly(pbx, check):
    seeded = pbx.control.seed(ivrs=[
        {"name": "Support", "extension_number": "8300"},
        {"name": "Support", "extension_number": "8301"},
        {"name": "Sales", "extension_number": "8100"},
        # Named like another IVR's extension number: "8100" matches both.
        {"name": "8100", "extension_number": "8400"},
    ])["ivrs"]
    support_a, support_b, sales, named_8100 = [entry["id"] for entry in seeded]
    tasks = [
        may_fail("An id that is not one path segment", ivr_id="no/such"),
        may_fail("Unknown name or number", ivr="9999"),
        may_fail("Two IVRs of that name", ivr="Support"),
        may_fail("One IVR's name, another's number", ivr="8100"),
    ]
    run = pbx.run(tasks, check=check)
    assert run.rc == 0, run.output
    assert all(result["outcome"] == "failed" and "action_urls" not in result for result in run.results), run.results
    slash, nameless, support, ambiguous = [result["msg"] for result in run.results]
    assert "virtual receptionist with id 'no/such' was not found" in slash
    assert "no virtual receptionist has the name or extension number '9999'" in nameless
    assert "2 virtual receptionists match 'Support'" in support
    assert support_a in support and support_b in support and "8300" in support and "8301" in support
    assert "2 virtual receptionists match '8100'" in ambiguous and sales in ambiguous and named_8100 in ambiguous

    # The slash is escaped, so the request cannot reach another endpoint; no action URL list is ever read.
    # As sent: the id's "/" quoted, so it cannot address another path.
    assert [(entry["method"], entry["path"]) for entry in run.log] == [get("/ivrs/no%2Fsuch"), get("/ivrs"), get("/ivrs"), get("/ivrs")]
    assert_read_only(run)


@CHECK_MODES
def test_server_errors_fail_the_task(pbx, check):
    sales = pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM]},
                                   {"name": "Sales", "extension_number": "8100", "action_urls": [PLAIN]}])["ivrs"][1]["id"]
    main = pbx.ivr_id
    # Each rule is used up by the first request that matches it, so the tasks below meet them in this order.
    pbx.control.fault(method="GET", path=path_pattern("/api/ivrs/%s", main), status=500)
    pbx.control.fault(method="GET", path=path_pattern("/api/ivrs/%s/action_urls", main), status=500)
    pbx.control.fault(method="GET", path="/api/ivrs", status=500)
    pbx.control.fault(method="GET", path=path_pattern("/api/ivrs/%s/action_urls", sales), status=500)
    tasks = [
        may_fail("The IVR cannot be read", ivr_id=main),
        may_fail("Its action URLs cannot be read", ivr_id=main),
        may_fail("The IVR list cannot be read", ivr="8000"),
        may_fail("One IVR of all cannot be read", name="crm-lookup"),
    ]
    run = pbx.run(tasks, check=check)
    assert run.rc == 0, run.output
    for result in run.results:
        # A failed read is never reported as "nothing there": no list, no partial list, no "not found".
        assert result["outcome"] == "failed" and "action_urls" not in result, result
        assert result["status"] == 500 and "HTTP 500" in result["msg"], result
        assert "not found" not in result["msg"] and "no virtual receptionist" not in result["msg"]
    assert [unquote(result["path"]) for result in run.results] == [
        "/ivrs/%s" % main, "/ivrs/%s/action_urls" % main, "/ivrs", "/ivrs/%s/action_urls" % sales]
    assert statuses(run) == [
        ("/api/ivrs/" + main, 500),
        ("/api/ivrs/" + main, 200), ("/api/ivrs/%s/action_urls" % main, 500),
        ("/api/ivrs", 500),
        ("/api/ivrs", 200), ("/api/ivrs/%s/action_urls" % main, 200), ("/api/ivrs/%s/action_urls" % sales, 500),
    ]
    assert_read_only(run)


@CHECK_MODES
def test_transient_errors_are_retried(pbx, check):
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM]}])
    main = pbx.ivr_id
    # retry_after=0 keeps the test fast; without it the client's jittered backoff would apply.
    pbx.control.fault(method="GET", path="/api/ivrs", status=503, retry_after=0)
    pbx.control.fault(method="GET", path=path_pattern("/api/ivrs/%s/action_urls", main), status=503, retry_after=0, count=2)
    run = pbx.run([info("Through a busy gateway", ivr="8000")], check=check)
    assert run.rc == 0, run.output
    assert run.result["action_urls"] == expected(pbx)
    assert statuses(run) == [
        ("/api/ivrs", 503), ("/api/ivrs", 200),
        ("/api/ivrs/%s/action_urls" % main, 503), ("/api/ivrs/%s/action_urls" % main, 503), ("/api/ivrs/%s/action_urls" % main, 200),
    ]
    warnings = run.result.get("warnings") or []
    assert len(warnings) == 3 and all("HTTP 503, retrying" in warning for warning in warnings), run.result
    assert "[WARNING]" in run.output and "HTTP 503, retrying" in run.text
    assert_read_only(run)
