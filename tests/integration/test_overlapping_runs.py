# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Plays over several hosts that all reach one PBX, with forks and without run_once: their tasks overlap.

The simulator holds each host's first read of the IVR until every host has made its own, so every host reads the IVR
before any host's create is there and all of them create: the race the modules must settle. Each test checks that the race happened
(more than one create), so that it cannot pass by running the hosts one after the other.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from conftest import path_pattern

HOSTS = ["pbx-admin-%d" % number for number in range(1, 5)]
FORKS = {"ANSIBLE_FORKS": str(len(HOSTS))}
# Only a bound: the reads go on as soon as every host has made its own.
GATHER_TIMEOUT = 60
CRM = dict(name="crm-lookup", enabled=True, type="DTMF", dtmf_mask="1;2;3", method="POST",
           url="https://crm.example.com/portsip/route")
VIP = dict(name="vip-callers", type="CALLER", caller_mask="100-199", method="GET", url="https://vip.example.com/route")
CLICKED = dict(name="clicked-in-console", type="CALLER", caller_mask="300-399", method="GET", url="https://example.com/hook")


def slow_first_reads(pbx, hosts=HOSTS):
    """Each host's first read of the IVR's action URLs is held until every host has made its own."""
    pbx.control.fault("gather", method="GET", path=path_pattern("/api/ivrs/%s/action_urls", pbx.ivr_id), count=len(hosts),
                      delay=GATHER_TIMEOUT)


def single(pbx, item=None):
    return {"portsip.pbx.ivr_action_url": dict(item or CRM, ivr_id=pbx.ivr_id)}


def whole(pbx, state, *items):
    return {"portsip.pbx.ivr_action_urls": {"config": [{"ivr_id": pbx.ivr_id, "action_urls": list(items or [CRM])}],
                                            "state": state}}


def play(task, hosts=HOSTS):
    return [{"name": "Every admin host", "hosts": ",".join(hosts), "gather_facts": False, "tasks": [task]}]


def names(pbx):
    return sorted(item["name"] for item in pbx.action_urls())


def creates(run):
    return [entry for entry in run.writes if entry["path"].endswith("/action_urls")]


def deletes(run):
    return [entry["path"] for entry in run.writes if entry["path"].endswith("/destroy")]


def assert_every_host_succeeded(run, hosts=HOSTS):
    assert run.rc == 0, run.output
    assert sorted(result["host"] for result in run.results if result["outcome"] == "ok") == sorted(hosts), run.output


def assert_second_run_writes_nothing(pbx, task, hosts=HOSTS):
    again = pbx.run(None, plays=play(task, hosts), settings=FORKS, hosts=hosts)
    assert_every_host_succeeded(again, hosts)
    assert not again.changed and again.writes == [], again.output


@pytest.mark.parametrize("declare", [single, lambda pbx: whole(pbx, "merged"), lambda pbx: whole(pbx, "overridden")],
                         ids=["ivr_action_url", "merged", "overridden"])
def test_hosts_that_create_the_same_action_url_at_once_leave_one(pbx, declare):
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": []}])
    slow_first_reads(pbx)
    task = declare(pbx)
    run = pbx.run(None, plays=play(task), settings=FORKS, hosts=HOSTS)

    assert_every_host_succeeded(run)
    assert len(creates(run)) > 1, "the hosts did not race: %s" % run.log
    assert names(pbx) == ["crm-lookup"]
    [kept] = pbx.action_urls()
    assert {key: kept[key] for key in CRM} == CRM
    # Each host that lost deleted the copy it created, and only that one: no delete of an id twice.
    deleted = deletes(run)
    assert len(deleted) == len(creates(run)) - 1 and len(set(deleted)) == len(deleted), run.log
    assert run.text.count("was created by another run at the same time") == len(deleted), run.output
    assert_second_run_writes_nothing(pbx, task)


def test_hosts_that_delete_the_same_action_url_at_once_all_succeed(pbx):
    """overridden from every host: each reads the unlisted action URL, each deletes it; a delete that finds it gone
    is the state declared."""
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM, CLICKED]}])
    slow_first_reads(pbx)
    task = whole(pbx, "overridden", CRM)
    run = pbx.run(None, plays=play(task), settings=FORKS, hosts=HOSTS)

    assert_every_host_succeeded(run)
    assert len(deletes(run)) > 1, "the hosts did not race: %s" % run.log
    assert names(pbx) == ["crm-lookup"]
    assert_second_run_writes_nothing(pbx, task)


def test_hosts_that_declare_one_name_differently_leave_one_and_either_declaration_converges_alone(pbx):
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": []}])
    slow_first_reads(pbx)
    task = single(pbx, dict(CRM, url="https://{{ inventory_hostname }}.example.com/route"))
    run = pbx.run(None, plays=play(task), settings=FORKS, hosts=HOSTS)

    assert_every_host_succeeded(run)
    assert len(creates(run)) > 1, "the hosts did not race: %s" % run.log
    assert names(pbx) == ["crm-lookup"]
    [kept] = pbx.action_urls()
    assert kept["url"] in ["https://%s.example.com/route" % host for host in HOSTS]

    alone = pbx.run(None, plays=play(task, HOSTS[-1:]), hosts=HOSTS[-1:])
    assert_every_host_succeeded(alone, HOSTS[-1:])
    assert [item["url"] for item in pbx.action_urls()] == ["https://%s.example.com/route" % HOSTS[-1]]
    assert_second_run_writes_nothing(pbx, task, HOSTS[-1:])


def test_overridden_repairs_a_name_held_three_times_that_merged_refuses(pbx):
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [dict(CRM, url="https://old.example.com/"), CRM,
                                                              dict(CRM, dtmf_mask="9"), VIP]}])
    ids = sorted(item["id"] for item in pbx.action_urls() if item["name"] == "crm-lookup")
    closest = next(item["id"] for item in pbx.action_urls() if item["name"] == "crm-lookup" and item["url"] == CRM["url"]
                   and item["dtmf_mask"] == CRM["dtmf_mask"])

    refused = pbx.run([whole(pbx, "merged", dict(CRM, url="https://new.example.com/"))])
    assert refused.rc != 0 and refused.writes == []
    assert all(url_id in refused.result["msg"] for url_id in ids) and "overridden" in refused.result["msg"]

    task = whole(pbx, "overridden", CRM, VIP)
    check = pbx.run([task], check=True, diff=True)
    assert check.result["changed"] and check.writes == []
    assert sorted(change["action"] for change in check.result["changes"]) == ["delete", "delete"]

    run = pbx.run([task], diff=True)
    assert run.result["changes"] == check.result["changes"]
    assert [item["id"] for item in pbx.action_urls() if item["name"] == "crm-lookup"] == [closest]
    assert names(pbx) == ["crm-lookup", "vip-callers"]
    assert_second_run_writes_nothing(pbx, task, ["localhost"])
