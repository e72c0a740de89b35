# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The check of each request against the vendor's OpenAPI description (Simulator(openapi=...)): what it catches,
# what it lets through, and that its messages never repeat a value sent.

import os
import subprocess
import sys

import pytest
import requests

from portsip_sim import Simulator
from portsip_sim.api import CLIENT_ID
from portsip_sim.openapi import ERRATA, load_spec

SIMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = 'hookpass_77'  # breaks the password pattern: its message must not repeat it


@pytest.fixture(scope='module', name='checking_sim')
def checking_sim_fixture(spec_file):
    with Simulator(demo=True, openapi=spec_file) as sim:
        yield sim


@pytest.fixture(name='sim')
def sim_fixture(checking_sim):
    checking_sim.reset()
    return checking_sim


@pytest.fixture(name='session')
def session_fixture(sim, login):
    session = requests.Session()
    session.headers['Authorization'] = 'Bearer ' + login(sim.base_url).json()['access_token']
    session.base = sim.base_url + '/api'
    yield session
    session.close()


@pytest.fixture(name='ivr')
def ivr_fixture(sim):
    return '/ivrs/' + sim.control().state()['ivrs'][0]['id']


def test_what_the_modules_send_is_in_the_spec(sim, session, ivr):
    base = session.base
    session.get(base + '/ivrs', params={'filter': "name eq '8000' or extension_number eq '8000'", 'skip': 0, 'top': 100})
    session.get(base + ivr)
    body = {'name': 'crm', 'type': 'DTMF', 'dtmf_mask': '1;2', 'method': 'GET', 'url': 'https://a.io/x', 'auth': 'DIGEST',
            'username': 'hookuser', 'password': 'hookpass1', 'headers': ''}
    created = session.post(base + ivr + '/action_urls', json=body).json()['id']
    session.post(base + ivr + '/action_urls/' + created, json={'enabled': True, 'request_timeout': 0})
    session.get(base + ivr + '/action_urls')
    session.post(base + ivr + '/action_urls/' + created + '/destroy')
    refresh = requests.post(base + '/auth/sign_in', json={'username': 'admin', 'password': 'portsip123', 'domain': 'demo.portsip.local'},
                            timeout=5).json()['refresh_token']
    requests.post(base + '/auth/refresh_token', json={'refresh_token': refresh}, timeout=5)
    requests.post(base + '/login/oauth/token', data={'grant_type': 'refresh_token', 'refresh_token': refresh, 'client_id': CLIENT_ID}, timeout=5)
    assert sim.spec_violations() == []
    assert len(sim.control().log()) == 10, 'the password login of the fixture is checked too'


@pytest.mark.parametrize('send, expected', [
    (lambda s, ivr: s.get(s.base + '/ivrs', params={'top': 0}), "GET /api/ivrs: InvalidParameter(name='top', location='query') $ breaks minimum 1"),
    (lambda s, ivr: s.put(s.base + ivr + '/action_urls', json={'name': 'x'}), 'OperationNotFound'),
    (lambda s, ivr: s.delete(s.base + ivr), 'OperationNotFound'),
    (lambda s, ivr: s.get(s.base + '/users'), 'PathNotFound'),
    (lambda s, ivr: requests.get(s.base + ivr, timeout=5), 'SecurityValidationError(): SecurityNotFound'),
    (lambda s, ivr: s.post(s.base + ivr + '/action_urls', json={'name': 'x', 'connection_timeout': -1}), '$.connection_timeout breaks minimum 0'),
    (lambda s, ivr: s.post(s.base + ivr + '/action_urls', json={'name': 'x', 'enabled': 'true'}), '$.enabled breaks type "boolean"'),
    (lambda s, ivr: s.post(s.base + ivr + '/action_urls', json={'name': 'x', 'token': None}), '$.token breaks type "string"'),
    (lambda s, ivr: s.post(s.base + ivr + '/action_urls', json={'name': 'x', 'password': SECRET}), '$.password breaks pattern'),
    (lambda s, ivr: s.post(s.base + ivr + '/action_urls', data={'name': 'x'}), 'MediaTypeNotFound'),
    (lambda s, ivr: requests.post(s.base + '/auth/sign_in', json={'username': 'admin'}, timeout=5), '$ breaks required ["username", "password"]'),
    (lambda s, ivr: requests.post(s.base + '/login/oauth/token', data={'grant_type': 'password', 'username': 'admin', 'password': SECRET,
                                                                       'scope': 'all', 'client_id': 'other'}, timeout=5),
     '$.client_id breaks const'),
    (lambda s, ivr: requests.post(s.base + '/login/oauth/token', data={'grant_type': 'password', 'client_id': CLIENT_ID}, timeout=5),
     '$ breaks required ["username", "password", "scope"]'),
    (lambda s, ivr: requests.post(s.base + '/login/oauth/token', json={'grant_type': 'password'}, timeout=5), 'MediaTypeNotFound'),
])
def test_a_request_outside_the_spec_is_caught_without_echoing_values(sim, session, ivr, send, expected):
    sim.control().clear_log()
    send(session, ivr)
    violations = sim.spec_violations()
    assert any(expected in violation for violation in violations), violations
    assert all(SECRET not in violation for violation in violations)


def test_violations_are_recorded_not_answered_and_cleared_by_reset(sim, session, ivr):
    # The simulator answers as it always does (here its own validation refuses the body); the check only records.
    assert session.post(session.base + ivr + '/action_urls', json={'name': 'x', 'connection_timeout': -1}).status_code == 400
    assert len(sim.spec_violations()) == 1
    sim.reset()
    assert sim.spec_violations() == []


def test_each_erratum_has_its_reason_and_nothing_else_changes(spec_file):
    corrected = load_spec(spec_file)
    create = corrected['paths']['/ivrs/{id}/action_urls']['post']['requestBody']['content']['application/json']['schema']['allOf']
    assert 'pattern' not in create[1]['properties']['url'] and create[1]['properties']['url']['maxLength'] == 128
    assert create[1]['properties']['password']['pattern'] == '^(?:[a-z0-9]{6,64})$'
    assert '/login/oauth/token' in corrected['paths']
    assert all(len(reason) > 40 for reason, _correct in ERRATA)


def test_the_simulator_runs_without_openapi_core_when_nothing_is_checked():
    code = ("import sys; sys.modules['openapi_core'] = None\n"
            "from portsip_sim import Simulator\n"
            "with Simulator(demo=True) as sim: assert sim.control().state()['ivrs']\n")
    subprocess.run([sys.executable, '-c', code], env=dict(os.environ, PYTHONPATH=SIMULATOR_DIR), check=True, timeout=30)
