# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest
import requests


def test_log_entries_and_redaction(sim, control, api, ivr_id):
    control.clear_log()
    requests.post(sim.base_url + '/api/auth/sign_in', json={'username': 'admin', 'password': 'portsip123'}, timeout=5)
    requests.post(sim.base_url + '/api/auth/refresh_token', json={'refresh_token': 'abc'}, timeout=5)
    api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'h', 'auth': 'BEARER', 'token': 'tok', 'password': 'abcdef1'})
    api.get('/ivrs', params={'top': '5', 'filter': "name eq 'x'"})
    sign_in, refresh, create, listing = control.log()
    assert sign_in['body'] == {'username': 'admin', 'password': '<redacted>'} and not sign_in['write']
    assert refresh['body'] == {'refresh_token': '<redacted>'} and not refresh['write']
    assert create == {'seq': create['seq'], 'method': 'POST', 'path': '/api/ivrs/%s/action_urls' % ivr_id, 'query': {},
                      'body': {'name': 'h', 'auth': 'BEARER', 'token': '<redacted>', 'password': '<redacted>'},
                      'status': 201, 'fault': None, 'write': True}
    assert listing['query'] == {'top': '5', 'filter': "name eq 'x'"} and listing['body'] is None
    assert [entry['seq'] for entry in control.log()] == sorted({entry['seq'] for entry in control.log()})
    assert [entry['path'] for entry in control.writes()] == ['/api/ivrs/%s/action_urls' % ivr_id]


def test_log_never_holds_secrets(sim, control, login):
    login(sim.base_url)
    text = json.dumps(control.log())
    assert 'portsip123' not in text and '<redacted>' in text
    for entry in control.log():
        assert 'Authorization' not in json.dumps(entry)
    token = login(sim.base_url).json()['access_token']
    requests.get(sim.base_url + '/api/ivrs', headers={'Authorization': 'Bearer ' + token}, timeout=5)
    assert token not in json.dumps(control.log())


def test_control_calls_are_not_logged_and_log_clears(sim, control, api):
    control.clear_log()
    api.get('/ivrs')
    control.state()
    control.config()
    assert [entry['path'] for entry in control.log()] == ['/api/ivrs']
    assert requests.delete(sim.base_url + '/_sim/log', timeout=5).status_code == 204
    assert control.log() == []


def test_reset_restores_data_and_switches(control, api, ivr_id):
    control.configure(secrets='clear', update='reset')
    api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'temporary'})
    control.seed(ivrs=[{'name': 'Temp', 'extension_number': '8999'}])
    control.fault(status=500, count=3)
    before = {ivr['name'] for ivr in control.state()['ivrs']}
    control.reset()
    assert {ivr['name'] for ivr in control.state()['ivrs']} == before - {'Temp'}
    assert [url['name'] for url in control.state()['ivrs'][1]['action_urls']] == ['crm']
    assert control.config()['secrets'] == 'masked' and control.config()['update'] == 'keep'
    assert control.faults() == [] and control.log() == []
    assert control.state()['ivrs'][1]['id'] == ivr_id  # ids survive a reset


def test_seed_answers_ids_and_extends_ivrs(control, api, ivr_id):
    created = control.seed(ivrs=[{'name': 'New', 'extension_number': '8300', 'action_urls': [{'name': 'a'}, {'name': 'b'}]},
                                 {'id': ivr_id, 'action_urls': [{'name': 'extra', 'password': 'abcdef'}]}],
                           users=[{'username': 'ops', 'password': 'opspass'}])
    new_ivr, sales = created['ivrs']
    assert len(new_ivr['action_urls']) == 2 and sales['id'] == ivr_id
    answer = api.get('/ivrs/%s/action_urls/%s', ivr_id, sales['action_urls'][0])
    assert answer.json()['name'] == 'extra'
    assert api.get('/ivrs/%s', new_ivr['id']).json()['name'] == 'New'


@pytest.mark.parametrize('seed', [
    {'ivrs': [{'name': 'Bad', 'extension_number': '12'}]},
    {'ivrs': [{'name': 'Bad', 'extension_number': '1234', 'action_urls': [{'method': 'PUT'}]}]},
    {'ivrs': [{'id': 'Tm9TdWNoSXZy', 'action_urls': []}]},
    {'things': []},
])
def test_bad_seed_is_refused_whole(control, seed):
    before = control.state()
    with pytest.raises(RuntimeError, match='400'):
        control.call('POST', '/_sim/seed', seed)
    assert control.state() == before


@pytest.mark.parametrize('switches', [{'secrets': 'plain'}, {'skip_base': 2}, {'skip_base': True}, {'max_page_size': 0},
                                      {'token_ttl': '60'}, {'blank_defaults': 1}, {'colour': 'red'}, {'latency': -0.1}, {'latency': '0.02'},
                                      {'latency': True}])
def test_bad_switches_are_refused(control, switches):
    with pytest.raises(RuntimeError, match='400'):
        control.configure(**switches)
    assert control.config()['secrets'] == 'masked'


def test_unknown_control_endpoint(sim):
    assert requests.get(sim.base_url + '/_sim/nothing', timeout=5).status_code == 404
    assert requests.post(sim.base_url + '/_sim/config', data=b'{', timeout=5).status_code == 400
