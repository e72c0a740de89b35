# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs real ansible-playbook against the PortSIP API simulator.

Each test gets the simulator back in its start-up state. A playbook run returns
every task's result (recorded by a small callback plugin), the console output,
and the requests the simulator saw during the run.

The simulator checks every request against the vendor's OpenAPI description
(../shared/portsip-api/): a request it does not allow fails the test that sent
it. Where the description is absent the check is skipped, saying so, unless CI
is set: there it fails.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import subprocess
import sys
from urllib.parse import quote

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "simulator"))

from portsip_sim import Simulator  # noqa: E402  pylint: disable=wrong-import-position
from portsip_sim.openapi import spec_path  # noqa: E402  pylint: disable=wrong-import-position

ACCESS_TOKEN = "integration-access-token-4f1d"


def sent_path(template, *ids):
    """A request path as the modules send it: each id percent-encoded (generated ids hold "/" and "+")."""
    return template % tuple(quote(ivr_id, safe="") for ivr_id in ids)


def path_pattern(template, *ids):
    """A fault rule's path (a regular expression over the path as sent) for that path."""
    return template % tuple(re.escape(quote(ivr_id, safe="")) for ivr_id in ids)


PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")


class Run:
    def __init__(self, rc, output, results, log, received):
        self.rc = rc
        self.output = output
        self.results = results
        self.log = log
        # The log with the bodies as the simulator received them, secrets in clear: assert on it, never print it.
        self.received = received

    @property
    def text(self):
        """The console output with white space folded: older ansible-core wraps long warnings."""
        return " ".join(self.output.split())

    def shows(self, secret):
        """Whether the output holds ``secret`` (no white space in it), even where the console wrapped it."""
        return secret in "".join(self.output.split())

    @property
    def writes(self):
        return [entry for entry in self.log if entry["write"]]

    @property
    def received_writes(self):
        return [entry for entry in self.received if entry["write"]]

    @property
    def result(self):
        """The result of the only task of a one-task playbook."""
        assert len(self.results) == 1, self.output
        return self.results[0]

    @property
    def changed(self):
        return any(result.get("changed") for result in self.results)


