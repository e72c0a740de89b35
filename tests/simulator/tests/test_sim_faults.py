# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import concurrent.futures
import http.client
import json
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


def test_gather_holds_each_request_until_the_last_has_arrived(api, control):
    control.fault(kind='gather', method='GET', path='/api/ivrs', count=2, delay=30)
    first = concurrent.futures.ThreadPoolExecutor(1).submit(api.get, '/ivrs')
    time.sleep(0.3)
    assert not first.done()
    started = time.monotonic()
    assert api.get('/ivrs').status_code == 200
    assert first.result(timeout=5).status_code == 200
    assert time.monotonic() - started < 5
    assert [entry['fault'] for entry in control.log()[-2:]] == ['gather', 'gather']


def test_gather_lets_requests_go_after_its_delay(api, control):
    control.fault(kind='gather', count=2, delay=0.2)
    started = time.monotonic()
    assert api.get('/ivrs').status_code == 200
    assert time.monotonic() - started >= 0.2


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


@pytest.mark.parametrize('rule', [
    {'kind': 'explode'}, {'count': 0}, {'path': '('}, {'kind': 'delay', 'delay': -1}, {'colour': 'red'}, {'after': -1},
    {'after': True}, {'retry_after': -1}, {'retry_after': True}, {'retry_after': 'soon\r\nX-Injected: 1'},
    {'kind': 'slow_commit', 'commit_after': 'later'}, {'kind': 'slow_commit', 'delay': float('inf')},
    {'kind': 'answer', 'body': {}, 'raw': ''}, {'kind': 'answer', 'raw': 7},
    {'kind': 'answer', 'apply': 'yes'}, {'kind': 'answer', 'content_type': 'text/plain\nX: 1'}, {'kind': 'redirect', 'status': 200},
    {'kind': 'redirect', 'location': 5},
])
def test_bad_rules_are_refused(control, rule):
    with pytest.raises(RuntimeError, match='400'):
        control.call('POST', '/_sim/faults', rule)


def test_clear_faults(api, control):
    control.fault(status=500, count=5)
    control.clear_faults()
    assert api.get('/ivrs').status_code == 200


def test_after_lets_matching_requests_pass_first(api, control, ivr_id):
    control.fault(status=500, method='POST', path=CREATE_PATH, after=1)
    control.fault(status=503, method='POST', path=CREATE_PATH, after=2)
    assert control.faults()[0]['after'] == 1
    assert api.get('/ivrs').status_code == 200  # not a matching request: counts for nothing
    statuses = [api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'n%d' % number}).status_code for number in range(4)]
    # Each rule counts the matching requests on its own: the second create meets the first rule, the third the second.
    assert statuses == [201, 500, 503, 201]
    assert [entry['fault'] for entry in control.log()[-4:]] == [None, 'status', 'status', None]
    assert not control.faults()


@pytest.mark.parametrize('retry_after', ['soon', 'nan', 'inf', '-1', '', 'Wed, 21 Oct 2026 07:28:00 GMT', 0, 120])
def test_retry_after_is_sent_as_given(api, control, retry_after):
    control.fault(status=503, retry_after=retry_after)
    answer = api.get('/ivrs')
    assert answer.status_code == 503 and answer.headers['Retry-After'] == str(retry_after)


def fresh_connection(sim):
    host, port = sim.base_url.split('//')[1].rsplit(':', 1)
    return http.client.HTTPConnection(host, int(port), timeout=5)


@pytest.mark.parametrize('rule', [{'kind': 'status', 'status': 204}, {'kind': 'answer', 'status': 204, 'body': {'ignored': True}},
                                  {'kind': 'answer', 'status': 204, 'raw': 'ignored'}, {'kind': 'answer', 'status': 304, 'body': []}])
def test_no_body_answers_keep_the_connection_usable(sim, api, control, rule):
    control.fault(path='/api/ivrs', **rule)
    connection = fresh_connection(sim)
    headers = {'Authorization': api.session.headers['Authorization']}
    try:
        connection.request('GET', '/api/ivrs', headers=headers)
        first = connection.getresponse()
        assert (first.status, first.read(), first.getheader('Content-Length')) == (rule['status'], b'', None)
        # Any byte written after the headers would now be read as the start of this answer.
        connection.request('GET', '/api/ivrs', headers=headers)
        second = connection.getresponse()
        assert second.status == 200 and json.loads(second.read())['count'] == 4
    finally:
        connection.close()


