# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The report's "What limits each ratio": what keeps each ratio where it is, in words built from the measurements.

Differences are given in CPU time, which the machine's other load hardly moves; wall times are in the tables.
Needs a full run: every scenario and the start-up profile.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import statistics

from bench.pbx import INFO_IVR_COUNTS, LATENCY, WHOLE_IVRS, WHOLE_URLS, WHOLE_URLS_PER_IVR, info_name
from bench.tables import ms
from bench.targets import OVERLAPPING_REQUESTS, READS_LATENCY, WRITES_LATENCY, judged, ratio_target

HTTP_STACK = ("requests", "urllib3", "charset_normalizer", "idna", "certifi")


def limits(results):
    sections = (unchanged_against_get, unchanged_against_pattern, change_against_pattern, login_against_token, info_against_ivrs,
                whole_unchanged, whole_change, reads_latency, writes_latency)
    lines = [line for section in sections for line in section(results)]
    return lines[1:]  # each section opens with a blank line; the first follows the heading's own


def heading(results, top, bottom):
    """A ratio target's heading: its name, topic, and its wall and CPU ratio as the targets show them."""
    target = ratio_target(top, bottom)
    wall, cpu_time = (judged(results.ratio(top, bottom, kind), target.limit)[0] for kind in ("wall", "cpu"))
    return ["", "### %s: %s (%s; CPU %s)" % (target.name, target.topic, wall, cpu_time), ""]


def cpu(results, name):
    return results.per(name, "cpu")


def unchanged_against_get(results):
    processes = results.profile.processes
    module, uri = processes["module-unchanged"], processes["uri-get"]
    http_stack = sum(module.imports.get(name, 0.0) for name in HTTP_STACK)
    own = module.imports.get("portsip.pbx module_utils", 0.0)
    basic = "ansible.module_utils.basic and helpers"
    crypto = uri.imports.get("cryptography", 0.0) + uri.imports.get("_cffi_backend", 0.0)
    return heading(results, "module-unchanged", "uri-get") + [
        "Both tasks make the same single GET. A task costs %s ms of CPU with ivr_action_url and %s ms with uri. Timed inside "
        "the task, the module process itself takes %s ms of CPU for ivr_action_url and %s ms for uri: most of the task. The "
        "rest is Ansible's own work per task (templating the arguments, the worker process, the AnsiballZ payload, the local "
        "connection's shell commands for the temporary directory, reading back the result), the same for both modules "
        "except that reading the result grows with its size: uri returns the whole list it fetched (%.1f kB here), "
        "ivr_action_url one action URL (%.1f kB)." % (
            ms(cpu(results, "module-unchanged")), ms(cpu(results, "uri-get")), ms(module.cpu), ms(uri.cpu), uri.result_bytes / 1000.0,
            module.result_bytes / 1000.0),
        "",
        "Inside the process, both pay Python's start (%s ms of CPU) and ansible.module_utils.basic, which AnsiballZ ships "
        "as source in a zip and so is compiled on every run (%s ms of import time in the uri process, %s ms in the "
        "ivr_action_url one). Only the HTTP stack differs: ivr_action_url imports requests and its dependencies (%s ms) "
        "and its own module_utils (%s ms, also compiled from source); uri imports ansible.module_utils.urls (%s ms) and, "
        "through it, cryptography (%s ms; urls loads it when it is installed). Python, basic and Ansible's per-task work "
        "are a floor no module can go under, so this ratio stays near 1: of the %s ms of CPU of an unchanged task, about "
        "%s ms come from this collection's own choices (requests and its module_utils)." % (
            ms(results.profile.probes["python"].cpu), ms(uri.imports.get(basic, 0.0)), ms(module.imports.get(basic, 0.0)),
            ms(http_stack), ms(own), ms(uri.imports.get("ansible.module_utils.urls", 0.0)), ms(crypto),
            ms(cpu(results, "module-unchanged")), ms(http_stack + own)),
    ]


def unchanged_against_pattern(results):
    skipped = cpu(results, "uri-pattern-unchanged") - cpu(results, "uri-get")
    return heading(results, "module-unchanged", "uri-pattern-unchanged") + [
        "The pattern's POST task is skipped, yet every skipped loop item still costs Ansible about %s ms of CPU (templating "
        "the item's variables and `when`, the callback) on top of the GET task. The module stays under 1.00 as long as its "
        "cost over one uri task (%+.0f ms of CPU here) is smaller than that skipped item." % (
            ms(skipped), (cpu(results, "module-unchanged") - cpu(results, "uri-get")) * 1000),
    ]


