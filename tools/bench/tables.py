# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The results tables, as a header and rows, and their markdown (the report) and plain text (the terminal) forms."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import statistics

from bench.pbx import LATENCY
from bench.scenarios import OVERLAPPING_WRITES, PER_OBJECT, WHOLE_IVRS_FAMILY
from bench.targets import WRITES_LATENCY


def ms(seconds):
    return "%.0f" % (seconds * 1000)


def timings(scenario):
    """start-up s, with the items s, per object ms, range ms, CPU per object ms."""
    walls = scenario.per_object()
    return ["%.2f" % scenario.startup(), "%.2f" % scenario.with_items(), ms(scenario.median()),
            "%s-%s" % (ms(min(walls)), ms(max(walls))), ms(scenario.median("cpu"))]


def per_object_table(results):
    """The scenarios that run one task (two for the uri pattern) per object."""
    head = ["scenario", "what it runs", "N", "tasks per object", "requests per object", "start-up s", "with N s", "per object ms",
            "range ms", "CPU per object ms"]
    rows = [[scenario.name, scenario.label, str(scenario.n), str(scenario.tasks), "%.2f" % scenario.requests()] + timings(scenario)
            for scenario in results.family(PER_OBJECT)]
    return head, rows


def whole_table(results, family):
    """The ivr_action_urls scenarios of a family: one task per loop item, many action URLs per task."""
    head = ["scenario", "what it runs", "K", "action URLs per task", "requests per task", "start-up s", "with K s", "per task ms",
            "range ms", "CPU per task ms", "per action URL ms"]
    rows = [[scenario.name, scenario.label, str(scenario.n), str(scenario.urls), "%.0f" % scenario.requests()] + timings(scenario) +
            ["%.2f" % (scenario.median() * 1000 / scenario.urls)]
            for scenario in results.family(family)]
    return head, rows


def latency_table(results):
    """The overlapping-writes tasks at each parallelism: with and without latency, what it adds, and requests x latency."""
    head = ["parallelism", "requests per task", "per task ms, %.0f ms latency" % (LATENCY * 1000), "per task ms, no latency",
            "latency adds ms", "range ms", "requests x latency ms"]
    rows = []
    for parallelism, (slower, faster) in (("default (%s)" % results.info.parallelism, WRITES_LATENCY.parallel),
                                          ("1", WRITES_LATENCY.sequential)):
        added = results.added(slower, faster)
        rows.append([parallelism, "%.0f" % results.requests(slower), ms(results.per(slower)), ms(results.per(faster)),
                     ms(statistics.median(added)), "%s-%s" % (ms(min(added)), ms(max(added))),
                     ms(results.requests(slower) * LATENCY)])
    return head, rows


def all_tables(results):
    """Every table with rows, for the terminal."""
    tables = [per_object_table(results), whole_table(results, WHOLE_IVRS_FAMILY), whole_table(results, OVERLAPPING_WRITES)]
    if all(name in results for name in WRITES_LATENCY.parallel + WRITES_LATENCY.sequential):
        tables.append(latency_table(results))
    return [(head, rows) for head, rows in tables if rows]


def markdown_table(head, rows):
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _cell in head) + "|"]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def text_table(head, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(head, *rows)]
    line = "  ".join("%%-%ds" % width for width in widths)
    return [line % tuple(head), line % tuple("-" * width for width in widths)] + [line % tuple(row) for row in rows]
