# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The simulators a run starts, what they hold, and what the tasks declare against them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib

from portsip_sim import Simulator

ACCESS_TOKEN = "bench-access-token-7c2e"
USERNAME, PASSWORD, DOMAIN = "admin", "portsip123", "demo.portsip.local"
INFO_IVR_COUNTS = (1, 10, 100)
INFO_URLS_PER_IVR = 2
WHOLE_IVRS, WHOLE_URLS_PER_IVR = 100, 10
WHOLE_URLS = WHOLE_IVRS * WHOLE_URLS_PER_IVR
WHOLE_FIRST_EXTENSION = 9001
LATENCY = 0.020  # seconds the latency simulator adds to every API answer


def action_url(number, request_timeout=2):
    """An action URL as the benchmark declares it: every field the tasks set, nothing else."""
    return {
        "name": "bench-%03d" % number,
        "enabled": True,
        "type": "DTMF",
        "dtmf_mask": "%d;%d" % (number % 10, 10 + number % 90),
        "method": "POST",
        "url": "https://crm.example.com/portsip/hook/%03d" % number,
        "connection_timeout": 2,
        "request_timeout": request_timeout,
    }


def action_urls(count, request_timeout=2):
    return [action_url(number, request_timeout) for number in range(1, count + 1)]


def main_seed(count):
    """One IVR holding the `count` action URLs the one-task-per-object scenarios declare."""
    return {"ivrs": [{"name": "Bench", "extension_number": "8100", "action_urls": action_urls(count)}]}


def info_seed(ivrs):
    return {"ivrs": [{
        "name": "IVR %03d" % number,
        "extension_number": str(8000 + number),
        "action_urls": [dict(action_url(number * 10 + index), name="hook-%d" % index) for index in range(1, INFO_URLS_PER_IVR + 1)],
    } for number in range(1, ivrs + 1)]}


def whole_urls(ivr_number, request_timeout=2):
    first = (ivr_number - 1) * WHOLE_URLS_PER_IVR + 1
    return [action_url(number, request_timeout) for number in range(first, first + WHOLE_URLS_PER_IVR)]


def whole_extension(ivr_number):
    return str(WHOLE_FIRST_EXTENSION + ivr_number - 1)


def whole_seed():
    return {"ivrs": [{"name": "Whole %03d" % number, "extension_number": whole_extension(number), "action_urls": whole_urls(number)}
                     for number in range(1, WHOLE_IVRS + 1)]}


# The two versions of the whole-IVR config a loop item names: as the simulator starts, and with request_timeout
# changed on every action URL.
WHOLE_VERSIONS = (("stored", 2), ("changed", 5))


def whole_configs(reference):
    """{version: ivr_action_urls config}, each IVR named by reference(its number), e.g. {"ivr": "9001"}."""
    return {version: [dict(reference(number), action_urls=whole_urls(number, request_timeout)) for number in range(1, WHOLE_IVRS + 1)]
            for version, request_timeout in WHOLE_VERSIONS}


def whole_configs_by_id(sim):
    """The configs naming each IVR by ivr_id, as this simulator numbers them."""
    ids = {ivr["name"]: ivr["id"] for ivr in sim.control().state()["ivrs"]}
    return whole_configs(lambda number: {"ivr_id": ids["Whole %03d" % number]})


def whole_configs_by_number():
    """The configs naming each IVR by extension number, the same on every whole simulator."""
    return whole_configs(lambda number: {"ivr": whole_extension(number)})


class Pbx:
    """A running simulator and what a playbook needs to reach it.

    ivr_id: the IVR of the ivr_action_url scenarios; configs: the ivr_action_urls configs by ivr_id.
    """

    def __init__(self, sim, ivr_id=None, configs=None):
        self.sim = sim
        self.control = sim.control()
        self.ivr_id = ivr_id
        self.configs = configs

    def variables(self):
        return {"bench_url": self.sim.base_url, "bench_access_token": ACCESS_TOKEN, "bench_ivr_id": self.ivr_id,
                "bench_configs": self.configs, "bench_username": USERNAME, "bench_password": PASSWORD, "bench_domain": DOMAIN}


def info_name(count):
    """The name of the simulator holding `count` IVRs, and of the ivr_action_url_info scenario that reads it."""
    return "info-%d-ivr%s" % (count, "" if count == 1 else "s")


@contextlib.contextmanager
def running_pbxs(tasks):
    """Start every simulator, seeded as it is built (no API writes), and stop them all on the way out.

    Yields {name: Pbx}: "main" (one IVR of `tasks` action URLs, for the one-task-per-object scenarios), one
    info_name(count) per INFO_IVR_COUNTS, "whole" and "whole-latency" (every answer LATENCY late).
    """
    with contextlib.ExitStack() as stack:
        def started(**settings):
            return stack.enter_context(Simulator(access_token=ACCESS_TOKEN, **settings))

        main = started(demo=True, seed=main_seed(tasks))
        ids = {ivr["name"]: ivr["id"] for ivr in main.control().state()["ivrs"]}
        pbxs = {"main": Pbx(main, ivr_id=ids["Bench"])}
        pbxs.update((info_name(count), Pbx(started(seed=info_seed(count)))) for count in INFO_IVR_COUNTS)
        for name, latency in (("whole", 0), ("whole-latency", LATENCY)):
            sim = started(seed=whole_seed(), latency=latency)
            pbxs[name] = Pbx(sim, configs=whole_configs_by_id(sim))
        yield pbxs
