# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Measure what a portsip.pbx task costs next to ansible.builtin.uri, and write docs/performance.md.

Starts the API simulator in this process and runs real ansible-playbook against it. Every scenario is
one playbook from tools/bench/playbooks/ with one loop of items. Each round runs every scenario twice:
with an empty loop (the playbook's fixed start-up) and with its items; per task = (with items - empty) /
items. The report gives the median over the rounds, the requests per task from the simulator's log, the
ratios the collection aims at, what limits each, and a profile of the module's start-up.

A measurement, not a test: it exits 0 when a target is missed (and says so), and non-zero only when it
could not measure (a playbook failed, or a scenario did not do what it claims).

Run it with the Python of the environment under test: modules run with the same interpreter, and
ansible-playbook is taken from the same bin directory (else from PATH). The collection is the one found
on ANSIBLE_COLLECTIONS_PATH (or --collections-path), else this checkout.

The files, in the order a run uses them: cli (options, the run from start to end), scenarios (the
scenarios, by name), pbx (what the simulators hold and the tasks declare), processes and playbooks
(running and timing ansible-playbook), machine (what it runs on), measure (the rounds), startup (the
module start-up profile), results (medians, ratios and differences by scenario name), targets (the goals
and their verdicts), tables, report, limits and startup_report (the document), store (--save and
--report-from).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class BenchError(Exception):
    """The benchmark could not measure: a playbook failed or a scenario did something else than it claims."""