def change_against_pattern(results):
    return heading(results, "module-change", "uri-pattern-change") + [
        "The module reads and writes in one process: the change adds %+.0f ms of CPU to the unchanged task, the second "
        "request. The pattern starts a second module process for the POST: %s ms of CPU per object against %s ms when "
        "nothing changes. So the ratio sits near the module's cost over two uri tasks (%.2f in CPU here), and whatever the "
        "module costs over one uri task comes straight off the margin to 0.60." % (
            (cpu(results, "module-change") - cpu(results, "module-unchanged")) * 1000, ms(cpu(results, "uri-pattern-change")),
            ms(cpu(results, "uri-pattern-unchanged")), cpu(results, "module-unchanged") / (2 * cpu(results, "uri-get"))),
    ]


def login_against_token(results):
    return ["", "### Username and password against an access token (module-unchanged-login against module-unchanged)", "",
            "Every task is a new process, so with pbx_username and pbx_password every task logs in again: %.0f requests per "
            "task instead of %.0f, %+.0f ms of CPU per task against the simulator (%s ms against %s ms wall). A real PBX adds "
            "a round trip and its password check to every task; for long loops, pass pbx_access_token." % (
                results.requests("module-unchanged-login"), results.requests("module-unchanged"),
                (cpu(results, "module-unchanged-login") - cpu(results, "module-unchanged")) * 1000,
                ms(results.per("module-unchanged-login")), ms(results.per("module-unchanged")))]


def info_against_ivrs(results):
    fewest, most = INFO_IVR_COUNTS[0], INFO_IVR_COUNTS[-1]
    small, large = info_name(fewest), info_name(most)
    return ["", "### ivr_action_url_info and the number of IVRs (%s)" % ", ".join(info_name(count) for count in INFO_IVR_COUNTS), "",
            "Reading every IVR takes one list request per 100 IVRs plus one request per IVR: %.0f requests per task for %d IVR, "
            "%.0f for %d. Against the local simulator the task grows from %s ms to %s ms (%s to %s ms of CPU), about %.1f ms "
            "per IVR. On a real PBX each request adds a network round trip and the server's work, so with hundreds of IVRs the "
            "request count, not the start-up, sets the time; give ivr_id or ivr when one IVR is enough." % (
                results.requests(small), fewest, results.requests(large), most, ms(results.per(small)), ms(results.per(large)),
                ms(cpu(results, small)), ms(cpu(results, large)), (results.per(large) - results.per(small)) * 1000 / (most - fewest))]


def whole_unchanged(results):
    wall, single = results.per("whole-unchanged"), results.per("module-unchanged")
    over_single = cpu(results, "whole-unchanged") - cpu(results, "module-unchanged")
    serial = results.per("whole-unchanged-parallelism-1")
    return heading(results, "whole-unchanged", "module-unchanged") + [
        "The task reads each IVR's action URLs once (%.0f requests) and compares %d action URLs in one module process: %s ms "
        "(%s ms of CPU), as much as %.1f unchanged ivr_action_url tasks, which compare one each. So the start-up every task "
        "pays (Python, ansible.module_utils.basic and requests in a fresh process, Ansible's work per task: most of the %s ms of "
        "CPU of module-unchanged, see module-unchanged / uri-get) is paid once for %d action URLs instead of once for each. What "
        "the task costs beyond one ivr_action_url task, %s ms of CPU or %.2f ms per action URL, grows with the config: Ansible "
        "templates its %d items and the module validates each against its argument spec, then %d reads and %d comparisons. With "
        "parallelism 1 (whole-unchanged-parallelism-1) the task takes %s ms (%+.0f ms): against the local simulator the reads "
        "wait for no network, so their overlap matters once there is latency (%s)." % (
            results.requests("whole-unchanged"), WHOLE_URLS, ms(wall), ms(cpu(results, "whole-unchanged")), wall / single,
            ms(cpu(results, "module-unchanged")), WHOLE_URLS, ms(over_single), over_single * 1000 / WHOLE_URLS, WHOLE_URLS, WHOLE_IVRS,
            WHOLE_URLS, ms(serial), (serial - wall) * 1000, READS_LATENCY.name),
    ]


def whole_change(results):
    wall, unchanged = results.per("whole-change"), results.per("whole-unchanged")
    return heading(results, "whole-change", "module-change") + [
        "The same task writing %d updates, one request each (%.0f requests in all): %s ms, %.2f ms more per action URL than "
        "the unchanged task (%.2f ms of CPU): the update's request and answer, the simulator's work, the module building "
        "the body. Each IVR's writes run in order, %d IVRs at a time, and each costs one round trip to the PBX: on a real "
        "network, %d changes take at least %d round trips one after the other, however fast the machine. "
        "The ratio divides by a changing ivr_action_url task (%s ms), which pays a whole task's start-up for its one "
        "write." % (
            WHOLE_URLS, results.requests("whole-change"), ms(wall), (wall - unchanged) * 1000 / WHOLE_URLS,
            (cpu(results, "whole-change") - cpu(results, "whole-unchanged")) * 1000 / WHOLE_URLS, results.info.parallelism,
            WHOLE_URLS, WHOLE_URLS // results.info.parallelism,
            ms(results.per("module-change"))),
    ]


