# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every command of the guide page on testing offline (docs/docsite/rst/testing-offline.rst) works as written.

The page's console blocks run in order, in one bash, from a folder laid out as a checkout after `make demo`:
the checkout's files, .venv-demo/ (this Python's venv) and .build/demo/collections (the staged collection).
Nothing of the test's own environment helps: no ansible-playbook on PATH, no ANSIBLE_*, PORTSIP_* or PYTHONPATH,
so the page's own set-up lines must provide them. Only the simulator's port and TLS folder are swapped for free
ones. A command that starts the simulator (in the foreground, on the page) runs in the background; one started
later stops the one before.

Each command must exit 0 and print the lines the page shows under it (a number with a decimal point and "..."
stand for any text); a "# changed=0" comment must hold in the PLAY RECAP; no warning may appear that the page
does not show, and no password.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PAGE = os.path.join(ROOT, "docs", "docsite", "rst", "testing-offline.rst")
SIMULATOR = re.compile(r"python3 -m portsip_sim .*--port")
MARK = "@@@ command %d exit "


class Command:
    def __init__(self, text):
        self.text = text
        self.expected = []
        self.output = ""
        self.rc = None


def commands(page):
    """The commands of the page's console blocks, each with the output lines shown under it."""
    found = []
    lines = page.splitlines()
    for index, line in enumerate(lines):
        if line.strip() != ".. code:: console":
            continue
        block = []
        for body in lines[index + 1:]:
            if body.strip() and not body.startswith("   "):
                break
            block.append(body[3:])
        for body in block:
            if body.startswith("$ "):
                found.append(Command(body[2:]))
            elif body.startswith(" ") and body.strip():
                found[-1].text += "\n" + body
            elif body.strip():
                found[-1].expected.append(body)
    return found


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def script(steps):
    """One bash script running every command, each followed by a line with its exit status."""
    out = ["stop_simulator() { if [ -n \"${sim_pid:-}\" ]; then kill \"$sim_pid\"; wait \"$sim_pid\" 2>/dev/null; fi; sim_pid=; }",
           "trap stop_simulator EXIT"]
    for number, command in enumerate(steps):
        if SIMULATOR.search(command.text):
            log = "simulator-%d.log" % number
            out += ["stop_simulator",
                    "%s >%s 2>&1 </dev/null &" % (command.text, log),
                    "sim_pid=$!",
                    "for _ in $(seq 300); do grep -q PORTSIP_SIM_URL= %s && break; sleep 0.1; done" % log,
                    "cat %s" % log]
        else:
            # On lines of their own: a comment at the end of the command must not swallow the redirection.
            out += ["{", command.text, "} 2>&1"]
        out.append("echo \"%s$?\"" % (MARK % number))
    return "\n".join(out) + "\n"


def pattern(line):
    """An expected output line as a regular expression: a decimal number or "..." stands for any text."""
    parts = re.split(r"(\d+\.\d+|\.\.\.)", line)
    return "^" + "".join(".*" if index % 2 else re.escape(part) for index, part in enumerate(parts)) + "$"


def checkout(tmp_path):
    """A checkout's root after `make demo`, made of links."""
    root = tmp_path / "checkout"
    (root / ".build" / "demo").mkdir(parents=True)
    for name in ("docs", "tests"):
        os.symlink(os.path.join(ROOT, name), str(root / name))
    os.symlink(sys.prefix, str(root / ".venv-demo"))
    os.symlink(os.environ["ANSIBLE_COLLECTIONS_PATH"].split(os.pathsep)[0], str(root / ".build" / "demo" / "collections"))
    return root


def bare_environment():
    venv_bin = os.path.join(sys.prefix, "bin")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ANSIBLE_", "PORTSIP_", "JUNIT_")) and key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join(entry for entry in env["PATH"].split(os.pathsep) if entry != venv_bin)
    env["ANSIBLE_NOCOLOR"] = "1"
    return env


def test_every_command_works_as_written(tmp_path):
    with open(PAGE, encoding="utf-8") as handle:
        page = handle.read()
    port, tls_dir = str(free_port()), str(tmp_path / "sim-tls")
    steps = commands(page.replace("8887", port).replace("/tmp/sim-tls", tls_dir))
    assert any("ansible-playbook" in command.text for command in steps)

    root = checkout(tmp_path)
    completed = subprocess.run(["bash", "-c", script(steps)], cwd=str(root), env=bare_environment(),
                               capture_output=True, text=True, timeout=600, check=False)
    rest = completed.stdout
    for number, command in enumerate(steps):
        command.output, _mark, rest = rest.partition(MARK % number)
        status, _newline, rest = rest.partition("\n")
        command.rc = int(status) if status else None

    for command in steps:
        shown = "$ %s\n%s" % (command.text, command.output)
        assert command.rc == 0, shown + completed.stderr
        for line in command.expected:
            assert re.search(pattern(line), command.output, re.MULTILINE), "%s\nexpected: %s" % (shown, line)
        if "# changed=0" in command.text:
            assert re.search(r"^localhost\s+: ok=\d+\s+changed=0\s", command.output, re.MULTILINE), shown
        assert "demosecret42" not in command.output and "portsip123" not in command.output, shown
        warnings = [line for line in command.output.splitlines() if "[WARNING]" in line]
        unexplained = [line for line in warnings if not any(re.search(pattern(shown_line), line) for shown_line in command.expected)]
        assert unexplained == [], shown
