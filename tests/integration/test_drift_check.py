# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/playbooks/drift_check.yml against the simulator, with the junit callback set up as its guide page says."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import shlex
from xml.etree import ElementTree

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "docs", "playbooks", "drift_check.yml")
GUIDE = os.path.join(ROOT, "docs", "docsite", "rst", "drift-checks.rst")
PLAY = "[localhost] Check the virtual receptionists against the menus file: "
COMPARE = PLAY + "Compare the listed IVRs with the menus file"
VERDICT = PLAY + "Fail when the PBX differs from the menus file"

LOGIN_PASSWORD = "portsip123"
# Given in the menus file (as from Vault), and stored on the PBX: neither may reach the report or the output.
FILE_SECRET = "menusfilesecret7731"
STORED_SECRET = "storedsecret0422"
CRM = dict(name="crm-lookup", enabled=True, type="DTMF", dtmf_mask="1;2;3", method="POST",
           url="https://crm.example.com/portsip/route", auth="BASIC", username="pbxhook")
MENUS = [{"ivr": "8000", "action_urls": [dict(CRM, password=FILE_SECRET)]}]
CLICKED = dict(name="clicked-in-console", type="CALLER", caller_mask="100-199", method="GET", url="https://example.com/hook")


def junit_settings():
    """The variables the guide page exports for the junit callback."""
    with open(GUIDE, encoding="utf-8") as handle:
        [line] = [line.strip() for line in handle if line.strip().startswith("$ export ANSIBLE_CALLBACKS_ENABLED=")]
    return dict(word.split("=", 1) for word in shlex.split(line)[2:])


def check(pbx, tmp_path, extra_vars=None, check_flag=True):
    """Run the playbook as the guide does, from a folder holding menus.yml; returns the run and its JUnit report."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "menus.yml").write_text(yaml.safe_dump({"ivr_menus": MENUS}, sort_keys=False))
    env = {"PORTSIP_URL": pbx.sim.base_url, "PORTSIP_USERNAME": "admin", "PORTSIP_PASSWORD": LOGIN_PASSWORD,
           "PORTSIP_DOMAIN": "demo.portsip.local"}
    run = pbx.run(None, playbook=PLAYBOOK, cwd=str(work), env=env, settings=junit_settings(), extra_vars=extra_vars,
                  check=check_flag, diff=True)
    [report] = (work / "reports").glob("drift_check-*.xml")
    return run, report.read_text(encoding="utf-8")


def failed_cases(report):
    """Each failed test case's name, with its failure (or error) element."""
    cases = ElementTree.fromstring(report).iter("testcase")
    return {case.get("name"): problem for case in cases for problem in case if problem.tag in ("failure", "error")}


def assert_no_secret(run, report):
    for secret in (LOGIN_PASSWORD, FILE_SECRET, STORED_SECRET):
        assert not run.shows(secret)
        assert secret not in report


def seed(pbx, *action_urls):
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": list(action_urls)}])


def test_in_step_passes_with_a_clean_report_and_merged_ignores_what_the_file_does_not_list(pbx, tmp_path):
    seed(pbx, dict(CRM, password=STORED_SECRET), CLICKED)
    run, report = check(pbx, tmp_path, extra_vars={"menus_state": "merged"})
    assert run.rc == 0, run.output
    assert run.writes == []
    assert run.results[-1]["msg"] == "The PBX matches menus.yml"
    assert failed_cases(report) == {}
    assert COMPARE in report and VERDICT in report
    assert_no_secret(run, report)


@pytest.mark.smoke
def test_drift_fails_naming_each_write_with_the_diff(pbx, tmp_path):
    seed(pbx, dict(CRM, url="https://old-crm.example.com/route", password=STORED_SECRET), CLICKED)
    run, report = check(pbx, tmp_path)
    assert run.rc == 2, run.output
    assert run.writes == []
    failed = failed_cases(report)
    assert set(failed) == {COMPARE, VERDICT}
    changes = json.loads(failed[COMPARE].text)["changes"]
    assert [(change["action"], change["name"], change["fields"]) for change in changes] == [
        ("delete", "clicked-in-console", []), ("update", "crm-lookup", ["url"])]
    message = failed[VERDICT].get("message")
    assert "The PBX differs from menus.yml: delete clicked-in-console in IVR %s; update crm-lookup (url) in IVR %s" % (
        pbx.ivr_id, pbx.ivr_id) in message
    # The diff, for a person: each action URL that differs, headed with its IVR and name.
    assert "extension 8000), action URL 'crm-lookup'" in run.output
    assert '-    "url": "https://old-crm.example.com/route"' in run.output
    assert '+    "url": "https://crm.example.com/portsip/route"' in run.output
    assert "extension 8000), action URL 'clicked-in-console'" in run.output
    assert_no_secret(run, report)


def test_run_without_check_mode_still_writes_nothing(pbx, tmp_path):
    seed(pbx, CLICKED)
    run, _report = check(pbx, tmp_path, check_flag=False)
    assert run.rc == 2, run.output
    assert run.writes == []
    assert [item["name"] for item in pbx.action_urls()] == ["clicked-in-console"]
