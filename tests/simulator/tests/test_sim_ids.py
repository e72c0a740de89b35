# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import urllib.parse

from portsip_sim.state import new_id


def test_every_third_id_needs_quoting():
    ids = [new_id(number) for number in range(1, 13)]
    plain = [value for number, value in enumerate(ids, 1) if number % 3]
    assert all(base64.b64decode(value).isdigit() and len(value) == 24 for value in plain)
    special = ids[2::3]
    assert all('+' in value for value in special[0::2]) and all('/' in value for value in special[1::2])
    assert all(value.endswith('==') and len(base64.b64decode(value)) == 16 for value in special)


def created_ids(api, ivr_id, count):
    ids = []
    for number in range(count):
        answer = api.post('/ivrs/%s/action_urls', ivr_id, json={'name': 'n%d' % number})
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()['id'])
    return ids


def test_ids_with_slash_and_plus_work_quoted(api, control, ivr_id):
    ids = created_ids(api, ivr_id, 6)
    assert any('/' in value for value in ids) and any('+' in value for value in ids)
    for number, url_id in enumerate(ids):
        assert api.get('/ivrs/%s/action_urls/%s', ivr_id, url_id).json() == dict(
            api.get('/ivrs/%s/action_urls', ivr_id).json()['items'][number + 1], name='n%d' % number)
        assert api.post('/ivrs/%s/action_urls/%s', ivr_id, url_id, json={'enabled': True}).status_code == 200
    slashed = next(value for value in ids if '/' in value)
    assert api.post('/ivrs/%s/action_urls/%s/destroy', ivr_id, slashed).status_code == 204
    assert slashed not in [url['id'] for url in control.state()['ivrs'][1]['action_urls']]
    # The log keeps the path as sent.
    assert control.log()[-1]['path'] == '/api/ivrs/%s/action_urls/%s/destroy' % (ivr_id, urllib.parse.quote(slashed, safe=''))


def test_path_segments_are_percent_decoded(api, ivr_id):
    answer = api.session.get(api.base + '/ivrs/abc%2Bdef', timeout=5)
    assert answer.status_code == 404 and 'no virtual receptionist with id abc+def' in answer.json()['errors'][0]['message']
    assert 'id abc/def' in api.session.get(api.base + '/ivrs/abc%2Fdef/action_urls', timeout=5).json()['errors'][0]['message']
    # Unquoted, a + (not a space in a path) and = are themselves, and a / splits the id into two segments.
    plussed = next(value for value in created_ids(api, ivr_id, 6) if '+' in value)
    path = '/ivrs/%s/action_urls/%s' % (ivr_id, plussed.replace('/', '%2F'))
    assert api.session.get(api.base + path, timeout=5).json()['id'] == plussed
    slashed = next(value for value in created_ids(api, ivr_id, 6) if '/' in value)
    assert api.session.get(api.base + '/ivrs/%s/action_urls/%s' % (ivr_id, slashed), timeout=5).status_code == 404


def test_fault_paths_match_the_path_as_sent(api, control, ivr_id):
    slashed = next(value for value in created_ids(api, ivr_id, 6) if '/' in value)
    control.fault(status=503, method='GET', path='/api/ivrs/[^/]+/action_urls/[^/]+')
    assert api.get('/ivrs/%s/action_urls/%s', ivr_id, slashed).status_code == 503


def test_control_api_with_such_ids(api, control, ivr_id):
    ivr = control.seed(ivrs=[{'name': 'Quoted', 'extension_number': '8500'}])['ivrs'][0]['id']
    ids = created_ids(api, ivr, 3) + control.seed(ivrs=[{'id': ivr, 'action_urls': [{'name': 'seeded'}] * 3}])['ivrs'][0]['action_urls']
    assert [url['id'] for url in control.state()['ivrs'][-1]['action_urls']] == ids
    assert any(set(value) & set('+/') for value in [ivr] + ids)
    assert api.get('/ivrs/%s/action_urls', ivr).json()['items'][-1]['name'] == 'seeded'


def test_reset_restarts_the_kinds_of_ids(api, control, ivr_id):
    kinds = []
    for _attempt in range(2):
        control.reset()
        kinds.append([value.endswith('==') for value in created_ids(api, ivr_id, 6)])
    assert kinds[0] == kinds[1] and any(kinds[0])