@pytest.mark.parametrize('rule, content_type, text', [
    ({'body': {}}, 'application/json', '{}'),
    ({'body': []}, 'application/json', '[]'),
    ({'body': {'items': None}}, 'application/json', '{"items": null}'),
    ({'status': 201, 'body': {}}, 'application/json', '{}'),
    ({'status': 200}, None, ''),
    ({'raw': '<html>Bad Gateway</html>', 'status': 502, 'content_type': 'text/html'}, 'text/html', '<html>Bad Gateway</html>'),
    ({'raw': 'not json'}, 'text/plain; charset=utf-8', 'not json'),
    ({'body': {'id': 'x'}, 'content_type': 'text/plain'}, 'text/plain', '{"id": "x"}'),
])
def test_answer_replaces_the_request(api, control, ivr_id, rule, content_type, text):
    control.fault(kind='answer', method='POST', path=CREATE_PATH, **rule)
    answer = api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'never made'})
    assert (answer.status_code, answer.headers.get('Content-Type'), answer.text) == (rule.get('status', 200), content_type, text)
    assert answer.headers['Content-Length'] == str(len(text))
    assert len(control.state()['ivrs'][1]['action_urls']) == 1
    assert (control.log()[-1]['status'], control.log()[-1]['fault']) == (rule.get('status', 200), 'answer')


def test_echo_repeats_the_request_in_the_error(api, control, ivr_id):
    control.fault(method='POST', path=CREATE_PATH, status=500, echo=True)
    answer = api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'made', 'token': 'echoed-secret'})
    message = answer.json()['errors'][0]['message']
    assert answer.status_code == 500 and message.startswith('fault injected by the simulator while handling POST /api/ivrs/')
    assert '"token": "echoed-secret"' in message and 'Authorization: Bearer ' in message


def test_answer_with_apply_processes_the_request_first(api, control, ivr_id):
    control.fault(kind='answer', method='POST', path=CREATE_PATH, status=201, body={}, apply=True)
    answer = api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'made'})
    assert (answer.status_code, answer.json()) == (201, {})
    assert [url['name'] for url in control.state()['ivrs'][1]['action_urls']] == ['crm', 'made']


@pytest.mark.parametrize('status', [301, 302, 303, 307, 308])
def test_redirect_to_the_same_path_by_default(api, control, ivr_id, status):
    control.fault(kind='redirect', status=status, path='/api/ivrs/[^/]+/action_urls')
    answer = api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'moved'}, params={'a': '1'}, allow_redirects=False)
    assert answer.status_code == status and answer.content == b''
    assert answer.headers['Location'] == '/api/ivrs/%s/action_urls?a=1' % ivr_id
    assert len(control.state()['ivrs'][1]['action_urls']) == 1
    assert (control.log()[-1]['status'], control.log()[-1]['fault']) == (status, 'redirect')


def test_redirect_to_a_given_location(api, control):
    control.fault(kind='redirect', location='https://login.example.com/sso')
    answer = api.get('/ivrs', allow_redirects=False)
    assert (answer.status_code, answer.headers['Location']) == (302, 'https://login.example.com/sso')


def test_truncate_cuts_a_read(api, control):
    control.fault(kind='truncate', method='GET', path='/api/ivrs')
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        api.get('/ivrs')
    assert (control.log()[-1]['status'], control.log()[-1]['fault']) == (200, 'truncate')
    assert api.get('/ivrs').json()['count'] == 4


def test_truncate_after_a_create_commits_it(api, control, ivr_id):
    control.fault(kind='truncate', method='POST', path=CREATE_PATH)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'cut'})
    assert [url['name'] for url in control.state()['ivrs'][1]['action_urls']] == ['crm', 'cut']
    assert control.log()[-1]['status'] == 201


def test_truncate_of_an_empty_body_still_promises_a_byte(sim, api, control, ivr_id):
    url_id = api.get('/ivrs/%s/action_urls', ivr_id).json()['items'][0]['id']
    control.fault(kind='truncate', method='POST')
    connection = fresh_connection(sim)
    try:
        connection.request('POST', '/api/ivrs/%s/action_urls/%s' % (ivr_id, requests.utils.quote(url_id, safe='')), body='{"enabled": true}',
                           headers={'Authorization': api.session.headers['Authorization'], 'Content-Type': 'application/json'})
        answer = connection.getresponse()
        assert (answer.status, answer.getheader('Content-Length')) == (200, '1')
        with pytest.raises(http.client.IncompleteRead):
            answer.read()
    finally:
        connection.close()
    assert control.state()['ivrs'][1]['action_urls'][0]['enabled'] is True