class Pbx:
    """The simulator plus a way to run playbooks against it."""

    def __init__(self, sim, tmp_path):
        self.sim = sim
        self.control = sim.control()
        self.tmp_path = tmp_path
        self.ivr_id = self.ivr("8000")["id"]

    def ivr(self, extension_number):
        return next(ivr for ivr in self.control.state()["ivrs"] if ivr["extension_number"] == extension_number)

    def action_urls(self, ivr_id=None):
        ivr_id = ivr_id or self.ivr_id
        return next(ivr for ivr in self.control.state()["ivrs"] if ivr["id"] == ivr_id)["action_urls"]

    def connection_env(self, **overrides):
        env = {"PORTSIP_URL": self.sim.base_url, "PORTSIP_ACCESS_TOKEN": ACCESS_TOKEN}
        env.update(overrides)
        return {key: value for key, value in env.items() if value is not None}

    def run(self, tasks, check=False, diff=False, verbosity=0, extra_vars=None, env=None, plays=None, playbook=None,
            cwd=None, settings=None, hosts=("localhost",)):
        """Run a playbook of ``tasks`` (or whole ``plays``, or the ``playbook`` file as it is) on localhost; returns a Run.

        cwd: where ansible-playbook runs; settings: more environment for it (a callback named in
        ANSIBLE_CALLBACKS_ENABLED there is enabled beside the test's own); hosts: the inventory, every host local.
        """
        if playbook is None:
            playbook = self.tmp_path / "playbook.yml"
            if plays is None:
                plays = [{"name": "Test", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]
            playbook.write_text(yaml.safe_dump(plays, sort_keys=False))
        inventory = self.tmp_path / "inventory.ini"
        inventory.write_text("".join("%s ansible_connection=local ansible_python_interpreter=%s\n" % (host, sys.executable)
                                     for host in hosts))
        record = self.tmp_path / "results.jsonl"
        if record.exists():
            record.unlink()
        command = [PLAYBOOK, "-i", str(inventory), str(playbook)]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if verbosity:
            command.append("-" + "v" * verbosity)
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        run_env = dict(os.environ)
        for key in list(run_env):
            if key.startswith("PORTSIP_"):
                del run_env[key]
        run_env.update(self.connection_env() if env is None else env)
        settings = dict(settings or {})
        callbacks = [settings.pop("ANSIBLE_CALLBACKS_ENABLED", None), "portsip_test_record"]
        run_env.update(settings)
        run_env.update(
            ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED=",".join(callback for callback in callbacks if callback),
            PORTSIP_TEST_RECORD=str(record),
            PORTSIP_TEST_SIM_URL=self.sim.base_url,
            PORTSIP_TEST_SIM_CA=self.sim.ca_file or "",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCALHOST_WARNING="0",
        )
        self.control.clear_log()
        completed = subprocess.run(command, cwd=cwd, env=run_env, capture_output=True, text=True, timeout=600, check=False)
        results = []
        if record.exists():
            results = [json.loads(line) for line in record.read_text().splitlines()]
        return Run(completed.returncode, completed.stdout + completed.stderr, results, self.control.log(), self.sim.received())


def pytest_configure(config):
    config.addinivalue_line("markers", "smoke: the few tests the version matrix runs, which together use every module")


def openapi_spec():
    """The path of the OpenAPI description the simulator checks requests against, or None to check nothing."""
    if os.path.exists(spec_path()):
        return spec_path()
    if os.environ.get("CI"):
        pytest.fail("the PortSIP OpenAPI description is missing at %s: CI must check every request against it "
                    "(set PORTSIP_OPENAPI to its path)" % spec_path())
    return None


def pytest_report_header(config):
    if os.path.exists(spec_path()):
        return "requests checked against %s" % spec_path()
    return "requests NOT checked against the OpenAPI description: %s is missing (set PORTSIP_OPENAPI)" % spec_path()


def simulator_with(**settings):
    """A simulator with the tests' access token, the IVR "Main Menu" (8000) and the request check."""
    return Simulator(demo=True, access_token=ACCESS_TOKEN, openapi=openapi_spec(), **settings)


def checked_pbx(sim, tmp_path):
    """A Pbx on ``sim`` back at its start; afterwards, any request outside the OpenAPI description fails the test."""
    sim.reset()
    yield Pbx(sim, tmp_path)
    violations = sim.spec_violations()
    assert not violations, "requests outside the vendor's OpenAPI description:\n" + "\n".join(violations)


@pytest.fixture(scope="session")
def simulator():
    with simulator_with() as sim:
        yield sim


@pytest.fixture
def pbx(simulator, tmp_path):
    yield from checked_pbx(simulator, tmp_path)


@pytest.fixture(scope="session")
def tls_simulator(tmp_path_factory):
    """The simulator over HTTPS, with a certificate signed by its own test CA (``sim.ca_file``)."""
    with simulator_with(tls=True, tls_dir=str(tmp_path_factory.mktemp("tls"))) as sim:
        yield sim


@pytest.fixture
def tls_pbx(tls_simulator, tmp_path):
    """As pbx, over HTTPS with a certificate of the simulator's own CA (tls_pbx.sim.ca_file)."""
    yield from checked_pbx(tls_simulator, tmp_path)


@pytest.fixture
def tracked_checkout(tmp_path):
    """A git repository of its own holding the files this checkout tracks, as in its work tree, committed: a clean
    clone of the work in progress, for the tests of the build and release tooling."""
    checkout = tmp_path / "checkout"
    for command in (["tools/stage.sh", "--tracked", str(checkout)], ["git", "-C", str(checkout), "add", "--all"],
                    ["git", "-C", str(checkout), "-c", "user.name=test", "-c", "user.email=test@example.com",
                     "commit", "--quiet", "-m", "copy"]):
        subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    return checkout
