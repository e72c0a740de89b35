# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The scenarios, each named for what it measures, and the selections --scenario accepts besides their names."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import dataclasses
import typing

from bench.pbx import (INFO_IVR_COUNTS, LATENCY, WHOLE_IVRS, WHOLE_URLS, WHOLE_URLS_PER_IVR, action_urls,
                       info_name, whole_configs_by_number)

# The report's tables: one per family.
PER_OBJECT, WHOLE_IVRS_FAMILY, OVERLAPPING_WRITES = "per-object", "whole-ivrs", "overlapping-writes"


@dataclasses.dataclass(frozen=True)
class LoopLengths:
    """How many items each family's loop runs: N, N for ivr_action_url_info, K, and the overlapping-writes loop."""

    tasks: int
    info_tasks: int
    whole_tasks: int
    overlap_tasks: int


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One playbook, the items of its loop and the simulator it runs against.

    An object is what one loop item declares. simulator: a name of pbx.running_pbxs's simulators; items: the loop
    for given LoopLengths; writes: writes per object, checked against the simulator's log so a scenario measures
    what it claims; tasks: task executions per object (the uri pattern has two); urls: action URLs per object (an
    ivr_action_urls task declares many); variables: more playbook variables.
    """

    name: str
    label: str
    family: str
    playbook: str
    simulator: str
    items: typing.Callable[[LoopLengths], list]
    writes: int = 0
    tasks: int = 1
    urls: int = 1
    variables: typing.Dict[str, object] = dataclasses.field(default_factory=dict)


def stored_urls(lengths):
    return action_urls(lengths.tasks)


def changed_urls(lengths):
    return action_urls(lengths.tasks, request_timeout=5)


def info_reads(lengths):
    return [{"name": "read-%03d" % number} for number in range(1, lengths.info_tasks + 1)]


def whole_unchanged(lengths):
    """Each item names a config version of pbx.WHOLE_VERSIONS: here always the stored one."""
    return ["stored"] * lengths.whole_tasks


def back_and_forth(count):
    """Config versions that alternate, starting from the changed one, so that every task changes every action URL."""
    return [("changed", "stored")[number % 2] for number in range(count)]


def whole_back_and_forth(lengths):
    return back_and_forth(lengths.whole_tasks)


def overlapping_back_and_forth(lengths):
    return back_and_forth(lengths.overlap_tasks)


def per_object_scenarios():
    return [
        Scenario("module-unchanged", "ivr_action_url, unchanged (ivr_id + access token)", PER_OBJECT, "ivr_action_url.yml", "main",
                 stored_urls),
        Scenario("module-change", "ivr_action_url, changing one field", PER_OBJECT, "ivr_action_url.yml", "main", changed_urls, writes=1),
        Scenario("uri-get", "uri, one GET of the list", PER_OBJECT, "uri_get.yml", "main", stored_urls),
        Scenario("uri-pattern-unchanged", "uri pattern (GET, POST when different), nothing to change", PER_OBJECT, "uri_pattern.yml",
                 "main", stored_urls, tasks=2),
        Scenario("uri-pattern-change", "uri pattern (GET, POST when different), change needed", PER_OBJECT, "uri_pattern.yml", "main",
                 changed_urls, writes=1, tasks=2),
        Scenario("module-unchanged-login", "ivr_action_url, unchanged (ivr_id + username/password)", PER_OBJECT,
                 "ivr_action_url_login.yml", "main", stored_urls),
    ] + [
        Scenario(info_name(count), "ivr_action_url_info, every IVR, %d IVR%s" % (count, "" if count == 1 else "s"), PER_OBJECT,
                 "ivr_action_url_info.yml", info_name(count), info_reads)
        for count in INFO_IVR_COUNTS
    ]


SHAPE = "%d IVRs x %d action URLs" % (WHOLE_IVRS, WHOLE_URLS_PER_IVR)
LATENCY_TEXT = "%.0f ms latency" % (LATENCY * 1000)
PARALLELISM_1 = {"bench_parallelism": 1}


def whole_scenarios():
    def whole(name, label, simulator, items, writes=0, variables=None):
        return Scenario(name, "ivr_action_urls, %s, %s" % (SHAPE, label), WHOLE_IVRS_FAMILY, "ivr_action_urls.yml", simulator, items,
                        writes=writes, urls=WHOLE_URLS, variables=variables or {})

    return [
        whole("whole-unchanged", "unchanged (ivr_id + access token)", "whole", whole_unchanged),
        whole("whole-change", "one field changed on each", "whole", whole_back_and_forth, writes=WHOLE_URLS),
        whole("whole-unchanged-parallelism-1", "unchanged, parallelism 1", "whole", whole_unchanged, variables=PARALLELISM_1),
        whole("whole-unchanged-latency", "unchanged, %s" % LATENCY_TEXT, "whole-latency", whole_unchanged),
        whole("whole-unchanged-latency-parallelism-1", "unchanged, %s, parallelism 1" % LATENCY_TEXT, "whole-latency", whole_unchanged,
              variables=PARALLELISM_1),
    ]


def overlapping_writes_scenarios():
    """Every action URL of every IVR changed in one task, IVRs named by extension number, username and password: the
    module's whole documented request count (login, listing, reads, writes), with and without latency, at the default
    parallelism and at 1."""
    configs = {"bench_configs": whole_configs_by_number()}

    def overlapping(name, label, simulator, variables):
        return Scenario(name, "ivr_action_urls, %s by extension number, every action URL changed (username/password), %s" % (SHAPE, label),
                        OVERLAPPING_WRITES, "ivr_action_urls_login.yml", simulator, overlapping_back_and_forth, writes=WHOLE_URLS,
                        urls=WHOLE_URLS, variables=dict(configs, **variables))

    return [
        overlapping("overlapping-writes-latency", LATENCY_TEXT, "whole-latency", {}),
        overlapping("overlapping-writes-latency-parallelism-1", "%s, parallelism 1" % LATENCY_TEXT, "whole-latency", PARALLELISM_1),
        overlapping("overlapping-writes-zero-latency", "no latency", "whole", {}),
        overlapping("overlapping-writes-zero-latency-parallelism-1", "no latency, parallelism 1", "whole", PARALLELISM_1),
    ]


# In the report's order.
SCENARIOS = tuple(per_object_scenarios() + whole_scenarios() + overlapping_writes_scenarios())
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
NAMES = tuple(BY_NAME)


def family(name):
    return tuple(scenario.name for scenario in SCENARIOS if scenario.family == name)


# What --scenario accepts besides a scenario's name.
SELECTIONS = {
    # The ivr_action_urls scenarios and the ivr_action_url ones they are compared with.
    "whole-ivrs": family(WHOLE_IVRS_FAMILY) + ("module-unchanged", "module-change"),
    "overlapping-writes": family(OVERLAPPING_WRITES),
}

# The two scenarios of each ratio run back to back where the chain allows it (whole-unchanged / module-unchanged has
# uri-get in between, as module-unchanged is in three ratios); so do the two runs each latency difference subtracts.
MEASURING_ORDER = (
    "overlapping-writes-zero-latency-parallelism-1", "overlapping-writes-latency-parallelism-1", "overlapping-writes-latency",
    "overlapping-writes-zero-latency", "whole-unchanged-parallelism-1", "whole-unchanged-latency-parallelism-1",
    "whole-unchanged-latency", "whole-unchanged", "uri-get", "module-unchanged", "uri-pattern-unchanged", "uri-pattern-change",
    "module-change", "whole-change", "module-unchanged-login",
) + tuple(info_name(count) for count in INFO_IVR_COUNTS)


def selected(requested):
    """The scenarios of the names and selections requested (all when none), in measuring order (a scenario missing
    from MEASURING_ORDER fails here rather than go unmeasured)."""
    names = set()
    for name in requested or NAMES:
        names.update(SELECTIONS.get(name, (name,)))
    return sorted((BY_NAME[name] for name in names), key=lambda scenario: MEASURING_ORDER.index(scenario.name))


def unknown(requested):
    return sorted(set(requested) - set(NAMES) - set(SELECTIONS))
