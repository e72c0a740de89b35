# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A job as AWX runs it: ansible-runner, a playbook without connection options, a credential of our type.

The connection values reach the modules only as the variables the credential type's injectors render,
so these tests prove the injectors, not a hand-written environment.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import sys

import ansible_runner
import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CREDENTIAL_TYPE = os.path.join(ROOT, "extensions", "awx", "portsip_credential_type.yml")
LOGIN_PASSWORD = "portsip123"

# ansible-runner forks a pty from this process, where the simulator's threads run; Python warns about forking a
# threaded process, but the child only sets up the pty and execs ansible-playbook, touching no lock they hold.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of forkpty:DeprecationWarning")

# Every module of the collection runs in this job (a test below keeps it so): a new module is one more task here.
PLAYBOOK = [{
    "name": "Main menu webhooks",
    "hosts": "localhost",
    "gather_facts": False,
    # The login's token for every task after it; the credential's username and password stay for a new login.
    "module_defaults": {"group/portsip.pbx.pbx": {"pbx_access_token": "{{ portsip_login.access_token | default(omit) }}"}},
    "tasks": [
        {"name": "Log in once for the job", "portsip.pbx.login": None, "register": "portsip_login"},
        {"name": "Send callers who key 1 to the CRM", "portsip.pbx.ivr_action_url": {
            "ivr": "8000", "name": "crm-lookup", "type": "DTMF", "dtmf_mask": "1", "method": "POST",
            "url": "https://crm.example.com/portsip/route"}},
        {"name": "Declare the main menu's VIP line", "portsip.pbx.ivr_action_urls": {"config": [{"ivr": "8000", "action_urls": [
            {"name": "vip-callers", "type": "CALLER", "caller_mask": "100-199", "method": "GET",
             "url": "https://crm.example.com/portsip/vip"}]}]}},
        {"name": "Read back the main menu", "portsip.pbx.ivr_action_url_info": {"ivr": "8000"}},
    ],
}]
LOGINS = ("/api/login/oauth/token", "/api/auth/sign_in")


def injected_env(inputs):
    """The variables AWX gives a job for a credential of our type holding ``inputs``.

    AWX's rules: a boolean input left out is false; any other input left out (or empty) renders empty.
    """
    with open(CREDENTIAL_TYPE) as handle:
        credential_type = yaml.safe_load(handle)
    namespace = {field["id"]: False for field in credential_type["inputs"]["fields"] if field.get("type") == "boolean"}
    namespace.update((key, value) for key, value in inputs.items() if value or isinstance(value, bool))
    sandbox = ImmutableSandboxedEnvironment()
    return {variable: sandbox.from_string(template).render(**namespace)
            for variable, template in credential_type["injectors"]["env"].items()}


class Job:
    """A private data directory laid out as AWX lays one out for a job template, run by ansible-runner."""

    def __init__(self, tmp_path, monkeypatch):
        self.private_data_dir = tmp_path / "job"
        (self.private_data_dir / "project").mkdir(parents=True)
        (self.private_data_dir / "inventory").mkdir()
        (self.private_data_dir / "project" / "playbook.yml").write_text(yaml.safe_dump(PLAYBOOK, sort_keys=False))
        (self.private_data_dir / "inventory" / "hosts").write_text(
            "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
        # ansible-runner hands its own environment to the job: a PORTSIP_* set there would hide a broken injector.
        for variable in list(os.environ):
            if variable.startswith("PORTSIP_"):
                monkeypatch.delenv(variable)
        # ansible-runner looks ansible-playbook up on PATH; the one next to this interpreter is the one under test.
        monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))

    def run(self, credential, check=False):
        envvars = injected_env(credential)
        if "ANSIBLE_COLLECTIONS_PATH" in os.environ:
            envvars["ANSIBLE_COLLECTIONS_PATH"] = os.environ["ANSIBLE_COLLECTIONS_PATH"]
        runner = ansible_runner.run(
            private_data_dir=str(self.private_data_dir),
            playbook="playbook.yml",
            envvars=envvars,
            cmdline="--check" if check else None,
            quiet=True,
            # As AWX does: the credential's secrets are not written into the job's env/ folder.
            suppress_env_files=True,
            timeout=300,
        )
        with runner.stdout as handle:
            output = handle.read()
        return Result(runner.status, runner.rc, runner.stats, list(runner.events), output)


