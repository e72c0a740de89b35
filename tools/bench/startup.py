# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A profile of the module's start-up: what importing costs, and the module process alone inside a task."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import dataclasses
import glob
import os
import re
import statistics
import sys
import typing

from bench import BenchError
from bench.pbx import action_url
from bench.processes import timed
from bench.scenarios import BY_NAME

BASIC = "import ansible.module_utils.basic"
# {probe: the code `python -X importtime -c` runs}
IMPORT_PROBES = {
    "python": "pass",
    "basic": BASIC,
    "requests": BASIC + ", requests",
    "urls": BASIC + ", ansible.module_utils.urls",
    "http.client": BASIC + ", http.client",
}
# The scenarios whose module processes are timed: a uri GET against the unchanged ivr_action_url task.
PROCESS_SCENARIOS = ("uri-get", "module-unchanged")


@dataclasses.dataclass
class Probe:
    """Medians of one import probe: wall and CPU seconds, and the import self time by module."""

    wall: float
    cpu: float
    imports: typing.Dict[str, float]


@dataclasses.dataclass
class ModuleProcess:
    """Medians of a module process timed inside its task: wall and CPU seconds, import self time by import_group(),
    and the size of the result it printed."""

    wall: float
    cpu: float
    imports: typing.Dict[str, float]
    result_bytes: float


@dataclasses.dataclass
class StartupProfile:
    repeats: int
    probes: typing.Dict[str, Probe]
    processes: typing.Dict[str, ModuleProcess]


def profile(runner, main, repeats):
    """The StartupProfile of the module, `repeats` samples of each measure, against the main simulator."""
    return StartupProfile(repeats=repeats, probes=import_probes(repeats), processes=module_processes(runner, main, repeats))


def parse_importtime(text):
    """[(module, self seconds)] from the stderr of python -X importtime."""
    found = []
    for line in text.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if match:
            found.append((match.group(2), int(match.group(1)) / 1e6))
    return found


def summed_imports(stderr, group=lambda name: name):
    """{group: self seconds} of one `-X importtime` run."""
    summed = collections.defaultdict(float)
    for name, seconds in parse_importtime(stderr):
        summed[group(name)] += seconds
    return summed


def medians(samples, runs):
    """{name: median} of {name: [values]} gathered over `runs` runs; a name missing from a run counts 0 there."""
    return {name: statistics.median(values + [0.0] * (runs - len(values))) for name, values in samples.items()}


def import_probes(repeats):
    """{probe: Probe} for `python -X importtime -c CODE`, medians over the repeats."""
    timings = collections.defaultdict(list)
    selves = {name: collections.defaultdict(list) for name in IMPORT_PROBES}
    for _repeat in range(repeats):
        for name, code in IMPORT_PROBES.items():  # interleaved, so a change of load hits every probe alike
            timing, _out, err = timed([sys.executable, "-X", "importtime", "-c", code])
            timings[name].append(timing)
            for module, seconds in summed_imports(err).items():
                selves[name][module].append(seconds)
    return {name: Probe(wall=statistics.median(timing.wall for timing in timings[name]),
                        cpu=statistics.median(timing.cpu for timing in timings[name]), imports=medians(selves[name], repeats))
            for name in IMPORT_PROBES}


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


def module_processes(runner, main, repeats):
    """{scenario: ModuleProcess} for the module processes of PROCESS_SCENARIOS alone.

    Runs each playbook with a loop of `repeats` items and an interpreter wrapper that times every module
    process inside the task, so the rest of the task's time is Ansible's. The AnsiballZ files are kept and
    run again with -X importtime, outside Ansible, the two modules in turn.
    """
    samples, kept = {}, {}
    for name in PROCESS_SCENARIOS:
        samples[name], kept[name] = wrapped_runs(runner, main, name, repeats)
    imports = kept_imports(kept, repeats, runner.workdir)
    main.sim.reset()
    return {name: ModuleProcess(wall=statistics.median(row[0] for row in rows), cpu=statistics.median(row[1] for row in rows),
                                imports=imports[name], result_bytes=statistics.median(row[2] for row in rows))
            for name, rows in samples.items()}


def wrapped_runs(runner, main, name, repeats):
    """Run a scenario's playbook with the wrapper: ([[wall, cpu, result bytes]] per module process, a kept AnsiballZ file)."""
    workdir, playbook = runner.workdir, BY_NAME[name].playbook
    log = os.path.join(workdir, "processes-%s.log" % name)
    wrapper = os.path.join(workdir, "python-%s" % name)
    with open(wrapper, "w", encoding="utf-8") as handle:
        handle.write(WRAPPER % {"python": sys.executable, "log": log})
    os.chmod(wrapper, 0o755)
    remote = os.path.join(workdir, "remote-" + name)
    main.sim.reset()
    items = [action_url(1)] * repeats  # the same unchanged object each time
    runner.run(playbook, dict(main.variables(), bench_items=items, ansible_python_interpreter=wrapper),
               extra_env={"ANSIBLE_KEEP_REMOTE_FILES": "1", "ANSIBLE_REMOTE_TMP": remote})
    with open(log, encoding="utf-8") as handle:
        rows = [[float(value) for value in line.split()] for line in handle if line.strip()]
    if len(rows) != repeats:
        raise BenchError("expected %d module processes in %s, found %d" % (repeats, playbook, len(rows)))
    wrapped = sorted(glob.glob(os.path.join(remote, "*", "AnsiballZ_*.py")))
    if not wrapped:
        raise BenchError("no AnsiballZ file was kept under %s" % remote)
    return rows, wrapped[0]


def kept_imports(kept, repeats, workdir):
    """{scenario: {import group: median self seconds}} of the kept AnsiballZ files run again with -X importtime."""
    groups = {name: collections.defaultdict(list) for name in kept}
    for _repeat in range(repeats):
        for name in sorted(kept):  # in turn, so a change of load hits both alike
            _timing, _out, err = timed([sys.executable, "-X", "importtime", kept[name]], env=dict(os.environ, TMPDIR=workdir))
            for group, seconds in summed_imports(err, import_group).items():
                groups[name][group].append(seconds)
    return {name: medians(groups[name], repeats) for name in kept}
