# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The command line: its options, and a run from measuring (or loading) to the summary and the report."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import os
import signal
import sys

import bench
from bench import BenchError, report, store
from bench.measure import measure_all
from bench.playbooks import ROOT
from bench.scenarios import SCENARIOS, SELECTIONS, LoopLengths, selected, unknown
from bench.tables import all_tables, text_table
from bench.targets import verdicts

EPILOG = """scenarios (--scenario), in the report's order:
%s

selections (--scenario):
%s

examples:
  make bench                                                   every scenario, then docs/performance.md
  make bench BENCH_ARGS="--quick"                              a smoke run, no report
  make bench BENCH_ARGS="--scenario overlapping-writes"        only the overlapping-writes scenarios
  make bench BENCH_ARGS="--scenario uri-get,module-unchanged"  only those two scenarios
""" % ("\n".join("  %-38s %s" % (scenario.name, scenario.label) for scenario in SCENARIOS),
       "\n".join("  %-38s %s" % (name, ", ".join(names)) for name, names in SELECTIONS.items()))


def run(argv=None):
    """Exit status: 0 when it measured (whether or not the targets were met), 2 when it could not."""
    try:
        return main(argv)
    except BenchError as error:
        print("bench: %s" % error, file=sys.stderr)
        return 2


def main(argv=None):
    args = parse_args(argv)
    # On SIGTERM, unwind like on Ctrl-C: the running playbook is killed, the simulators stop, the work directory goes.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    if args.report_from:
        results = store.load(args.report_from)
    else:
        lengths = LoopLengths(args.tasks, args.info_tasks, args.whole_tasks, args.overlap_tasks)
        results = measure_all(selected(args.scenario), lengths, args.rounds, args.profile_runs, args.collections_path,
                              with_profile=not args.scenario)
        if args.save:
            store.save(args.save, results)
    missed = print_summary(results)
    if args.output != "-" and not args.scenario:
        report.write(args.output, results)
    print("the %srun took %.1f min" % ("measured " if args.report_from else "", results.info.duration / 60))
    if missed:
        print("targets missed (a measurement, not a test: the exit status stays 0): %s" % ", ".join(missed))
    return 0


def print_summary(results):
    """Print the tables and the targets; returns the names of the targets missed."""
    for head, rows in all_tables(results):
        print("")
        print("\n".join(text_table(head, rows)))
    print("")
    missed = []
    for verdict in verdicts(results):
        print("%-112s %-7s %-16s CPU %-5s %s" % (verdict.text, verdict.goal, verdict.measured, verdict.cpu, "met" if verdict.met else "MISSED"))
        if not verdict.met:
            missed.append(verdict.name)
    return missed


def names(text):
    return [name.strip() for name in text.split(",") if name.strip()]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python tools/bench", description=bench.__doc__.split("\n\n", maxsplit=1)[0], epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, metavar="N", default=50,
                        help="N, the loop length of every one-task-per-object scenario (default 50)")
    parser.add_argument("--info-tasks", type=int, metavar="N", help="the loop length of the ivr_action_url_info scenarios (default N / 5)")
    parser.add_argument("--whole-tasks", type=int, metavar="K", help="K, the loop length of the whole-IVR scenarios (default N / 10)")
    parser.add_argument("--overlap-tasks", type=int, metavar="N", default=1,
                        help="the loop length of the overlapping-writes scenarios, 1000 writes per task (default 1)")
    parser.add_argument("--rounds", type=int, metavar="N", default=3, help="rounds; the report gives medians (default 3)")
    parser.add_argument("--profile-runs", type=int, metavar="N", default=7, help="repetitions of each start-up probe (default 7)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: N=5, K=1, 1 round, 3 probe repetitions; writes no report unless --output is given")
    parser.add_argument("--output", metavar="PATH", help="the report to write (default docs/performance.md); '-' writes none")
    parser.add_argument("--collections-path", metavar="PATH", help="measure the ansible_collections/portsip/pbx found here")
    parser.add_argument("--save", metavar="PATH", help="also write the raw measurements to this JSON file")
    parser.add_argument("--report-from", metavar="PATH", help="measure nothing: write the report from a file written by --save")
    parser.add_argument("--scenario", action="append", type=names, metavar="NAME[,NAME...]",
                        help="measure only these scenarios or selections (listed below; repeatable); no profile, no report")
    parser.add_argument("--whole", action="append_const", dest="scenario", const=["whole-ivrs"],
                        help="the same as --scenario whole-ivrs: the ivr_action_urls scenarios and those they are compared with")
    args = parser.parse_args(argv)
    args.scenario = [name for group in args.scenario or () for name in group]
    apply_defaults(args)
    check(parser, args)
    return args


def apply_defaults(args):
    if args.quick:
        args.tasks, args.info_tasks, args.whole_tasks, args.overlap_tasks, args.rounds, args.profile_runs = 5, 5, 1, 1, 1, 3
    if args.output is None:
        # A smoke run's numbers are too rough to replace the committed report.
        args.output = "-" if args.quick else os.path.join(ROOT, "docs", "performance.md")
    if args.info_tasks is None:
        # The info scenarios are not part of a ratio: a shorter loop spares minutes of the default run.
        args.info_tasks = max(1, args.tasks // 5)
    if args.whole_tasks is None:
        # Each ivr_action_urls task declares 1000 action URLs: a few of them measure it well enough.
        args.whole_tasks = max(1, args.tasks // 10)


def check(parser, args):
    if unknown(args.scenario):
        parser.error("unknown scenarios: %s (see --help)" % ", ".join(unknown(args.scenario)))
    if min(args.tasks, args.info_tasks, args.whole_tasks, args.overlap_tasks, args.rounds, args.profile_runs) < 1:
        parser.error("--tasks, --info-tasks, --whole-tasks, --overlap-tasks, --rounds and --profile-runs must be 1 or more")
