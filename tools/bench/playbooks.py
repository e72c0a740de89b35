# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Running the playbooks of tools/bench/playbooks/ with ansible-playbook, under Ansible's defaults."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import shutil
import sys

from bench import BenchError
from bench.processes import timed

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks")
# The only ANSIBLE_* variables passed on to ansible-playbook: every other setting is dropped, so the
# numbers are those of Ansible's defaults whatever the caller's shell holds.
KEPT_ANSIBLE_VARIABLES = ("ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_HOME", "ANSIBLE_LOCAL_TEMP", "ANSIBLE_REMOTE_TMP")


class Runner:
    """Runs the playbooks on localhost, with this Python for the modules, from an empty directory."""

    def __init__(self, workdir, collections_path):
        self.workdir = workdir
        self.cwd = os.path.join(workdir, "cwd")
        os.makedirs(self.cwd)
        beside = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
        self.command = beside if os.access(beside, os.X_OK) else shutil.which("ansible-playbook")
        if not self.command:
            raise BenchError("ansible-playbook is neither beside %s nor on PATH" % sys.executable)
        self.inventory = os.path.join(workdir, "inventory.ini")
        with open(self.inventory, "w", encoding="utf-8") as handle:
            handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("PORTSIP_", "ANSIBLE_")) or key in KEPT_ANSIBLE_VARIABLES}
        env.update(ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_NOCOLOR="1")
        self.env = env

    def option_default(self, module, option):
        """The default of a module's option, from its documentation (ansible-doc beside ansible-playbook)."""
        command = os.path.join(os.path.dirname(self.command), "ansible-doc")
        _timing, out, _err = timed([command, "--json", module], env=self.env, cwd=self.cwd)
        return json.loads(out)[module]["doc"]["options"][option]["default"]

    def run(self, playbook, variables, extra_env=None):
        """Run one playbook with these extra variables; returns its Timing."""
        path = os.path.join(self.workdir, "vars.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(variables, handle)
        command = [self.command, "-i", self.inventory, os.path.join(PLAYBOOKS, playbook), "-e", "@" + path]
        return timed(command, env=dict(self.env, **(extra_env or {})), cwd=self.cwd)[0]


def find_collections_path(given, workdir):
    """(value for ANSIBLE_COLLECTIONS_PATH, the portsip.pbx directory Ansible will load)."""
    value = given or os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    for entry in (value or "").split(os.pathsep):
        candidate = os.path.join(entry, "ansible_collections", "portsip", "pbx")
        if entry and os.path.isdir(candidate):
            return value, os.path.realpath(candidate)
    if given:
        raise BenchError("no ansible_collections/portsip/pbx under %s" % given)
    # Nothing configured: load this checkout through a symlink.
    namespace = os.path.join(workdir, "collections", "ansible_collections", "portsip")
    os.makedirs(namespace)
    os.symlink(ROOT, os.path.join(namespace, "pbx"))
    return os.path.join(workdir, "collections"), ROOT
