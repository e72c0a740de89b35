# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Measure what a portsip.pbx task costs next to ansible.builtin.uri, and write docs/performance.md.

Starts the API simulator in this process and runs real ansible-playbook against it. Every scenario is
one playbook from tools/bench/ with one loop of N items (of K tasks for the ivr_action_urls scenarios,
each of which declares 100 IVRs of 10 action URLs). Each round runs every scenario twice: with an
empty loop (the playbook's fixed start-up) and with N items; per task = (with N - empty) / N. The report
gives the median over the rounds, the requests per task from the simulator's log, the ratios the
collection aims at, what limits each, and a profile of the module's start-up.

A measurement, not a test: it exits 0 when a target is missed (and says so), and non-zero only when it
could not measure (a playbook failed, or a scenario did not do what it claims).

Run it with the Python of the environment under test: modules run with the same interpreter, and
ansible-playbook is taken from the same bin directory (else from PATH). The collection is the one found
on ANSIBLE_COLLECTIONS_PATH (or --collections-path), else this checkout.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import collections
import datetime
import glob
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOKS = os.path.join(ROOT, "tools", "bench")
sys.path.insert(0, os.path.join(ROOT, "tests", "simulator"))

from portsip_sim import Simulator  # noqa: E402  pylint: disable=wrong-import-position

ACCESS_TOKEN = "bench-access-token-7c2e"
USERNAME, PASSWORD, DOMAIN = "admin", "portsip123", "demo.portsip.local"
INFO_IVR_COUNTS = (1, 10, 100)
INFO_URLS_PER_IVR = 2
WHOLE_IVRS, WHOLE_URLS_PER_IVR = 100, 10
LATENCY = 0.020  # seconds the latency simulator adds to every API answer
WHOLE_KEYS = ("7s", "7c", "7p1", "8", "8p1")
INFO_KEYS = tuple("6.%d" % count for count in INFO_IVR_COUNTS)
SCENARIO_KEYS = ("1", "2", "3", "4s", "4c", "5") + INFO_KEYS + WHOLE_KEYS
# Each ratio's two scenarios run back to back where the chain allows it (7s/1 has 3 in between, as 1 is in three ratios).
MEASURING_ORDER = ("7p1", "8p1", "8", "7s", "3", "1", "4s", "4c", "2", "7c", "5") + INFO_KEYS
# What --whole measures: the ivr_action_urls scenarios and the ivr_action_url ones they are compared with.
WHOLE_SELECTION = ("1", "2") + WHOLE_KEYS
# The only ANSIBLE_* variables passed on to ansible-playbook: every other setting is dropped, so the
# numbers are those of Ansible's defaults whatever the caller's shell holds.
KEPT_ANSIBLE_VARIABLES = ("ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_HOME", "ANSIBLE_LOCAL_TEMP", "ANSIBLE_REMOTE_TMP")
# (name, numerator, denominator, limit), of the time per action URL
RATIOS = (
    ("1/3", "1", "3", 1.10),
    ("1/4", "1", "4s", 1.00),
    ("2/4", "2", "4c", 0.60),
    ("7s/1", "7s", "1", 1 / 100.0),
    ("7c/2", "7c", "2", 1 / 50.0),
)
# (name, (with latency, without), (with latency, without), limit): what the latency adds to the first pair's task
# against what it adds to the second pair's
LATENCY_RATIO = ("8/8p1", ("8", "7s"), ("8p1", "7p1"), 0.30)
BASIC = "import ansible.module_utils.basic"
IMPORT_PROBES = (
    ("python", "pass"),
    ("basic", BASIC),
    ("requests", BASIC + ", requests"),
    ("urls", BASIC + ", ansible.module_utils.urls"),
    ("http.client", BASIC + ", http.client"),
)


class BenchError(Exception):
    """The benchmark could not measure: a playbook failed or a scenario did something else than it claims."""


# -- data -------------------------------------------------------------------------


def action_url(number, request_timeout=2):
    """An action URL as the benchmark declares it: every field the tasks set, nothing else."""
    return {
        "name": "bench-%03d" % number,
        "enabled": True,
        "type": "DTMF",
        "dtmf_mask": "%d;%d" % (number % 10, 10 + number % 90),
        "method": "POST",
        "url": "https://crm.example.com/portsip/hook/%03d" % number,
        "connection_timeout": 2,
        "request_timeout": request_timeout,
    }


def reads(count):
    return [{"name": "read-%03d" % number} for number in range(1, count + 1)]


def info_seed(ivrs):
    return {"ivrs": [{
        "name": "IVR %03d" % number,
        "extension_number": str(8000 + number),
        "action_urls": [dict(action_url(number * 10 + index), name="hook-%d" % index) for index in range(1, INFO_URLS_PER_IVR + 1)],
    } for number in range(1, ivrs + 1)]}


def whole_urls(ivr_number, request_timeout=2):
    first = (ivr_number - 1) * WHOLE_URLS_PER_IVR + 1
    return [action_url(number, request_timeout) for number in range(first, first + WHOLE_URLS_PER_IVR)]


def whole_seed():
    return {"ivrs": [{"name": "Whole %03d" % number, "extension_number": str(9000 + number), "action_urls": whole_urls(number)}
                     for number in range(1, WHOLE_IVRS + 1)]}


def whole_configs(sim):
    """{"stored": config as the simulator starts, "changed": request_timeout changed on every action URL}, by ivr_id."""
    ids = {ivr["name"]: ivr["id"] for ivr in sim.control().state()["ivrs"]}
    return {version: [{"ivr_id": ids["Whole %03d" % number], "action_urls": whole_urls(number, request_timeout)}
                      for number in range(1, WHOLE_IVRS + 1)]
            for version, request_timeout in (("stored", 2), ("changed", 5))}


class Pbx:
    """A running simulator and what a playbook needs to reach it.

    ivr_id: the IVR of the ivr_action_url scenarios; configs: the ivr_action_urls configs (see whole_configs).
    """

    def __init__(self, sim, ivr_id=None, configs=None):
        self.sim = sim
        self.control = sim.control()
        self.ivr_id = ivr_id
        self.configs = configs

    def variables(self):
        return {"bench_url": self.sim.base_url, "bench_access_token": ACCESS_TOKEN, "bench_ivr_id": self.ivr_id,
                "bench_configs": self.configs, "bench_username": USERNAME, "bench_password": PASSWORD, "bench_domain": DOMAIN}


# -- running things and timing them ---------------------------------------------------


class Clock:
    """Wall time, and the CPU time (user + system) of the child processes that ended meanwhile.

    ansible-playbook waits for its workers and they wait for the module processes, so its CPU time covers
    the whole tree. The simulator runs in this process and is not counted.
    """

    def __init__(self):
        self.wall = time.perf_counter()
        self.cpu = self._children()

    @staticmethod
    def _children():
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def read(self):
        return time.perf_counter() - self.wall, self._children() - self.cpu


def timed(command, env=None, cwd=None):
    """Run a command; returns ((wall, cpu), stdout, stderr). Raises BenchError if it fails.

    If the benchmark is interrupted, the command and every process under it (an ansible-playbook, its
    workers, which start their own sessions, and their module processes) are killed with it.
    """
    clock = Clock()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    try:
        out, err = process.communicate()
    except BaseException:
        for pid in [process.pid] + descendants(process.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass  # already gone
        process.wait()
        raise
    seconds = clock.read()
    if process.returncode != 0:
        raise BenchError("%s failed (rc %d):\n%s" % (" ".join(command), process.returncode, (out + err)[-4000:]))
    return seconds, out, err


def descendants(root):
    """The PIDs of every process under `root`, from /proc (empty where there is no /proc)."""
    children = collections.defaultdict(list)
    for entry in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(entry, encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children[int(fields[1])].append(int(entry.split("/")[2]))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


class Runner:
    """Runs the playbooks of tools/bench/ on localhost, with this Python for the modules."""

    def __init__(self, workdir, collections_path):
        self.workdir = workdir
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
        _seconds, out, _err = timed([command, "--json", module], env=self.env, cwd=os.path.join(self.workdir, "cwd"))
        return json.loads(out)[module]["doc"]["options"][option]["default"]

    def run(self, playbook, variables, extra_env=None):
        """Run one playbook from an empty directory; returns (wall, cpu) seconds."""
        path = os.path.join(self.workdir, "vars.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(variables, handle)
        command = [self.command, "-i", self.inventory, os.path.join(PLAYBOOKS, playbook), "-e", "@" + path]
        return timed(command, env=dict(self.env, **(extra_env or {})), cwd=os.path.join(self.workdir, "cwd"))[0]


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


# -- the scenarios ------------------------------------------------------------------


class Scenario:
    """One playbook, the items of its loop and the simulator it runs against.

    An object is what one loop item declares. tasks: task executions per object (the uri pattern has two);
    writes: writes per object, checked against the simulator's log so a scenario measures what it claims;
    urls: action URLs per object (an ivr_action_urls task declares many); variables: more playbook variables.
    """

    def __init__(self, key, label, playbook, pbx, items, writes, tasks=1, urls=1, variables=None):
        self.key = key
        self.label = label
        self.playbook = playbook
        self.pbx = pbx
        self.items = items
        self.writes = writes
        self.tasks = tasks
        self.urls = urls
        self.variables = variables or {}
        self.rounds = []  # dicts: empty and full as (wall, cpu), requests

    @property
    def n(self):
        return len(self.items)

    def per_object(self, kind):
        index = 0 if kind == "wall" else 1
        return [(done["full"][index] - done["empty"][index]) / self.n for done in self.rounds]

    def per_url(self, kind):
        return [seconds / self.urls for seconds in self.per_object(kind)]

    def median(self, what):
        if what in ("wall", "cpu"):
            return statistics.median(self.per_object(what))
        if what == "requests":
            return statistics.median(done["requests"] for done in self.rounds) / float(self.n)
        return statistics.median(done[what][0] for done in self.rounds)


def scenarios(n, info_n, whole_n, main, info, whole, latency):
    stored = [action_url(number) for number in range(1, n + 1)]
    changed = [action_url(number, request_timeout=5) for number in range(1, n + 1)]
    found = [
        Scenario("1", "ivr_action_url, unchanged (ivr_id + access token)", "ivr_action_url.yml", main, stored, writes=0),
        Scenario("2", "ivr_action_url, changing one field", "ivr_action_url.yml", main, changed, writes=1),
        Scenario("3", "uri, one GET of the list", "uri_get.yml", main, stored, writes=0),
        Scenario("4s", "uri pattern (GET, POST when different), nothing to change", "uri_pattern.yml", main, stored, writes=0, tasks=2),
        Scenario("4c", "uri pattern (GET, POST when different), change needed", "uri_pattern.yml", main, changed, writes=1, tasks=2),
        Scenario("5", "ivr_action_url, unchanged (ivr_id + username/password)", "ivr_action_url_login.yml", main, stored, writes=0),
    ]
    for count in INFO_IVR_COUNTS:
        found.append(Scenario("6.%d" % count, "ivr_action_url_info, every IVR, %d IVR%s" % (count, "" if count == 1 else "s"),
                              "ivr_action_url_info.yml", info[count], reads(info_n), writes=0))
    # Each loop item names a config of whole_configs; the change scenario goes back and forth between the two, so
    # every task changes every action URL.
    unchanged = ["stored"] * whole_n
    back_and_forth = [("changed", "stored")[number % 2] for number in range(whole_n)]
    urls = WHOLE_IVRS * WHOLE_URLS_PER_IVR
    shape = "%d IVRs x %d action URLs" % (WHOLE_IVRS, WHOLE_URLS_PER_IVR)
    found += [
        Scenario("7s", "ivr_action_urls, %s, unchanged (ivr_id + access token)" % shape, "ivr_action_urls.yml", whole, unchanged,
                 writes=0, urls=urls),
        Scenario("7c", "ivr_action_urls, %s, one field changed on each" % shape, "ivr_action_urls.yml", whole, back_and_forth,
                 writes=urls, urls=urls),
        Scenario("7p1", "ivr_action_urls, %s, unchanged, parallelism 1" % shape, "ivr_action_urls.yml", whole, unchanged,
                 writes=0, urls=urls, variables={"bench_parallelism": 1}),
        Scenario("8", "ivr_action_urls, %s, unchanged, %.0f ms latency" % (shape, LATENCY * 1000), "ivr_action_urls.yml", latency,
                 unchanged, writes=0, urls=urls),
        Scenario("8p1", "ivr_action_urls, %s, unchanged, %.0f ms latency, parallelism 1" % (shape, LATENCY * 1000),
                 "ivr_action_urls.yml", latency, unchanged, writes=0, urls=urls, variables={"bench_parallelism": 1}),
    ]
    return found


def measure(scenario, runner):
    """One round of one scenario: the empty loop, then the loop of N, each on the simulator's start-up data."""
    pbx = scenario.pbx
    variables = dict(pbx.variables(), bench_items=[], **scenario.variables)
    pbx.sim.reset()
    empty = runner.run(scenario.playbook, variables)
    if pbx.control.log():
        raise BenchError("scenario %s: the playbook with an empty loop sent requests" % scenario.key)
    pbx.sim.reset()  # so a change is needed again in every round of a change scenario
    full = runner.run(scenario.playbook, dict(variables, bench_items=scenario.items))
    log = pbx.control.log()
    writes = [entry for entry in log if entry["write"]]
    if len(writes) != scenario.writes * scenario.n:
        raise BenchError("scenario %s: expected %d writes, the simulator saw %d" % (scenario.key, scenario.writes * scenario.n, len(writes)))
    failed = [entry for entry in log if entry["status"] is None or entry["status"] >= 400]
    if failed:
        raise BenchError("scenario %s: %d requests failed, the first: %r" % (scenario.key, len(failed), failed[0]))
    done = {"empty": empty, "full": full, "requests": len(log)}
    scenario.rounds.append(done)
    return done


# -- profiling the module's start-up ---------------------------------------------------


def parse_importtime(text):
    """[(module, self seconds)] from the stderr of python -X importtime."""
    found = []
    for line in text.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if match:
            found.append((match.group(2), int(match.group(1)) / 1e6))
    return found


def medians(samples, runs):
    """{name: median} of {name: [values]} gathered over `runs` runs; a name missing from a run counts 0 there."""
    return {name: statistics.median(values + [0.0] * (runs - len(values))) for name, values in samples.items()}


def import_probes(repeats):
    """{probe: (wall, cpu, {module: self seconds})} for `python -X importtime -c CODE`, medians over the repeats."""
    samples = {key: ([], [], collections.defaultdict(list)) for key, _code in IMPORT_PROBES}
    for _repeat in range(repeats):
        for key, code in IMPORT_PROBES:  # interleaved, so a change of load hits every probe alike
            (wall, cpu), _out, err = timed([sys.executable, "-X", "importtime", "-c", code])
            walls, cpus, selves = samples[key]
            walls.append(wall)
            cpus.append(cpu)
            summed = collections.defaultdict(float)
            for name, seconds in parse_importtime(err):
                summed[name] += seconds
            for name, seconds in summed.items():
                selves[name].append(seconds)
    return {key: (statistics.median(walls), statistics.median(cpus), medians(selves, repeats))
            for key, (walls, cpus, selves) in samples.items()}


def added_by(base, more):
    """What `more` imports beyond `base`, by top-level package: [(package, self seconds, modules)], largest first."""
    groups = collections.defaultdict(lambda: [0.0, 0])
    for name, seconds in more.items():
        if name not in base:
            group = groups[name.split(".")[0]]
            group[0] += seconds
            group[1] += 1
    return sorted(((name, total, count) for name, (total, count) in groups.items()), key=lambda row: -row[1])


def import_group(name):
    """Buckets for comparing what two module processes import."""
    if name.startswith("ansible_collections.portsip.pbx"):
        return "portsip.pbx module_utils"
    if name == "ansible.module_utils.urls":
        return name
    if name == "ansible" or name.startswith("ansible."):
        return "ansible.module_utils.basic and helpers"
    return name.split(".")[0]


WRAPPER = """#!%(python)s
# The interpreter Ansible runs modules with during the profile: runs the module with %(python)s and
# logs the wall and CPU time of that process alone, and the size of the result it prints.
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run([%(python)r] + sys.argv[1:], stdout=subprocess.PIPE)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stdout.buffer.write(done.stdout)
with open(%(log)r, "a") as handle:
    handle.write("%%f %%f %%d\\n" %% (time.perf_counter() - start, usage.ru_utime + usage.ru_stime, len(done.stdout)))
sys.exit(done.returncode)
"""


def module_processes(runner, main, repeats, workdir):
    """The module processes alone, for the uri GET (3) and the unchanged ivr_action_url (1).

    Runs each playbook with a loop of `repeats` items and an interpreter wrapper that times every module
    process inside the task, so the rest of the task's time is Ansible's. The AnsiballZ files are kept and
    run again with -X importtime, outside Ansible, the two modules in turn.

    Returns {key: (wall, cpu, {import group: self seconds}, result bytes)}, medians.
    """
    times, kept = {}, {}
    for key, playbook in (("3", "uri_get.yml"), ("1", "ivr_action_url.yml")):
        log = os.path.join(workdir, "processes-%s.log" % key)
        wrapper = os.path.join(workdir, "python-%s" % key)
        with open(wrapper, "w", encoding="utf-8") as handle:
            handle.write(WRAPPER % {"python": sys.executable, "log": log})
        os.chmod(wrapper, 0o755)
        remote = os.path.join(workdir, "remote-" + key)
        main.sim.reset()
        items = [action_url(1)] * repeats  # the same unchanged object each time
        runner.run(playbook, dict(main.variables(), bench_items=items, ansible_python_interpreter=wrapper),
                   extra_env={"ANSIBLE_KEEP_REMOTE_FILES": "1", "ANSIBLE_REMOTE_TMP": remote})
        with open(log, encoding="utf-8") as handle:
            times[key] = [[float(value) for value in line.split()] for line in handle if line.strip()]
        if len(times[key]) != repeats:
            raise BenchError("expected %d module processes in %s, found %d" % (repeats, playbook, len(times[key])))
        wrapped = sorted(glob.glob(os.path.join(remote, "*", "AnsiballZ_*.py")))
        if not wrapped:
            raise BenchError("no AnsiballZ file was kept under %s" % remote)
        kept[key] = wrapped[0]
    groups = {key: collections.defaultdict(list) for key in kept}
    for _repeat in range(repeats):
        for key in sorted(kept):  # in turn, so a change of load hits both alike
            _seconds, _out, err = timed([sys.executable, "-X", "importtime", kept[key]], env=dict(os.environ, TMPDIR=workdir))
            summed = collections.defaultdict(float)
            for name, seconds in parse_importtime(err):
                summed[import_group(name)] += seconds
            for name, seconds in summed.items():
                groups[key][name].append(seconds)
    main.sim.reset()
    return {key: (statistics.median(row[0] for row in rows), statistics.median(row[1] for row in rows), medians(groups[key], repeats),
                  statistics.median(row[2] for row in rows)) for key, rows in times.items()}


# -- results and the report ----------------------------------------------------------


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    return cores, model


def versions():
    from ansible.release import __version__ as ansible_core  # pylint: disable=import-outside-toplevel
    try:
        import requests  # pylint: disable=import-outside-toplevel
    except ImportError as error:
        raise BenchError("the modules need requests, which %s cannot import" % sys.executable) from error
    return platform.python_version(), ansible_core, requests.__version__


def ms(seconds):
    return "%.0f" % (seconds * 1000)


class Results:
    def __init__(self, found, prof, meta):
        self.by_key = {scenario.key: scenario for scenario in found}
        self.order = found
        self.prof = prof
        self.meta = meta

    def per(self, key, kind="wall"):
        return self.by_key[key].median(kind)

    def requests(self, key):
        return self.by_key[key].median("requests")

    def table(self):
        """The one-task-per-object scenarios."""
        head = ["#", "scenario", "N", "tasks per object", "requests per object", "start-up s", "with N s", "per object ms",
                "range ms", "CPU per object ms"]
        rows = [[scenario.key, scenario.label, str(scenario.n), str(scenario.tasks), "%.2f" % scenario.median("requests")] +
                timings(scenario) for scenario in self.order if scenario.key not in WHOLE_KEYS]
        return head, rows

    def whole_table(self):
        """The ivr_action_urls scenarios, one task per loop item, many action URLs per task."""
        head = ["#", "scenario", "K", "action URLs per task", "requests per task", "start-up s", "with K s", "per task ms",
                "range ms", "CPU per task ms", "per action URL ms"]
        rows = [[scenario.key, scenario.label, str(scenario.n), str(scenario.urls), "%.0f" % scenario.median("requests")] +
                timings(scenario) + ["%.2f" % (scenario.median("wall") * 1000 / scenario.urls)]
                for scenario in self.order if scenario.key in WHOLE_KEYS]
        return head, rows

    def ratios(self, top, bottom, kind):
        """Each round's ratio of the time per action URL: the two runs of a ratio are measured back to back."""
        pairs = zip(self.by_key[top].per_url(kind), self.by_key[bottom].per_url(kind))
        return [numerator / denominator for numerator, denominator in pairs]

    def ratio(self, top, bottom, kind="wall"):
        """The median over the rounds of each round's ratio."""
        return statistics.median(self.ratios(top, bottom, kind))

    def shown_ratio(self, name, kind="wall"):
        """A ratio of RATIOS, as the targets show it."""
        top, bottom, limit = next(row[1:] for row in RATIOS if row[0] == name)
        return judged(self.ratio(top, bottom, kind), limit)[0]

    def added(self, pair):
        """Each round's wall time per task that the first scenario of the pair takes over the second."""
        slower, faster = (self.by_key[key].per_object("wall") for key in pair)
        return [one - other for one, other in zip(slower, faster)]

    def latency_ratios(self):
        _name, top, bottom, _limit = LATENCY_RATIO
        return [numerator / denominator for numerator, denominator in zip(self.added(top), self.added(bottom))]

    def targets(self):
        """[(target, goal, measured, CPU cross-check, met, met by CPU)], judged on wall time, as the targets are stated.

        The CPU cross-check is empty (and met by CPU None) where CPU time says nothing, as for waiting on latency.
        """
        rows = []
        for key, expected, what in REQUEST_TARGETS:
            if key in self.by_key:
                requests = self.requests(key)
                rows.append((what, "= %d" % expected, "%.2f" % requests, "", requests == expected, None))
        for name, top, bottom, limit in RATIOS:
            if top not in self.by_key or bottom not in self.by_key:
                continue
            wall, met = judged(self.ratio(top, bottom, "wall"), limit)
            cpu, cpu_met = judged(self.ratio(top, bottom, "cpu"), limit)
            rows.append(("%s: %s / %s" % (name, self.by_key[top].label, self.by_key[bottom].label), "<= %s" % judged(limit, limit)[0],
                         wall + spread(self.ratios(top, bottom, "wall"), limit), cpu, met, cpu_met))
        name, top, bottom, limit = LATENCY_RATIO
        if all(key in self.by_key for key in top + bottom):
            values = self.latency_ratios()
            wall, met = judged(statistics.median(values), limit)
            rows.append(("%s: what %.0f ms of latency adds to the unchanged ivr_action_urls task, default parallelism / parallelism 1"
                         % (name, LATENCY * 1000), "<= %s" % judged(limit, limit)[0],
                         wall + spread(values, limit), "", met, None))
        return rows


# (scenario, requests per task it must make, the target)
REQUEST_TARGETS = (
    ("1", 1, "requests per unchanged task (1, ivr_id + access token)"),
    ("7s", WHOLE_IVRS, "requests per unchanged ivr_action_urls task (7s, ivr_id + access token)"),
    ("7c", WHOLE_IVRS * (1 + WHOLE_URLS_PER_IVR), "requests per ivr_action_urls task changing every action URL (7c)"),
)


def timings(scenario):
    """start-up s, with N s, per object ms, range ms, CPU per object ms."""
    walls = scenario.per_object("wall")
    return ["%.2f" % scenario.median("empty"), "%.2f" % scenario.median("full"), ms(scenario.median("wall")),
            "%s-%s" % (ms(min(walls)), ms(max(walls))), ms(scenario.median("cpu"))]


def judged(value, limit):
    """(value as shown, whether the shown value meets the limit): limits under 0.1 are shown as 1/N."""
    if limit >= 0.1:
        shown = "%.2f" % value
        return shown, float(shown) <= limit
    inverse = round(1 / value)
    return "1/%d" % inverse, inverse >= round(1 / limit)


def spread(values, limit):
    """The range over the rounds, as judged() shows values, when there are several."""
    return "" if len(values) == 1 else " (%s-%s)" % (judged(min(values), limit)[0], judged(max(values), limit)[0])


def markdown_table(head, rows):
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _cell in head) + "|"]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def text_table(head, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(head, *rows)]
    line = "  ".join("%%-%ds" % width for width in widths)
    return [line % tuple(head), line % tuple("-" * width for width in widths)] + [line % tuple(row) for row in rows]


def limits(results):
    """What keeps each ratio where it is, in words built from the measurements.

    Differences are given in CPU time, which the machine's other load hardly moves; wall times are in the tables.
    """
    wall = {key: results.per(key) for key in SCENARIO_KEYS}
    cpu = {key: results.per(key, "cpu") for key in SCENARIO_KEYS}
    prof = results.prof
    process = prof["processes"]
    mod_groups, uri_groups = process["1"][2], process["3"][2]
    probes = prof["imports"]
    python = probes["python"][1]
    http_stack = sum(mod_groups.get(name, 0.0) for name in ("requests", "urllib3", "charset_normalizer", "idna", "certifi"))
    own = mod_groups.get("portsip.pbx module_utils", 0.0)
    uri_stack = uri_groups.get("ansible.module_utils.urls", 0.0)
    crypto = uri_groups.get("cryptography", 0.0) + uri_groups.get("_cffi_backend", 0.0)
    skipped = cpu["4s"] - cpu["3"]

    ratio = results.ratio
    lines = ["### 1/3: the unchanged task against one uri GET (%.2f; CPU %.2f)" % (ratio("1", "3"), ratio("1", "3", "cpu")), ""]
    lines.append(
        "Both tasks make the same single GET. A task costs %s ms of CPU with ivr_action_url and %s ms with uri. Timed inside "
        "the task, the module process itself takes %s ms of CPU for ivr_action_url and %s ms for uri: most of the task. The "
        "rest is Ansible's own work per task (templating the arguments, the worker process, the AnsiballZ payload, the local "
        "connection's shell commands for the temporary directory, reading back the result), the same for both modules "
        "except that reading the result grows with its size: uri returns the whole list it fetched (%.1f kB here), "
        "ivr_action_url one action URL (%.1f kB)." % (
            ms(cpu["1"]), ms(cpu["3"]), ms(process["1"][1]), ms(process["3"][1]), process["3"][3] / 1000.0, process["1"][3] / 1000.0))
    lines.append("")
    lines.append(
        "Inside the process, both pay Python's start (%s ms of CPU) and ansible.module_utils.basic, which AnsiballZ ships "
        "as source in a zip and so is compiled on every run (%s ms of import time in the uri process, %s ms in the "
        "ivr_action_url one). Only the HTTP stack differs: ivr_action_url imports requests and its dependencies (%s ms) "
        "and its own module_utils (%s ms, also compiled from source); uri imports ansible.module_utils.urls (%s ms) and, "
        "through it, cryptography (%s ms; urls loads it when it is installed). Python, basic and Ansible's per-task work "
        "are a floor no module can go under, so this ratio stays near 1: of the %s ms of CPU of an unchanged task, about "
        "%s ms come from this collection's own choices (requests and its module_utils)." % (
            ms(python), ms(uri_groups.get("ansible.module_utils.basic and helpers", 0.0)),
            ms(mod_groups.get("ansible.module_utils.basic and helpers", 0.0)), ms(http_stack), ms(own), ms(uri_stack), ms(crypto),
            ms(cpu["1"]), ms(http_stack + own)))
    lines += ["", "### 1/4: the unchanged task against the uri pattern with nothing to change (%.2f; CPU %.2f)" % (
        ratio("1", "4s"), ratio("1", "4s", "cpu")), ""]
    lines.append(
        "The pattern's POST task is skipped, yet every skipped loop item still costs Ansible about %s ms of CPU (templating "
        "the item's variables and `when`, the callback) on top of the GET task. The module stays under 1.00 as long as its "
        "cost over one uri task (%+.0f ms of CPU here) is smaller than that skipped item." % (ms(skipped), (cpu["1"] - cpu["3"]) * 1000))
    lines += ["", "### 2/4: a change, the module against the uri pattern (%.2f; CPU %.2f)" % (ratio("2", "4c"), ratio("2", "4c", "cpu")), ""]
    lines.append(
        "The module reads and writes in one process: the change adds %+.0f ms of CPU to the unchanged task, the second "
        "request. The pattern starts a second module process for the POST: %s ms of CPU per object against %s ms when "
        "nothing changes. So the ratio sits near the module's cost over two uri tasks (%.2f in CPU here), and whatever the "
        "module costs over one uri task comes straight off the margin to 0.60." % (
            (cpu["2"] - cpu["1"]) * 1000, ms(cpu["4c"]), ms(cpu["4s"]), cpu["1"] / (2 * cpu["3"])))
    lines += ["", "### Username and password against an access token (5 against 1)", ""]
    lines.append(
        "Every task is a new process, so with pbx_username and pbx_password every task logs in again: %.0f requests per "
        "task instead of %.0f, %+.0f ms of CPU per task against the simulator (%s ms against %s ms wall). A real PBX adds "
        "a round trip and its password check to every task; for long loops, pass pbx_access_token." % (
            results.requests("5"), results.requests("1"), (cpu["5"] - cpu["1"]) * 1000, ms(wall["5"]), ms(wall["1"])))
    small, large = "6.%d" % INFO_IVR_COUNTS[0], "6.%d" % INFO_IVR_COUNTS[-1]
    lines += ["", "### ivr_action_url_info and the number of IVRs (6)", ""]
    lines.append(
        "Reading every IVR takes one list request per 100 IVRs plus one request per IVR: %.0f requests per task for %d IVR, "
        "%.0f for %d. Against the local simulator the task grows from %s ms to %s ms (%s to %s ms of CPU), about %.1f ms "
        "per IVR. On a real PBX each request adds a network round trip and the server's work, so with hundreds of IVRs the "
        "request count, not the start-up, sets the time; give ivr_id or ivr when one IVR is enough." % (
            results.requests(small), INFO_IVR_COUNTS[0], results.requests(large), INFO_IVR_COUNTS[-1], ms(wall[small]),
            ms(wall[large]), ms(cpu[small]), ms(cpu[large]),
            (wall[large] - wall[small]) * 1000 / (INFO_IVR_COUNTS[-1] - INFO_IVR_COUNTS[0])))
    return lines + whole_limits(results, wall, cpu)


def whole_limits(results, wall, cpu):
    """What keeps the ivr_action_urls ratios where they are (scenarios 7 and 8)."""
    urls = WHOLE_IVRS * WHOLE_URLS_PER_IVR
    parallelism = results.meta["parallelism"]
    added = statistics.median(results.added(LATENCY_RATIO[1]))
    added_serial = statistics.median(results.added(LATENCY_RATIO[2]))
    per_worker = -(-WHOLE_IVRS // parallelism)
    lines = ["", "### 7s/1: one task for %d IVRs of %d action URLs, nothing to change (%s; CPU %s)" % (
        WHOLE_IVRS, WHOLE_URLS_PER_IVR, results.shown_ratio("7s/1"), results.shown_ratio("7s/1", "cpu")), ""]
    lines.append(
        "The task reads each IVR's action URLs once (%.0f requests) and compares %d action URLs in one module process: %s ms "
        "(%s ms of CPU), as much as %.1f unchanged ivr_action_url tasks, which compare one each. So the start-up every task "
        "pays (Python, ansible.module_utils.basic and requests in a fresh process, Ansible's work per task: most of the %s ms of "
        "CPU of scenario 1, see 1/3) is paid once for %d action URLs instead of once for each. What the task costs beyond one "
        "ivr_action_url task, %s ms of CPU or %.2f ms per action URL, grows with the config: Ansible templates its %d items and "
        "the module validates each against its argument spec, then %d reads and %d comparisons. With parallelism 1 (7p1) the "
        "task takes %s ms (%+.0f ms): against the local simulator the reads wait for no network, so their overlap matters "
        "once there is latency (8/8p1)." % (
            results.requests("7s"), urls, ms(wall["7s"]), ms(cpu["7s"]), wall["7s"] / wall["1"], ms(cpu["1"]), urls,
            ms(cpu["7s"] - cpu["1"]), (cpu["7s"] - cpu["1"]) * 1000 / urls, urls, WHOLE_IVRS, urls, ms(wall["7p1"]),
            (wall["7p1"] - wall["7s"]) * 1000))
    lines += ["", "### 7c/2: one field changed on every action URL (%s; CPU %s)" % (
        results.shown_ratio("7c/2"), results.shown_ratio("7c/2", "cpu")), ""]
    lines.append(
        "The same task writing %d updates, one request each (%.0f requests in all): %s ms, %.2f ms more per action URL than "
        "the unchanged task (%.2f ms of CPU): the update's request and answer, the simulator's work, the module building "
        "the body. Writes run one at a time, so that a failing write stops the task at a known point, and each costs one "
        "round trip to the PBX: on a real network, %d changes take at least %d round trips, however fast the machine. "
        "The ratio divides by a changing ivr_action_url task (%s ms), which pays a whole task's start-up for its one "
        "write." % (
            urls, results.requests("7c"), ms(wall["7c"]), (wall["7c"] - wall["7s"]) * 1000 / urls,
            (cpu["7c"] - cpu["7s"]) * 1000 / urls, urls, urls, ms(wall["2"])))
    lines += ["", "### 8/8p1: %.0f ms of latency on every request (%.2f)" % (
        LATENCY * 1000, statistics.median(results.latency_ratios())), ""]
    lines.append(
        "The unchanged task makes %d reads. One after the other (parallelism 1) the latency adds at least %d x %.0f ms = "
        "%s ms; measured, %s ms. With the module's default parallelism, %d threads share the reads, %d each one after the "
        "other: at least %s ms, a ratio of %.2f; measured, %s ms. What keeps it above %.2f is the work of the reads that "
        "does not overlap (sending, receiving and parsing in Python threads that share one interpreter lock), and what else "
        "the machine runs meanwhile: each of the two differences is a few seconds of wall time. The writes of a change run "
        "one at a time and get no such gain: on a far PBX, the number of action URLs to change sets the time." % (
            WHOLE_IVRS, WHOLE_IVRS, LATENCY * 1000, ms(WHOLE_IVRS * LATENCY), ms(added_serial), parallelism, per_worker,
            ms(per_worker * LATENCY), per_worker / float(WHOLE_IVRS), ms(added), per_worker / float(WHOLE_IVRS)))
    return lines


def profile_section(prof):
    probes = prof["imports"]
    lines = ["## Module start-up profile", "",
             "`python -X importtime -c CODE`, median over %d runs (the import profiler adds a little to each):" % prof["repeats"], ""]
    rows = []
    for key, code in IMPORT_PROBES:
        wall, cpu, _selves = probes[key]
        extra = "" if key in ("python", "basic") else "%+.0f" % ((cpu - probes["basic"][1]) * 1000)
        rows.append(["`%s`" % code, ms(wall), ms(cpu), extra])
    lines += markdown_table(["CODE", "wall ms", "CPU ms", "CPU over basic, ms"], rows)
    basic = probes["basic"][2]
    for key, what in (("requests", "requests"), ("urls", "ansible.module_utils.urls")):
        added = added_by(basic, probes[key][2])
        lines += ["", "What `%s` imports beyond ansible.module_utils.basic, by top-level package (import self time; %.0f ms "
                      "in %d modules):" % (what, sum(row[1] for row in added) * 1000, sum(row[2] for row in added)), ""]
        lines += markdown_table(["package", "ms", "modules"], [[name, "%.1f" % (total * 1000), count] for name, total, count in added[:12]])
    process = prof["processes"]
    lines += ["", "The module processes alone, timed inside the task: the playbooks of scenarios 3 and 1 run a loop of %d "
                  "with an interpreter wrapper that times the module process it starts; the rest of a task is Ansible's "
                  "(medians):" % prof["repeats"], ""]
    lines += markdown_table(["module process", "wall ms", "CPU ms", "result kB"], [
        ["ansible.builtin.uri (GET)", ms(process["3"][0]), ms(process["3"][1]), "%.1f" % (process["3"][3] / 1000.0)],
        ["portsip.pbx.ivr_action_url (unchanged)", ms(process["1"][0]), ms(process["1"][1]), "%.1f" % (process["1"][3] / 1000.0)],
    ])
    groups = sorted(set(process["1"][2]) | set(process["3"][2]),
                    key=lambda name: -max(process["1"][2].get(name, 0.0), process["3"][2].get(name, 0.0)))
    lines += ["", "Their imports: kept AnsiballZ files (ANSIBLE_KEEP_REMOTE_FILES) run again with `-X importtime`, self time "
                  "summed by package, medians; the largest:", ""]
    rows = [[name, "%.1f" % (process["3"][2].get(name, 0.0) * 1000), "%.1f" % (process["1"][2].get(name, 0.0) * 1000)]
            for name in groups[:14]]
    rows.append(["all imports", "%.1f" % (sum(process["3"][2].values()) * 1000), "%.1f" % (sum(process["1"][2].values()) * 1000)])
    lines += markdown_table(["package", "uri ms", "ivr_action_url ms"], rows)
    return lines


def report(results):
    meta = results.meta
    head, rows = results.table()
    cores, model = meta["machine"]
    python, core, requests_version = meta["versions"]
    lines = [
        "# Performance",
        "",
        "Generated by `make bench` (`python tools/bench.py`); do not edit by hand, run it again. It measures what a "
        "portsip.pbx task costs next to ansible.builtin.uri, on one machine, in one run.",
        "",
        "- Date: %s" % meta["date"],
        "- Machine: %d cores, %s; load average %.2f at the start, %.2f at the end" % (cores, model, meta["load"][0], meta["load"][1]),
        "- Python %s, ansible-core %s, requests %s" % (python, core, requests_version),
        "- N = %d tasks per scenario (%d for ivr_action_url_info, which is in no ratio; K = %d for ivr_action_urls), %d round%s, "
        "medians; the run took %.1f min" % (meta["tasks"], meta["info_tasks"], meta["whole_tasks"], meta["rounds"],
                                            "" if meta["rounds"] == 1 else "s", meta["duration"] / 60),
        "",
        "## Method",
        "",
        "- Each scenario is one playbook in `tools/bench/` with one loop of N items, run by `ansible-playbook` against the "
        "API simulator (`tests/simulator`), which the benchmark starts on 127.0.0.1 (plain HTTP).",
        "- Each round runs every scenario twice: with an empty loop (the fixed start-up: Python, Ansible, inventory, "
        "playbook) and with N items. Per task (per object for the two-task uri pattern) = (with N - empty) / N. Tables give "
        "the median over the rounds and the range. One-time costs of a task (finding the module, building its AnsiballZ "
        "payload) are spread over the N items, the same way for every scenario.",
        "- A round runs the scenarios in the order %s, the next round in reverse, so the two scenarios of each ratio run "
        "back to back (but for 7s/1: 1 is in three ratios); a ratio is the median over the rounds of that round's ratio."
        % ", ".join(MEASURING_ORDER),
        "- Wall time is what the targets are stated in. CPU time (user + system of ansible-playbook and every process "
        "under it) is given as a cross-check: other load on the machine stretches wall time much more than CPU time.",
        "- Requests are counted in the simulator's request log. The simulator's data is reset before each run, so a change "
        "scenario changes every object in every round; the writes each run makes are checked against the scenario.",
        "- Host `localhost` with `ansible_connection=local` and `ansible_python_interpreter` set to the benchmark's Python, "
        "so modules and uri run with the same interpreter. Otherwise Ansible's defaults: run from an empty directory with "
        "ANSIBLE_CONFIG and every other ANSIBLE_* variable cleared (no ansible.cfg), default forks, no pipelining.",
        "- The action URL scenarios work on one IVR holding the N action URLs they declare (8 fields each); the "
        "ivr_action_url_info scenarios run against simulators holding 1, 10 and 100 IVRs with %d action URLs each." % INFO_URLS_PER_IVR,
        "- The ivr_action_urls scenarios (7 and 8) run one task per loop item, K items, each task declaring %d IVRs of %d "
        "action URLs by ivr_id with `state: overridden`, against simulators holding exactly those; per action URL = per task / "
        "%d. The change scenario's items go back and forth between request_timeout 5 and 2, so every task changes every "
        "action URL. Scenario 8 runs against a simulator that delays every answer by %.0f ms (its `latency` switch); "
        "parallelism is the module's default unless the label says 1." % (
            WHOLE_IVRS, WHOLE_URLS_PER_IVR, WHOLE_IVRS * WHOLE_URLS_PER_IVR, LATENCY * 1000),
        "",
        "## Results",
        "",
        "One task per action URL (per object):",
        "",
    ]
    lines += markdown_table(head, rows)
    lines += ["", "Whole IVRs, one `ivr_action_urls` task for all of them:", ""]
    lines += markdown_table(*results.whole_table())
    lines += ["", "## Targets", "", "Judged on the median wall time; the CPU ratio is the cross-check.", ""]
    rows = []
    for name, goal, value, cpu, ok, cpu_ok in results.targets():
        verdict = "met" if ok else "**missed**"
        if cpu_ok is not None and cpu_ok != ok:
            verdict += " (CPU says %s: within the noise, measure again on a quiet machine)" % ("met" if cpu_ok else "missed")
        rows.append([name, goal, value, cpu, verdict])
    lines += markdown_table(["target", "goal", "measured (rounds)", "CPU", "result"], rows)
    lines += ["", "## What limits each ratio", ""]
    lines += limits(results)
    lines += [""] + profile_section(results.prof)
    return "\n".join(lines) + "\n"


# -- main ---------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--tasks", type=int, default=50, help="N, the loop length of every scenario (default 50)")
    parser.add_argument("--info-tasks", type=int, help="the loop length of the ivr_action_url_info scenarios (default N / 5)")
    parser.add_argument("--whole-tasks", type=int, help="K, the loop length of the ivr_action_urls scenarios (default N / 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the report gives medians (default 3)")
    parser.add_argument("--profile-runs", type=int, default=7, help="repetitions of each start-up probe (default 7)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: N=5, K=1, 1 round, 3 probe repetitions; writes no report unless --output is given")
    parser.add_argument("--output", help="the report to write (default docs/performance.md); '-' writes none")
    parser.add_argument("--collections-path", help="measure the ansible_collections/portsip/pbx found here")
    parser.add_argument("--save", help="also write the raw measurements to this JSON file")
    parser.add_argument("--report-from", help="measure nothing: write the report from a file written by --save")
    parser.add_argument("--only", type=lambda text: [key.strip() for key in text.split(",")],
                        help="measure only these scenarios, e.g. 1,3 (keys: %s); no profile, no report" % ",".join(SCENARIO_KEYS))
    parser.add_argument("--whole", action="store_const", dest="only", const=list(WHOLE_SELECTION),
                        help="measure only the ivr_action_urls scenarios and those they are compared with, --only %s"
                             % ",".join(WHOLE_SELECTION))
    args = parser.parse_args(argv)
    if args.quick:
        args.tasks, args.info_tasks, args.whole_tasks, args.rounds, args.profile_runs = 5, 5, 1, 1, 3
    if args.output is None:
        # A smoke run's numbers are too rough to replace the committed report.
        args.output = "-" if args.quick else os.path.join(ROOT, "docs", "performance.md")
    if args.info_tasks is None:
        # The info scenarios are not part of a ratio; a shorter loop keeps the default run near 10-15 minutes.
        args.info_tasks = max(1, args.tasks // 5)
    if args.whole_tasks is None:
        # Each ivr_action_urls task declares 1000 action URLs: a few of them measure it well enough.
        args.whole_tasks = max(1, args.tasks // 10)
    unknown = sorted(set(args.only or ()) - set(SCENARIO_KEYS))
    if unknown:
        parser.error("unknown scenario keys: %s" % ", ".join(unknown))
    if min(args.tasks, args.info_tasks, args.whole_tasks, args.rounds, args.profile_runs) < 1:
        parser.error("--tasks, --info-tasks, --whole-tasks, --rounds and --profile-runs must be 1 or more")
    return args


def run_all(args, workdir, meta):
    collections_path, collection = find_collections_path(args.collections_path, workdir)
    print("portsip.pbx from %s; Python %s (%s); ansible-core %s" % (collection, meta["versions"][0], sys.executable, meta["versions"][1]))
    print("N = %d (%d for ivr_action_url_info), K = %d, %d round(s)" % (args.tasks, args.info_tasks, args.whole_tasks, args.rounds))
    os.makedirs(os.path.join(workdir, "cwd"))
    runner = Runner(workdir, collections_path)
    if any(key in WHOLE_KEYS for key in args.only or SCENARIO_KEYS):
        meta["parallelism"] = runner.option_default("portsip.pbx.ivr_action_urls", "parallelism")
    seed = {"ivrs": [{"name": "Bench", "extension_number": "8100",
                      "action_urls": [action_url(number) for number in range(1, args.tasks + 1)]}]}
    sims = [Simulator(demo=True, access_token=ACCESS_TOKEN, seed=seed)]
    sims += [Simulator(access_token=ACCESS_TOKEN, seed=info_seed(count)) for count in INFO_IVR_COUNTS]
    sims += [Simulator(access_token=ACCESS_TOKEN, seed=whole_seed(), latency=latency) for latency in (0, LATENCY)]
    started = []
    try:
        for sim in sims:
            started.append(sim.start())
        bench_ivr = next(ivr for ivr in sims[0].control().state()["ivrs"] if ivr["name"] == "Bench")
        main_pbx = Pbx(sims[0], bench_ivr["id"])
        info = {count: Pbx(sim) for count, sim in zip(INFO_IVR_COUNTS, sims[1:])}
        whole, latency = (Pbx(sim, configs=whole_configs(sim)) for sim in sims[-2:])
        found = scenarios(args.tasks, args.info_tasks, args.whole_tasks, main_pbx, info, whole, latency)
        found = [scenario for scenario in found if not args.only or scenario.key in args.only]
        # The two scenarios of each ratio run back to back, so a change of the machine's load between them is unlikely.
        order = sorted(found, key=lambda scenario: MEASURING_ORDER.index(scenario.key))
        for number in range(args.rounds):
            # Alternate the direction, so a drift of the machine's speed does not favour one end of the list.
            for scenario in (order if number % 2 == 0 else order[::-1]):
                done = measure(scenario, runner)
                print("round %d  %-5s %-90s empty %5.2f s  with N %6.2f s  %5.0f ms/object (CPU %4.0f)  %.2f requests/object" % (
                    number + 1, scenario.key, scenario.label, done["empty"][0], done["full"][0],
                    (done["full"][0] - done["empty"][0]) * 1000 / scenario.n, (done["full"][1] - done["empty"][1]) * 1000 / scenario.n,
                    done["requests"] / float(scenario.n)))
                sys.stdout.flush()
        prof = None
        if not args.only:
            print("profiling the module start-up ...")
            sys.stdout.flush()
            prof = {"repeats": args.profile_runs, "imports": import_probes(args.profile_runs),
                    "processes": module_processes(runner, main_pbx, args.profile_runs, workdir)}
    finally:
        for sim in started:
            sim.stop()
    return found, prof


def save(path, found, prof, meta):
    data = {"meta": meta, "prof": prof, "scenarios": [
        {"key": scenario.key, "label": scenario.label, "playbook": scenario.playbook, "n": scenario.n, "writes": scenario.writes,
         "tasks": scenario.tasks, "urls": scenario.urls, "rounds": scenario.rounds} for scenario in found]}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)


def load(path):
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    found = []
    for entry in data["scenarios"]:
        scenario = Scenario(entry["key"], entry["label"], entry["playbook"], None, [None] * entry["n"], entry["writes"], entry["tasks"],
                            entry["urls"])
        scenario.rounds = entry["rounds"]
        found.append(scenario)
    return found, data["prof"], data["meta"]


def write_report(path, results):
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(report(results))
    os.rename(path + ".tmp", path)
    print("\nwrote %s" % path)


def measure_all(args):
    started = time.perf_counter()
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
            "versions": versions(), "tasks": args.tasks, "info_tasks": args.info_tasks, "whole_tasks": args.whole_tasks,
            "rounds": args.rounds}
    load_before = os.getloadavg()[0]
    workdir = tempfile.mkdtemp(prefix="portsip-bench-")
    try:
        found, prof = run_all(args, workdir, meta)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    meta["duration"] = time.perf_counter() - started
    meta["load"] = (load_before, os.getloadavg()[0])
    if args.save:
        save(args.save, found, prof, meta)
    return found, prof, meta


def main(argv=None):
    args = parse_args(argv)
    # On SIGTERM, unwind like on Ctrl-C: the running playbook is killed, the simulators stop, the work directory goes.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    found, prof, meta = load(args.report_from) if args.report_from else measure_all(args)
    results = Results(found, prof, meta)
    for head, rows in (results.table(), results.whole_table()):
        if rows:
            print("")
            print("\n".join(text_table(head, rows)))
    print("")
    missed = []
    for name, goal, value, cpu, ok, _cpu_ok in results.targets():
        print("%-112s %-7s %-16s CPU %-5s %s" % (name, goal, value, cpu, "met" if ok else "MISSED"))
        if not ok:
            missed.append(name.split(":")[0])
    if args.output != "-" and not args.only:
        write_report(args.output, results)
    print("the %srun took %.1f min" % ("measured " if args.report_from else "", meta["duration"] / 60))
    if missed:
        print("targets missed (a measurement, not a test: the exit status stays 0): %s" % ", ".join(missed))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print("bench: %s" % error, file=sys.stderr)
        sys.exit(2)
