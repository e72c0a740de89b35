# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The report's section on the module's start-up profile (startup.StartupProfile)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from bench.startup import IMPORT_PROBES, added_by
from bench.tables import markdown_table, ms

PROCESS_LABELS = (("uri-get", "ansible.builtin.uri (GET)"), ("module-unchanged", "portsip.pbx.ivr_action_url (unchanged)"))


def startup_section(profile):
    lines = ["## Module start-up profile", "",
             "`python -X importtime -c CODE`, median over %d runs (the import profiler adds a little to each):" % profile.repeats, ""]
    lines += probes_table(profile.probes)
    for name, what in (("requests", "requests"), ("urls", "ansible.module_utils.urls")):
        lines += [""] + imports_beyond_basic(profile.probes, name, what)
    return lines + [""] + processes_tables(profile)


def probes_table(probes):
    rows = []
    for name, code in IMPORT_PROBES.items():
        probe = probes[name]
        extra = "" if name in ("python", "basic") else "%+.0f" % ((probe.cpu - probes["basic"].cpu) * 1000)
        rows.append(["`%s`" % code, ms(probe.wall), ms(probe.cpu), extra])
    return markdown_table(["CODE", "wall ms", "CPU ms", "CPU over basic, ms"], rows)


def imports_beyond_basic(probes, name, what):
    added = added_by(probes["basic"].imports, probes[name].imports)
    lines = ["What `%s` imports beyond ansible.module_utils.basic, by top-level package (import self time; %.0f ms in %d "
             "modules):" % (what, sum(row[1] for row in added) * 1000, sum(row[2] for row in added)), ""]
    return lines + markdown_table(["package", "ms", "modules"], [[package, "%.1f" % (total * 1000), count]
                                                                 for package, total, count in added[:12]])


def processes_tables(profile):
    processes = profile.processes
    lines = ["The module processes alone, timed inside the task: the playbooks of uri-get and module-unchanged run a loop of %d "
             "with an interpreter wrapper that times the module process it starts; the rest of a task is Ansible's "
             "(medians):" % profile.repeats, ""]
    lines += markdown_table(["module process", "wall ms", "CPU ms", "result kB"], [
        [label, ms(processes[name].wall), ms(processes[name].cpu), "%.1f" % (processes[name].result_bytes / 1000.0)]
        for name, label in PROCESS_LABELS])
    uri, module = processes["uri-get"].imports, processes["module-unchanged"].imports
    groups = sorted(set(module) | set(uri), key=lambda group: -max(module.get(group, 0.0), uri.get(group, 0.0)))
    lines += ["", "Their imports: kept AnsiballZ files (ANSIBLE_KEEP_REMOTE_FILES) run again with `-X importtime`, self time "
                  "summed by package, medians; the largest:", ""]
    rows = [[group, "%.1f" % (uri.get(group, 0.0) * 1000), "%.1f" % (module.get(group, 0.0) * 1000)] for group in groups[:14]]
    rows.append(["all imports", "%.1f" % (sum(uri.values()) * 1000), "%.1f" % (sum(module.values()) * 1000)])
    return lines + markdown_table(["package", "uri ms", "ivr_action_url ms"], rows)
