# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading
import time

import requests

from portsip_sim import Simulator


def timed(call):
    started = time.monotonic()
    answer = call()
    return answer, time.monotonic() - started


def test_latency_is_off_by_default(control):
    assert control.config()['latency'] == 0


def test_latency_delays_every_api_answer(control, api, login, sim):
    control.configure(latency=0.2)
    answer, seconds = timed(lambda: api.get('/ivrs'))
    assert answer.status_code == 200 and seconds >= 0.2
    answer, seconds = timed(lambda: login(sim.base_url))
    assert answer.status_code == 200 and seconds >= 0.2
    answer, seconds = timed(lambda: api.get('/nothing-here'))
    assert answer.status_code == 404 and seconds >= 0.2


def test_latency_spares_the_control_api(sim, control):
    # Were the control API delayed too, each of these calls would time out.
    control.configure(latency=30)
    for path in ('/_sim/config', '/_sim/log', '/_sim/state'):
        assert requests.get(sim.base_url + path, timeout=5).status_code == 200
    control.reset()
    assert control.config()['latency'] == 0


def test_concurrent_requests_wait_side_by_side(control, api):
    # One after the other, four answers would take 4 s; side by side, a little over 1 s.
    control.configure(latency=1)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(api.get('/ivrs').status_code)) for _index in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 4
    assert time.monotonic() - started < 3


def test_latency_set_at_start_up(login):
    with Simulator(latency=0.2) as sim:
        assert sim.control().config()['latency'] == 0.2
        answer, seconds = timed(lambda: login(sim.base_url))
        assert answer.status_code == 200 and seconds >= 0.2
