# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The raw measurements as JSON (--save), and back (--report-from), so a report can be written again without measuring."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import dataclasses
import json

from bench.processes import Timing
from bench.results import Measured, Results, Round, RunInfo
from bench.scenarios import LoopLengths
from bench.startup import ModuleProcess, Probe, StartupProfile


def save(path, results):
    data = {"info": dataclasses.asdict(results.info),
            "profile": dataclasses.asdict(results.profile) if results.profile else None,
            "scenarios": [dataclasses.asdict(scenario) for scenario in results.by_name.values()]}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)


def load(path):
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    info = RunInfo(**dict(data["info"], lengths=LoopLengths(**data["info"]["lengths"])))
    return Results([measured(entry) for entry in data["scenarios"]], startup_profile(data["profile"]), info)


def measured(entry):
    rounds = [Round(empty=Timing(**done["empty"]), full=Timing(**done["full"]), requests=done["requests"]) for done in entry["rounds"]]
    return Measured(**dict(entry, rounds=rounds))


def startup_profile(entry):
    if entry is None:
        return None
    return StartupProfile(repeats=entry["repeats"], probes={name: Probe(**probe) for name, probe in entry["probes"].items()},
                          processes={name: ModuleProcess(**process) for name, process in entry["processes"].items()})