class Result:
    def __init__(self, status, rc, stats, events, output):
        self.status = status
        self.rc = rc
        self.stats = stats
        self.events = events
        self.output = output

    def task_results(self, event):
        """Each task's result in the events of one kind (runner_on_ok, runner_on_failed), by task name."""
        return {item["event_data"]["task"]: item["event_data"]["res"] for item in self.events if item["event"] == event}

    def everything(self):
        """All a job leaves for AWX to show and store."""
        return self.output + json.dumps(self.events)


@pytest.fixture
def job(tmp_path, monkeypatch):
    return Job(tmp_path, monkeypatch)


@pytest.fixture
def credential(pbx):
    # A tenant admin with no access token: the token input is left empty, as it would be in AWX.
    return {"url": pbx.sim.base_url, "username": "admin", "password": LOGIN_PASSWORD, "domain": "demo.portsip.local",
            "access_token": "", "validate_certs": True}


def test_the_job_runs_every_module():
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules")) if name.endswith(".py"))
    used = sorted(key.split(".")[-1] for task in PLAYBOOK[0]["tasks"] for key in task if key.startswith("portsip.pbx."))
    assert used == modules


@pytest.mark.smoke
def test_a_job_with_the_credential_checks_then_applies_then_holds_still(pbx, job, credential):
    check = job.run(credential, check=True)
    assert check.status == "successful", check.everything()
    assert check.stats["changed"] == {"localhost": 2}
    assert check.task_results("runner_on_ok")["Send callers who key 1 to the CRM"]["changed"] is True
    assert check.task_results("runner_on_ok")["Declare the main menu's VIP line"]["changed"] is True
    assert pbx.control.writes() == []
    assert pbx.action_urls() == []

    pbx.control.clear_log()
    apply = job.run(credential)
    assert apply.status == "successful", apply.everything()
    assert apply.stats["changed"] == {"localhost": 2}
    assert [entry["method"] for entry in pbx.control.writes()] == ["POST", "POST"]
    assert [item["name"] for item in pbx.action_urls()] == ["crm-lookup", "vip-callers"]
    info = apply.task_results("runner_on_ok")["Read back the main menu"]
    assert [item["name"] for item in info["action_urls"]] == ["crm-lookup", "vip-callers"]

    pbx.control.clear_log()
    again = job.run(credential)
    assert again.status == "successful", again.everything()
    assert again.stats["changed"] == {}
    assert pbx.control.writes() == []

    for result in (check, apply, again):
        assert LOGIN_PASSWORD not in result.everything()
        assert "censored" in result.task_results("runner_on_ok")["Log in once for the job"]
    # One login per job: the login module's.
    assert [entry["path"] for entry in pbx.control.log() if entry["path"] in LOGINS] == [LOGINS[0]]
    # AWX stores the job's output and events: no token the simulator issued may be in them.
    for token in pbx.sim.tokens.access:
        for result in (check, apply, again):
            assert token not in result.everything()


def test_a_refused_credential_fails_the_job_with_a_clear_message(pbx, job, credential):
    result = job.run(dict(credential, password="not-the-password"))
    assert result.status == "failed", result.everything()
    assert result.rc != 0
    failed = result.task_results("runner_on_failed")
    assert list(failed) == ["Log in once for the job"]
    message = failed["Log in once for the job"]["msg"]
    assert "login refused" in message and "pbx_password" in message
    assert pbx.control.writes() == []
    assert "not-the-password" not in result.everything()
