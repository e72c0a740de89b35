# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The targets the collection aims at, and their verdicts on a run's results."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import dataclasses
import statistics
import typing

from bench.pbx import LATENCY, WHOLE_IVRS, WHOLE_URLS, WHOLE_URLS_PER_IVR
from bench.scenarios import OVERLAPPING_WRITES, family


def ivr_action_urls_requests(ivrs, changes, by_number=False, login=False):
    """The requests of one ivr_action_urls task, as its documentation's notes count them: one read per listed IVR,
    one listing of the PBX's IVRs (one request per 100) when entries name IVRs by number or name, one login with
    username and password, one write per change. The PBX holds exactly the listed IVRs."""
    listing = -(-ivrs // 100) if by_number else 0
    return (1 if login else 0) + listing + ivrs + changes


@dataclasses.dataclass(frozen=True)
class RequestTarget:
    """A scenario must make exactly `expected` requests per task."""

    scenario: str
    expected: int
    text: str


@dataclasses.dataclass(frozen=True)
class RatioTarget:
    """The time per action URL of scenario `top` over that of `bottom`, at most `limit`."""

    top: str
    bottom: str
    limit: float
    topic: str  # the heading of its section of the report

    @property
    def name(self):
        return "%s / %s" % (self.top, self.bottom)


@dataclasses.dataclass(frozen=True)
class LatencyTarget:
    """What the latency adds with the default parallelism over what it adds with parallelism 1, at most `limit`.

    Each side is (the scenario with latency, the same without): their difference within a round is what the latency
    adds to that round, whatever the task costs without it.
    """

    parallel: typing.Tuple[str, str]
    sequential: typing.Tuple[str, str]
    limit: float
    task: str  # what the task does, for the target's text

    @property
    def name(self):
        return "%s / %s" % (self.parallel[0], self.sequential[0])


OVERLAPPING_REQUESTS = ivr_action_urls_requests(WHOLE_IVRS, WHOLE_URLS, by_number=True, login=True)
REQUEST_TARGETS = (
    RequestTarget("module-unchanged", 1, "requests per unchanged task (module-unchanged, ivr_id + access token)"),
    RequestTarget("whole-unchanged", ivr_action_urls_requests(WHOLE_IVRS, 0),
                  "requests per unchanged ivr_action_urls task (whole-unchanged, ivr_id + access token)"),
    RequestTarget("whole-change", ivr_action_urls_requests(WHOLE_IVRS, WHOLE_URLS),
                  "requests per ivr_action_urls task changing every action URL (whole-change)"),
) + tuple(
    RequestTarget(name, OVERLAPPING_REQUESTS, "requests per ivr_action_urls task changing every action URL, IVRs by number, "
                                              "username/password (%s)" % name)
    for name in family(OVERLAPPING_WRITES)
)
RATIO_TARGETS = (
    RatioTarget("module-unchanged", "uri-get", 1.10, "the unchanged task against one uri GET"),
    RatioTarget("module-unchanged", "uri-pattern-unchanged", 1.00, "the unchanged task against the uri pattern with nothing to change"),
    RatioTarget("module-change", "uri-pattern-change", 0.60, "a change, the module against the uri pattern"),
    RatioTarget("whole-unchanged", "module-unchanged", 1 / 100.0,
                "one task for %d IVRs of %d action URLs, nothing to change" % (WHOLE_IVRS, WHOLE_URLS_PER_IVR)),
    RatioTarget("whole-change", "module-change", 1 / 50.0, "one field changed on every action URL"),
)
READS_LATENCY = LatencyTarget(("whole-unchanged-latency", "whole-unchanged"),
                              ("whole-unchanged-latency-parallelism-1", "whole-unchanged-parallelism-1"), 0.30,
                              "the unchanged ivr_action_urls task")
WRITES_LATENCY = LatencyTarget(("overlapping-writes-latency", "overlapping-writes-zero-latency"),
                               ("overlapping-writes-latency-parallelism-1", "overlapping-writes-zero-latency-parallelism-1"), 0.35,
                               "the ivr_action_urls task changing every action URL of %d IVRs" % WHOLE_IVRS)
LATENCY_TARGETS = (READS_LATENCY, WRITES_LATENCY)


def ratio_target(top, bottom):
    return next(target for target in RATIO_TARGETS if (target.top, target.bottom) == (top, bottom))


@dataclasses.dataclass(frozen=True)
class Verdict:
    """One target's line: its text, the goal, the measured value (and its range), the CPU cross-check, whether the
    wall time meets it, and whether the CPU time does (None where CPU time says nothing, as for waiting on latency)."""

    name: str
    text: str
    goal: str
    measured: str
    cpu: str
    met: bool
    cpu_met: typing.Optional[bool]


def verdicts(results):
    """A Verdict for every target whose scenarios were measured, judged on wall time as the targets are stated."""
    found = [request_verdict(results, target) for target in REQUEST_TARGETS if target.scenario in results]
    found += [ratio_verdict(results, target) for target in RATIO_TARGETS if target.top in results and target.bottom in results]
    found += [latency_verdict(results, target) for target in LATENCY_TARGETS
              if all(name in results for name in target.parallel + target.sequential)]
    return found


def request_verdict(results, target):
    requests = results.requests(target.scenario)
    return Verdict(target.scenario, target.text, "= %d" % target.expected, "%.2f" % requests, "", requests == target.expected, None)


def ratio_verdict(results, target):
    wall, met = judged(results.ratio(target.top, target.bottom), target.limit)
    cpu, cpu_met = judged(results.ratio(target.top, target.bottom, "cpu"), target.limit)
    text = "%s: %s / %s" % (target.name, results[target.top].label, results[target.bottom].label)
    return Verdict(target.name, text, "<= %s" % judged(target.limit, target.limit)[0],
                   wall + spread(results.ratios(target.top, target.bottom), target.limit), cpu, met, cpu_met)


def latency_verdict(results, target):
    values = results.added_ratios(target.parallel, target.sequential)
    wall, met = judged(statistics.median(values), target.limit)
    text = "%s: what %.0f ms of latency adds to %s, default parallelism / parallelism 1" % (target.name, LATENCY * 1000, target.task)
    return Verdict(target.name, text, "<= %s" % judged(target.limit, target.limit)[0], wall + spread(values, target.limit), "", met, None)


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
