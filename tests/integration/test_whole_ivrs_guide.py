# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The export and apply playbooks of the guide page on whole IVRs (docs/docsite/rst/whole-ivrs.rst), as written, against the simulator."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil

import yaml

PLAYBOOKS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs", "playbooks")
PASSWORD = "menusecret42"
CRM = dict(name="crm-lookup", enabled=True, type="DTMF", dtmf_mask="1;2;3", method="POST",
           url="https://crm.example.com/portsip/route", auth="BASIC", username="pbxhook", password=PASSWORD)
SUPPORT = dict(name="support-hook", type="CALLER", caller_mask="4930100-4930199", method="GET",
               url="https://support.example.com/hook")


def plays(name):
    with open(os.path.join(PLAYBOOKS, name), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def stored(pbx):
    return {ivr["extension_number"]: sorted(url["name"] for url in ivr["action_urls"]) for ivr in pbx.control.state()["ivrs"]}


def test_export_then_apply_round_trip(pbx, tmp_path):
    """With no menus_file, both playbooks use menus.yml where they run, never the folder they are in."""
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM]},
                           {"name": "Support", "extension_number": "8200", "action_urls": [SUPPORT]}])
    # The playbooks as an installed collection holds them, run from a folder of the user's.
    installed = tmp_path / "collection" / "docs" / "playbooks"
    installed.mkdir(parents=True)
    for name in ("export_menus.yml", "apply_menus.yml"):
        shutil.copy(os.path.join(PLAYBOOKS, name), str(installed))
    work = tmp_path / "work"
    work.mkdir()
    export = pbx.run(None, playbook=installed / "export_menus.yml", cwd=str(work))
    assert export.rc == 0, export.output
    assert export.writes == []
    assert sorted(os.listdir(str(installed))) == ["apply_menus.yml", "export_menus.yml"]
    with open(str(work / "menus.yml"), encoding="utf-8") as handle:
        text = handle.read()
    assert PASSWORD not in text and "password" not in text and "********" not in text
    menus = yaml.safe_load(text)["ivr_menus"]
    assert {entry["ivr"]: [url["name"] for url in entry["action_urls"]] for entry in menus} == {
        "8000": ["crm-lookup"], "8200": ["support-hook"]}

    for check in (True, False):
        run = pbx.run(None, playbook=installed / "apply_menus.yml", cwd=str(work), check=check, diff=True)
        assert run.rc == 0, run.output
        assert not run.changed and run.writes == [] and run.results[-1]["applied.changes"] == []
    assert pbx.control.state()["ivrs"][0]["action_urls"][0]["password"] == PASSWORD  # left out, so kept


def test_apply_deletes_only_in_the_listed_ivrs(pbx, tmp_path):
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM, dict(SUPPORT, name="clicked-in-console")]},
                           {"name": "Support", "extension_number": "8200", "action_urls": [SUPPORT]}])
    menus_file = tmp_path / "menus.yml"
    menus_file.write_text(yaml.safe_dump({"ivr_menus": [{"ivr": "8000", "action_urls": [
        {key: value for key, value in CRM.items() if key != "password"}]}]}))
    check = pbx.run(None, plays=plays("apply_menus.yml"), extra_vars={"menus_file": str(menus_file)}, check=True, diff=True)
    assert check.rc == 0, check.output
    assert check.writes == []
    changes = check.results[-1]["applied.changes"]
    assert [(change["name"], change["action"]) for change in changes] == [("clicked-in-console", "delete")]
    run = pbx.run(None, plays=plays("apply_menus.yml"), extra_vars={"menus_file": str(menus_file)}, diff=True)
    assert run.rc == 0, run.output
    assert run.results[-1]["applied.changes"] == changes
    assert stored(pbx) == {"8000": ["crm-lookup"], "8200": ["support-hook"]}
