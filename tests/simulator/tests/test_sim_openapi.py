# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The simulator's answers, and the requests it accepts, checked against the vendor's OpenAPI 3.1 description with
# its known errata corrected (portsip_sim.openapi.ERRATA).

import jsonschema
import pytest
import requests

from portsip_sim.openapi import load_spec
from portsip_sim.state import ACTION_URL_FIELDS

# The spec gives 4XX answers no schema; its introduction describes this shape in words.
ERROR_SCHEMA = {
    'type': 'object', 'required': ['errors'], 'additionalProperties': False,
    'properties': {'errors': {'type': 'array', 'minItems': 1, 'items': {
        'type': 'object', 'required': ['code', 'message'], 'additionalProperties': False,
        'properties': {'code': {'type': 'string', 'pattern': '^[A-Z_]+$'}, 'message': {'type': 'string'}, 'detail': {}}}}},
}
FULL = {'name': 'crm', 'enabled': True, 'type': 'DTMF', 'dtmf_mask': '1;3000-4000', 'caller_mask': '', 'method': 'POST',
        'url': 'https://crm.example.com/hook?from=ivr', 'headers': 'X-A:1&X-B:2', 'connection_timeout': 3, 'request_timeout': 0,
        'auth': 'DIGEST', 'username': 'hookuser', 'password': 'hookpass1', 'token': 'abc.def'}


@pytest.fixture(scope='module', name='spec')
def spec_fixture(spec_file):
    return load_spec(spec_file)


