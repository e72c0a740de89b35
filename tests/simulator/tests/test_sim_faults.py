# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

import pytest
import requests

CREATE_PATH = '/api/ivrs/[^/]+/action_urls'


def test_status_fault_with_retry_after(api, control):
    control.fault(status=429, retry_after=3, path='/api/ivrs', count=2)
    for _attempt in range(2):
        answer = api.get('/ivrs')
        assert answer.status_code == 429 and answer.headers['Retry-After'] == '3'
        assert answer.json()['errors'][0]['code'] == 'UNKNOWN'
    assert api.get('/ivrs').status_code == 200
    assert [entry['fault'] for entry in control.log()[-3:]] == ['status', 'status', None]


def test_status_fault_code_defaults_and_overrides(api, control):
    control.fault(status=503, code='SERVICE_BUSY', message='try later')
    control.fault(status=401)
    assert api.get('/ivrs').json()['errors'] == [{'code': 'SERVICE_BUSY', 'message': 'try later'}]
    answer = api.get('/ivrs')
    assert answer.status_code == 401 and answer.json()['errors'][0]['code'] == 'UNAUTHORIZED' and 'Retry-After' not in answer.headers


def test_rules_match_method_and_whole_path(api, control, ivr_id):
    control.fault(status=500, method='POST', path=CREATE_PATH)
    assert api.get('/ivrs/%s/action_urls', ivr_id).status_code == 200
    assert api.get('/ivrs').status_code == 200
    assert api.post('/ivrs/%s/action_urls/nope/destroy', ivr_id).status_code == 404  # the regex must match the whole path
    assert control.faults() and api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'x'}).status_code == 500
    assert not control.faults()
    assert len(control.state()['ivrs'][1]['action_urls']) == 1


def test_rules_are_used_in_order(api, control):
    control.fault(status=502, path='/api/ivrs')
    control.fault(status=503)
    assert [api.get('/ivrs').status_code for _attempt in range(3)] == [502, 503, 200]


def test_drop_closes_without_answer_or_processing(api, control, ivr_id):
    control.fault(kind='drop', method='POST', path=CREATE_PATH)
    with pytest.raises(requests.ConnectionError):
        api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'dropped'})
    assert len(control.state()['ivrs'][1]['action_urls']) == 1
    entry = control.log()[-1]
    assert (entry['fault'], entry['status'], entry['body']) == ('drop', None, {'name': 'dropped'})


def test_delay_then_normal_answer(api, control):
    control.fault(kind='delay', delay=0.05)
    started = time.monotonic()
    assert api.get('/ivrs').status_code == 200
    assert time.monotonic() - started >= 0.05
    assert control.log()[-1]['fault'] == 'delay'


def test_commit_drop_creates_exactly_one_object(api, control, ivr_id):
    control.fault(kind='commit_drop', method='POST', path=CREATE_PATH)
    with pytest.raises(requests.ConnectionError):
        api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'committed'})
    names = [url['name'] for url in control.state()['ivrs'][1]['action_urls']]
    assert names == ['crm', 'committed']
    assert (control.log()[-1]['status'], control.log()[-1]['fault']) == (201, 'commit_drop')


def test_faults_set_in_process(sim, api):
    sim.faults.add(kind='status', status=500, count=1)
    assert api.get('/ivrs').status_code == 500
    assert api.get('/ivrs').status_code == 200


@pytest.mark.parametrize('rule', [{'kind': 'explode'}, {'count': 0}, {'path': '('}, {'kind': 'delay', 'delay': -1}, {'colour': 'red'}])
def test_bad_rules_are_refused(control, rule):
    with pytest.raises(RuntimeError, match='400'):
        control.call('POST', '/_sim/faults', rule)


def test_clear_faults(api, control):
    control.fault(status=500, count=5)
    control.clear_faults()
    assert api.get('/ivrs').status_code == 200
