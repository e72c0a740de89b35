# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading
import time

import pytest
import requests

CREATE_PATH = '/api/ivrs/[^/]+/action_urls'
# Commits come a second or more after the request, so that a busy machine still reads the state before them.


def names(control):
    return [url['name'] for url in control.state()['ivrs'][1]['action_urls']]


def test_client_times_out_then_the_object_appears(api, control, ivr_id):
    control.fault(kind='slow_commit', method='POST', path=CREATE_PATH, commit_after=1.0, delay=1.0)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.session.post(api.url('/ivrs/%s/action_urls', ivr_id), json={'name': 'slow'}, timeout=0.2)
    assert names(control) == ['crm']
    control.wait_commits()
    assert time.monotonic() - started >= 1.0
    assert names(control) == ['crm', 'slow']
    # Logged once, when the answer was due: by then the client had hung up, so nothing was sent.
    assert [(entry['status'], entry['fault']) for entry in control.writes()] == [(None, 'slow_commit')]


def test_a_gateway_gives_up_before_the_commit(api, control, ivr_id):
    control.fault(kind='slow_commit', method='POST', path=CREATE_PATH, commit_after=1.5, delay=0.1, retry_after='soon')
    started = time.monotonic()
    answer = api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'late'})
    assert 0.1 <= time.monotonic() - started < 1.5
    assert (answer.status_code, answer.json()['errors'][0]['code'], answer.headers['Retry-After']) == (504, 'UNKNOWN', 'soon')
    assert names(control) == ['crm']
    control.wait_commits()
    assert names(control) == ['crm', 'late']
    assert [(entry['status'], entry['fault']) for entry in control.writes()] == [(504, 'slow_commit')]


def test_the_real_answer_once_committed(api, control, ivr_id):
    control.fault(kind='slow_commit', method='POST', path=CREATE_PATH, commit_after=0.1, delay=0.3, status=503)
    started = time.monotonic()
    answer = api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'patient'})
    assert time.monotonic() - started >= 0.3
    assert answer.status_code == 201
    assert api.get('/ivrs/%s/action_urls/%s', ivr_id, answer.json()['id']).json()['name'] == 'patient'
    assert control.log()[-2]['status'] == 201


def test_wait_commits_is_bounded(sim, api, control, ivr_id):
    control.fault(kind='slow_commit', method='POST', path=CREATE_PATH, commit_after=1.0)
    assert api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'x'}).status_code == 504
    with pytest.raises(RuntimeError, match='1 slow commit'):
        control.wait_commits(timeout=0.05)
    assert sim.wait_commits(timeout=5) == 0
    with pytest.raises(RuntimeError, match='400'):
        control.call('POST', '/_sim/commits/wait', {'timeout': 61})


def test_reset_cancels_pending_commits(sim, api, control, ivr_id):
    control.fault(kind='slow_commit', method='POST', path=CREATE_PATH, commit_after=1.0)
    assert api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'cancelled'}).status_code == 504
    sim.reset()
    assert sim.wait_commits(timeout=0) == 0
    time.sleep(1.1)
    assert names(control) == ['crm']


def test_reset_abandons_a_request_still_waiting(sim, api, control, ivr_id):
    control.fault(kind='slow_commit', method='POST', path=CREATE_PATH, commit_after=1.0, delay=1.0)
    control.fault(kind='delay', method='GET', path='/api/ivrs', delay=1.0)
    outcomes = []

    def send(*request):
        try:
            outcomes.append(api.session.request(*request, timeout=5).status_code)
        except requests.ConnectionError:
            outcomes.append('no answer')

    threads = [threading.Thread(target=send, args=('POST', api.url('/ivrs/%s/action_urls', ivr_id), None, None, {'name': 'abandoned'})),
               threading.Thread(target=send, args=('GET', api.url('/ivrs')))]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    sim.reset()
    for thread in threads:
        thread.join()
    # Neither request reaches the fresh state or log: the next test starts clean.
    assert outcomes == ['no answer', 'no answer']
    time.sleep(1.0)
    assert names(control) == ['crm'] and control.log() == []
