# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A run: the simulators started, every selected scenario measured round after round, then the start-up profile."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import os
import shutil
import sys
import tempfile
import time

from bench import BenchError
from bench.machine import cores, cpu_model, versions
from bench.pbx import running_pbxs
from bench.playbooks import Runner, find_collections_path
from bench.results import Measured, Results, Round, RunInfo
from bench.scenarios import NAMES, PER_OBJECT
from bench.startup import profile


def measure_all(scenarios, lengths, rounds, profile_runs, collections_path=None, with_profile=True):
    """Results of `scenarios` (in measuring order), and of the start-up profile when with_profile."""
    started = time.perf_counter()
    info = RunInfo(date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), cores=cores(),
                   cpu_model=cpu_model(), lengths=lengths, rounds=rounds, load_start=os.getloadavg()[0], **versions())
    workdir = tempfile.mkdtemp(prefix="portsip-bench-")
    try:
        measured, startup_profile = measure_in(workdir, scenarios, info, profile_runs, collections_path, with_profile)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    info.duration = time.perf_counter() - started
    info.load_end = os.getloadavg()[0]
    return Results(in_report_order(measured), startup_profile, info)


def measure_in(workdir, scenarios, info, profile_runs, collections_path, with_profile):
    """Measure with `workdir` for the playbooks' files; fills info.parallelism when a scenario runs ivr_action_urls."""
    collections_path, collection = find_collections_path(collections_path, workdir)
    print("portsip.pbx from %s; Python %s (%s); ansible-core %s" % (collection, info.python, sys.executable, info.ansible_core))
    lengths = info.lengths
    print("N = %d (%d for ivr_action_url_info), K = %d (%d for overlapping writes), %d round(s)" % (
        lengths.tasks, lengths.info_tasks, lengths.whole_tasks, lengths.overlap_tasks, info.rounds))
    runner = Runner(workdir, collections_path)
    if any(scenario.family != PER_OBJECT for scenario in scenarios):
        info.parallelism = runner.option_default("portsip.pbx.ivr_action_urls", "parallelism")
    with running_pbxs(lengths.tasks) as pbxs:
        measured = measure_rounds(scenarios, pbxs, runner, info)
        startup_profile = None
        if with_profile:
            print("profiling the module start-up ...")
            sys.stdout.flush()
            startup_profile = profile(runner, pbxs["main"], profile_runs)
    return measured, startup_profile


def measure_rounds(scenarios, pbxs, runner, info):
    """[Measured] of every scenario; rounds alternate the direction, so a drift of the machine's speed does not favour
    one end of the list."""
    measured = [Measured(scenario.name, scenario.label, scenario.family, len(scenario.items(info.lengths)), scenario.tasks,
                         scenario.urls) for scenario in scenarios]
    pairs = list(zip(scenarios, measured))
    for number in range(info.rounds):
        for scenario, measurements in (pairs if number % 2 == 0 else pairs[::-1]):
            done = measure(scenario, pbxs[scenario.simulator], scenario.items(info.lengths), runner)
            measurements.rounds.append(done)
            print_round(number, measurements, done)
    return measured


def measure(scenario, pbx, items, runner):
    """One Round of one scenario: the empty loop, then the loop of its items, each on the simulator's start-up data.

    Raises BenchError when the empty loop sends a request, when the loop makes other writes than the scenario
    claims, or when a request fails.
    """
    variables = dict(pbx.variables(), bench_items=[], **scenario.variables)
    pbx.sim.reset()
    empty = runner.run(scenario.playbook, variables)
    if pbx.control.log():
        raise BenchError("scenario %s: the playbook with an empty loop sent requests" % scenario.name)
    pbx.sim.reset()  # so a change is needed again in every round of a change scenario
    full = runner.run(scenario.playbook, dict(variables, bench_items=items))
    log = pbx.control.log()
    writes = [entry for entry in log if entry["write"]]
    if len(writes) != scenario.writes * len(items):
        raise BenchError("scenario %s: expected %d writes, the simulator saw %d" % (scenario.name, scenario.writes * len(items), len(writes)))
    failed = [entry for entry in log if entry["status"] is None or entry["status"] >= 400]
    if failed:
        raise BenchError("scenario %s: %d requests failed, the first: %r" % (scenario.name, len(failed), failed[0]))
    return Round(empty=empty, full=full, requests=len(log))


def print_round(number, measured, done):
    print("round %d  %-45s empty %5.2f s  with items %6.2f s  %6.0f ms/object (CPU %5.0f)  %.2f requests/object" % (
        number + 1, measured.name, done.empty.wall, done.full.wall, (done.full.wall - done.empty.wall) * 1000 / measured.n,
        (done.full.cpu - done.empty.cpu) * 1000 / measured.n, done.requests / float(measured.n)))
    sys.stdout.flush()


def in_report_order(measured):
    return sorted(measured, key=lambda scenario: NAMES.index(scenario.name))
