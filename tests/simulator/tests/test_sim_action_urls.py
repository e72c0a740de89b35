# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

BASIC = {'name': 'billing', 'type': 'CALLER', 'caller_mask': '100-199', 'method': 'POST', 'url': 'https://example.com/billing',
         'auth': 'BASIC', 'username': 'hookuser', 'password': 'hookpass1'}


def create(api, ivr_id, body):
    answer = api.post('/ivrs/%s/action_urls', ivr_id, json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()['id']


def test_create_read_update_delete(api, ivr_id):
    url_id = create(api, ivr_id, BASIC)
    path = '/ivrs/%s/action_urls/%s'
    stored = api.get(path, ivr_id, url_id).json()
    assert stored['id'] == url_id and stored['caller_mask'] == '100-199'
    # Server defaults, and null for what was never set
    assert (stored['enabled'], stored['connection_timeout'], stored['request_timeout']) == (False, 2, 2)
    assert stored['headers'] is None and stored['dtmf_mask'] is None and stored['token'] is None

    update = api.post(path, ivr_id, url_id, json={'enabled': True, 'request_timeout': 5})
    assert update.status_code == 200 and update.content == b''
    assert (api.get(path, ivr_id, url_id).json()['enabled'], api.get(path, ivr_id, url_id).json()['request_timeout']) == (True, 5)

    listed = api.get('/ivrs/%s/action_urls', ivr_id).json()
    assert set(listed) == {'items'}
    assert [item['name'] for item in listed['items']] == ['crm', 'billing']

    deleted = api.post(path + '/destroy', ivr_id, url_id)
    assert deleted.status_code == 204 and deleted.content == b''
    assert api.get(path, ivr_id, url_id).status_code == 404
    assert api.post(path + '/destroy', ivr_id, url_id).status_code == 404


@pytest.mark.parametrize('field', ['dtmf_mask', 'caller_mask'])
def test_repeated_mask_entries_are_refused_as_pbx_22_6_does(api, ivr_id, field):
    answer = api.post('/ivrs/%s/action_urls' % ivr_id, json={'name': 'x', field: '1;2; 1;2'})
    assert answer.status_code == 400
    assert answer.json()['errors'] == [{'code': 'VALIDATE_FAILED', 'message': '%s: entries must be unique, repeated: 1, 2' % field,
                                        'detail': {'field': field}}]
    assert api.post('/ivrs/%s/action_urls' % ivr_id, json={'name': 'x', field: '1;01;1-2'}).status_code == 201


def test_duplicate_names_are_accepted(api, ivr_id):
    create(api, ivr_id, {'name': 'crm'})
    assert [item['name'] for item in api.get('/ivrs/%s/action_urls', ivr_id).json()['items']] == ['crm', 'crm']


@pytest.mark.parametrize('mode, shown', [('clear', 'hookpass1'), ('masked', '******')])
def test_secrets_shown(api, control, ivr_id, mode, shown):
    control.configure(secrets=mode)
    url_id = create(api, ivr_id, BASIC)
    single = api.get('/ivrs/%s/action_urls/%s', ivr_id, url_id).json()
    listed = api.get('/ivrs/%s/action_urls', ivr_id).json()['items'][-1]
    for answer in (single, listed):
        assert answer['password'] == shown
        assert answer['token'] is None  # never set: null even when masked


@pytest.mark.parametrize('mode, shown', [
    ('clear', 'Authorization:Bearer hooktoken1&X-App-ID:crm&X-Token:'),
    ('omitted', 'Authorization:Bearer hooktoken1&X-App-ID:crm&X-Token:'),
    ('masked', 'Authorization:******&X-App-ID:crm&X-Token:'),
])
def test_credential_header_values_are_masked_with_the_secrets(api, control, ivr_id, mode, shown):
    control.configure(secrets=mode)
    url_id = create(api, ivr_id, dict(BASIC, headers='Authorization:Bearer hooktoken1&X-App-ID:crm&X-Token:'))
    assert api.get('/ivrs/%s/action_urls/%s', ivr_id, url_id).json()['headers'] == shown
    assert control.state()['ivrs'][1]['action_urls'][-1]['headers'] == 'Authorization:Bearer hooktoken1&X-App-ID:crm&X-Token:'


def test_secrets_omitted(api, control, ivr_id):
    control.configure(secrets='omitted')
    url_id = create(api, ivr_id, BASIC)
    answer = api.get('/ivrs/%s/action_urls/%s', ivr_id, url_id).json()
    assert 'password' not in answer and 'token' not in answer
    assert answer['username'] == 'hookuser'
    assert control.state()['ivrs'][1]['action_urls'][-1]['password'] == 'hookpass1'


def test_update_keep_leaves_secrets_alone(api, control, ivr_id):
    url_id = create(api, ivr_id, BASIC)
    assert api.post('/ivrs/%s/action_urls/%s', ivr_id, url_id, json={'url': 'https://example.com/v2'}).status_code == 200
    stored = control.state()['ivrs'][1]['action_urls'][-1]
    assert (stored['url'], stored['password'], stored['caller_mask']) == ('https://example.com/v2', 'hookpass1', '100-199')


def test_update_reset_replaces_the_object(api, control, ivr_id):
    control.configure(update='reset')
    url_id = create(api, ivr_id, dict(BASIC, request_timeout=9))
    path = '/ivrs/%s/action_urls/%s'
    assert api.post(path, ivr_id, url_id, json={'name': 'billing', 'url': 'https://example.com/v2'}).status_code == 200
    stored = control.state()['ivrs'][1]['action_urls'][-1]
    assert stored['password'] is None and stored['caller_mask'] is None
    assert (stored['request_timeout'], stored['auth'], stored['id']) == (2, 'DISABLE', url_id)
    # A replacement is a whole new object, so it needs a name like a create does
    assert api.post(path, ivr_id, url_id, json={'url': 'https://example.com/v3'}).status_code == 400


@pytest.mark.parametrize('status, code', [(404, 'NOT_FOUND'), (400, 'VALIDATE_FAILED')])
def test_unknown_action_url_id(api, control, ivr_id, status, code):
    control.configure(unknown_id_status=status)
    path = '/ivrs/%s/action_urls/Tm9TdWNoVXJs'
    for answer in (api.get(path, ivr_id), api.post(path, ivr_id, json={'enabled': True}), api.post(path + '/destroy', ivr_id)):
        assert answer.status_code == status
        assert answer.json()['errors'] == [{'code': code, 'message': answer.json()['errors'][0]['message'], 'detail': {'field': 'url_id'}}]


@pytest.mark.parametrize('body, field', [
    ({'type': 'DTMF'}, 'name'),
    ({'name': ''}, 'name'),
    ({'name': 'x' * 65}, 'name'),
    ({'name': 'a', 'enabled': 'yes'}, 'enabled'),
    ({'name': 'a', 'type': 'dtmf'}, 'type'),
    ({'name': 'a', 'dtmf_mask': '1' * 256}, 'dtmf_mask'),
    ({'name': 'a', 'method': 'PUT'}, 'method'),
    ({'name': 'a', 'url': 'u' * 129}, 'url'),
    ({'name': 'a', 'url': ''}, 'url'),
    ({'name': 'a', 'headers': None}, 'headers'),
    ({'name': 'a', 'connection_timeout': -1}, 'connection_timeout'),
    ({'name': 'a', 'request_timeout': True}, 'request_timeout'),
    ({'name': 'a', 'request_timeout': '5'}, 'request_timeout'),
    ({'name': 'a', 'auth': 'NTLM'}, 'auth'),
    ({'name': 'a', 'username': 'short'}, 'username'),
    ({'name': 'a', 'password': 'Upper1234'}, 'password'),
    ({'name': 'a', 'token': 42}, 'token'),
    ({'name': 'a', 'id': 'Zm9v'}, 'id'),
    ({'name': 'a', 'colour': 'red'}, 'colour'),
])
def test_validation_errors(api, control, ivr_id, body, field):
    answer = api.post('/ivrs/%s/action_urls', ivr_id, json=body)
    assert answer.status_code == 400
    [error] = answer.json()['errors']
    assert error['code'] == 'VALIDATE_FAILED'
    assert error['detail'] == {'field': field} and error['message'].startswith(field + ': ')
    assert len(control.state()['ivrs'][1]['action_urls']) == 1


def test_every_problem_is_reported(api, ivr_id):
    answer = api.post('/ivrs/%s/action_urls', ivr_id, json={'enabled': 1, 'method': 'PUT'})
    assert sorted(error['detail']['field'] for error in answer.json()['errors']) == ['enabled', 'method', 'name']


@pytest.mark.parametrize('data, headers', [
    (b'{"name": ', {'Content-Type': 'application/json'}),
    (b'["name"]', {'Content-Type': 'application/json'}),
    (b'name=x', {'Content-Type': 'application/x-www-form-urlencoded'}),
])
def test_body_must_be_a_json_object(api, ivr_id, data, headers):
    answer = api.post('/ivrs/%s/action_urls', ivr_id, data=data, headers=headers)
    assert answer.status_code == 400
    assert answer.json()['errors'][0]['code'] == 'VALIDATE_FAILED'


def test_blank_defaults_shows_null_for_server_defaults(api, control, ivr_id):
    control.configure(blank_defaults=True, secrets='clear')
    url_id = create(api, ivr_id, {'name': 'quiet', 'enabled': False, 'request_timeout': 5, 'connection_timeout': 0, 'password': 'hookpass1'})
    shown = api.get('/ivrs/%s/action_urls/%s', ivr_id, url_id).json()
    assert (shown['enabled'], shown['connection_timeout'], shown['request_timeout'], shown['auth']) == (None, 0, 5, None)
    assert shown['password'] == 'hookpass1' and shown['name'] == 'quiet'
    assert api.get('/ivrs/%s/action_urls', ivr_id).json()['items'][-1] == shown
    api.post('/ivrs/%s/action_urls/%s', ivr_id, url_id, json={'enabled': True, 'auth': 'BASIC', 'request_timeout': 2})
    shown = api.get('/ivrs/%s/action_urls/%s', ivr_id, url_id).json()
    assert (shown['enabled'], shown['auth'], shown['request_timeout']) == (True, 'BASIC', None)
    # Only the answers change: the PBX still stores the defaults.
    assert control.state()['ivrs'][1]['action_urls'][-1]['request_timeout'] == 2
    assert control.configure(blank_defaults=False)['blank_defaults'] is False
    assert api.get('/ivrs/%s/action_urls/%s', ivr_id, url_id).json()['request_timeout'] == 2