def reads_per_thread(parallelism):
    """The reads of the whole IVRs each of `parallelism` threads makes one after the other, at the most."""
    return -(-WHOLE_IVRS // parallelism)


def latency_heading(results, target, what=""):
    ratio = statistics.median(results.added_ratios(target.parallel, target.sequential))
    return ["", "### %s: %.0f ms of latency on every request%s (%.2f)" % (target.name, LATENCY * 1000, what, ratio), ""]


def reads_latency(results):
    parallelism = results.info.parallelism
    added = statistics.median(results.added(*READS_LATENCY.parallel))
    added_serial = statistics.median(results.added(*READS_LATENCY.sequential))
    per_worker = reads_per_thread(parallelism)
    return latency_heading(results, READS_LATENCY) + [
        "The unchanged task makes %d reads. One after the other (parallelism 1) the latency adds at least %d x %.0f ms = "
        "%s ms; measured, %s ms. With the module's default parallelism, %d threads share the reads, %d each one after the "
        "other: at least %s ms, a ratio of %.2f; measured, %s ms. What keeps it above %.2f is the work of the reads that "
        "does not overlap (sending, receiving and parsing in Python threads that share one interpreter lock), and what else "
        "the machine runs meanwhile: each of the two differences is a few seconds of wall time. What the writes of a change "
        "gain is measured by the overlapping-writes scenarios (%s)." % (
            WHOLE_IVRS, WHOLE_IVRS, LATENCY * 1000, ms(WHOLE_IVRS * LATENCY), ms(added_serial), parallelism, per_worker,
            ms(per_worker * LATENCY), per_worker / float(WHOLE_IVRS), ms(added), per_worker / float(WHOLE_IVRS), WRITES_LATENCY.name),
    ]


def waits_in_a_row(parallelism):
    """How many requests of the overlapping-writes task wait one after the other at this parallelism: (if the reads
    overlap but the writes run one at a time, if whole IVRs are written `parallelism` at a time too, each IVR's writes
    in order after its read). Their latency is a floor no engine goes under."""
    per_worker = reads_per_thread(parallelism)
    before = OVERLAPPING_REQUESTS - WHOLE_IVRS - WHOLE_URLS  # the login and the listing of the IVRs come before any read
    return before + per_worker + WHOLE_URLS, before + per_worker * (1 + WHOLE_URLS_PER_IVR)


def writes_latency(results):
    parallelism = results.info.parallelism
    reads_only, ivrs_in_parallel = waits_in_a_row(parallelism)
    added = statistics.median(results.added(*WRITES_LATENCY.parallel))
    added_serial = statistics.median(results.added(*WRITES_LATENCY.sequential))
    ratio = statistics.median(results.added_ratios(WRITES_LATENCY.parallel, WRITES_LATENCY.sequential))
    return latency_heading(results, WRITES_LATENCY, ", every action URL changed") + [
        "The task makes %d requests: a login, a listing of the IVRs, %d reads and %d writes. One after the other "
        "(parallelism 1) they wait %d x %.0f ms = %s ms; measured, the latency adds %s ms. With the module's default "
        "parallelism, %d, the requests that would still wait one after the other are %d if only the reads overlapped (%d "
        "each): %s ms, a ratio of %.2f; as %d IVRs are written at a time too, each IVR's %d writes in order after its "
        "read, they are %d: %s ms, a ratio of %.2f. Measured, the latency adds %s ms, a ratio of %.2f against the "
        "target of %.2f, which leaves room above the second floor for the work that does not overlap (Python threads "
        "sharing one interpreter lock) and the machine's other load. The module's own work done while other requests wait "
        "can bring a measured difference under a floor." % (
            OVERLAPPING_REQUESTS, WHOLE_IVRS, WHOLE_URLS, OVERLAPPING_REQUESTS, LATENCY * 1000, ms(OVERLAPPING_REQUESTS * LATENCY),
            ms(added_serial), parallelism, reads_only, reads_per_thread(parallelism), ms(reads_only * LATENCY),
            reads_only / float(OVERLAPPING_REQUESTS), parallelism, WHOLE_URLS_PER_IVR, ivrs_in_parallel,
            ms(ivrs_in_parallel * LATENCY), ivrs_in_parallel / float(OVERLAPPING_REQUESTS), ms(added), ratio, WRITES_LATENCY.limit),
    ]