def tighten(schema):
    """The spec's schema as the simulator is held to it: allOf parts merged, and no property the spec does not name."""
    if isinstance(schema, list):
        return [tighten(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: tighten(value) for key, value in schema.items()}
    for part in schema.pop('allOf', []):
        for key, value in part.items():
            if key == 'properties':
                for name, property_schema in value.items():
                    schema.setdefault('properties', {})[name] = dict(schema.get('properties', {}).get(name, {}), **property_schema)
            else:
                schema.setdefault(key, value)
    if 'properties' in schema:
        schema['additionalProperties'] = False
    return schema


def without_nulls(value):
    # The spec says blank fields come back as null, which none of its schemas allow: a null stands for "unset".
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def operation(spec, path, method):
    return spec['paths'][path][method]


def response_schema(spec, path, method, status):
    return tighten(operation(spec, path, method)['responses'][status]['content']['application/json']['schema'])


def request_schema(spec, path):
    return tighten(operation(spec, path, 'post')['requestBody']['content']['application/json']['schema'])


def check(schema, instance):
    jsonschema.Draft202012Validator(schema).validate(without_nulls(instance))


def test_spec_names_exactly_the_simulated_action_url_fields(spec):
    answer = response_schema(spec, '/ivrs/{id}/action_urls/{url_id}', 'get', '200')
    assert set(answer['properties']) == set(ACTION_URL_FIELDS) | {'id'}
    assert set(request_schema(spec, '/ivrs/{id}/action_urls')['properties']) == set(ACTION_URL_FIELDS)


def test_auth_answers_and_requests(spec, sim):
    sign_in = {'username': 'admin', 'password': 'portsip123', 'domain': 'demo.portsip.local'}
    check(request_schema(spec, '/auth/sign_in'), sign_in)
    answer = requests.post(sim.base_url + '/api/auth/sign_in', json=sign_in, timeout=5)
    check(response_schema(spec, '/auth/sign_in', 'post', '200'), answer.json())
    two_factor = requests.post(sim.base_url + '/api/auth/sign_in', json=dict(sign_in, username='twofa', password='secret2fa'), timeout=5)
    check(response_schema(spec, '/auth/sign_in', 'post', '200'), two_factor.json())
    refresh = {'refresh_token': answer.json()['refresh_token']}
    check(request_schema(spec, '/auth/refresh_token'), refresh)
    refreshed = requests.post(sim.base_url + '/api/auth/refresh_token', json=refresh, timeout=5)
    check(response_schema(spec, '/auth/refresh_token', 'post', '200'), refreshed.json())
    wrong = requests.post(sim.base_url + '/api/auth/sign_in', json=dict(sign_in, password='wrong'), timeout=5)
    assert 400 <= wrong.status_code < 500
    check(ERROR_SCHEMA, wrong.json())


def test_ivr_answers(spec, api, ivr_id):
    parameters = {parameter['name']: parameter['schema'] for parameter in operation(spec, '/ivrs', 'get')['parameters']}
    for name, value in (('skip', 1), ('top', 2)):
        check(parameters[name], value)
    listed = api.get('/ivrs', params={'skip': 1, 'top': 2})
    check(response_schema(spec, '/ivrs', 'get', '200'), listed.json())
    check(response_schema(spec, '/ivrs/{id}', 'get', '200'), api.get('/ivrs/' + ivr_id).json())
    check(ERROR_SCHEMA, api.get('/ivrs', params={'top': 0}).json())
    check(ERROR_SCHEMA, api.get('/ivrs/Tm9TdWNoSXZy').json())


# Only clear and omitted: "******" is the simulator's stand-in for a server that masks secrets, which the spec's
# password pattern does not allow for; the collection must cope with it all the same.
@pytest.mark.parametrize('secrets', ['clear', 'omitted'])
def test_action_url_answers(spec, api, control, ivr_id, secrets):
    control.configure(secrets=secrets)
    base = '/ivrs/%s/action_urls'
    check(request_schema(spec, '/ivrs/{id}/action_urls'), FULL)
    created = api.post(base, ivr_id, json=FULL)
    assert created.status_code == 201
    check(response_schema(spec, '/ivrs/{id}/action_urls', 'post', '201'), created.json())
    check(response_schema(spec, '/ivrs/{id}/action_urls', 'get', '200'), api.get(base, ivr_id).json())
    path, ids = base + '/%s', (ivr_id, created.json()['id'])
    check(response_schema(spec, '/ivrs/{id}/action_urls/{url_id}', 'get', '200'), api.get(path, *ids).json())
    assert 'content' not in operation(spec, '/ivrs/{id}/action_urls/{url_id}', 'post')['responses']['200']
    assert api.post(path, *ids, json={'enabled': False}).content == b''
    assert '204' in operation(spec, '/ivrs/{id}/action_urls/{url_id}/destroy', 'post')['responses']
    assert api.post(path + '/destroy', *ids).status_code == 204
    check(ERROR_SCHEMA, api.post(path + '/destroy', *ids).json())


@pytest.mark.parametrize('body', [
    FULL, {}, {'name': 'x' * 64}, {'name': ''}, {'name': 'x' * 65}, {'enabled': 'true'}, {'type': 'CALLER'}, {'type': 'BOTH'},
    {'caller_mask': '1' * 255}, {'caller_mask': '1' * 256}, {'method': 'GET'}, {'method': 'get'}, {'url': 'u' * 128}, {'url': 'u' * 129},
    {'headers': 'a:b'}, {'headers': 7}, {'connection_timeout': 0}, {'connection_timeout': -1}, {'request_timeout': 1.5},
    {'request_timeout': False}, {'auth': 'BEARER'}, {'auth': 'disable'}, {'username': 'abcdef'}, {'username': 'abc'},
    {'username': 'abc_def'}, {'password': 'x' * 64}, {'password': 'x' * 65}, {'token': ''}, {'token': None}, {'id': 'Zm9v'},
    {'surprise': 1},
])
def test_simulator_accepts_what_the_spec_accepts(spec, api, ivr_id, body):
    # Updates, not creates: a create also needs a name, which the PBX's web UI demands but the schema does not.
    spec_accepts = jsonschema.Draft202012Validator(request_schema(spec, '/ivrs/{id}/action_urls/{url_id}')).is_valid(body)
    url_id = api.get('/ivrs/%s/action_urls', ivr_id).json()['items'][0]['id']
    answer = api.post('/ivrs/%s/action_urls/%s', ivr_id, url_id, json=body)
    assert answer.status_code == (200 if spec_accepts else 400), answer.text
