# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

import requests

from portsip_sim import Simulator
from portsip_sim.api import CLIENT_ID


def error_codes(answer):
    return [error['code'] for error in answer.json()['errors']]


def bearer(token):
    return {'Authorization': 'Bearer ' + token}


def test_password_grant_answers_tokens(sim, login):
    answer = login(sim.base_url)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {'access_token', 'refresh_token', 'expires_in', 'token_type'}
    assert body['token_type'] == 'Bearer' and body['expires_in'] == 1800


def test_password_grant_refuses_wrong_credentials(sim, login):
    for fields in ({'password': 'wrong'}, {'domain': 'other.example.com'}, {'domain': ''}, {'client_id': 'not-ours'}):
        answer = login(sim.base_url, **fields)
        assert answer.status_code == 400, fields
        assert error_codes(answer) == ['UNAUTHORIZED']


def test_password_grant_wants_a_form_body(sim):
    answer = requests.post(sim.base_url + '/api/login/oauth/token', json={'grant_type': 'password'}, timeout=5)
    assert answer.status_code == 400


def test_system_admin_logs_in_without_domain():
    with Simulator(domain='') as sim:
        answer = requests.post(sim.base_url + '/api/auth/sign_in', json={'username': 'admin', 'password': 'portsip123'}, timeout=5)
        assert answer.status_code == 200 and 'access_token' in answer.json()


def test_refresh_grant_gives_working_tokens(sim, login):
    refresh = login(sim.base_url).json()['refresh_token']
    answer = requests.post(sim.base_url + '/api/login/oauth/token', timeout=5,
                           data={'grant_type': 'refresh_token', 'refresh_token': refresh, 'client_id': CLIENT_ID})
    assert answer.status_code == 200
    assert requests.get(sim.base_url + '/api/ivrs', headers=bearer(answer.json()['access_token']), timeout=5).status_code == 200
    answer = requests.post(sim.base_url + '/api/login/oauth/token', timeout=5,
                           data={'grant_type': 'refresh_token', 'refresh_token': 'bogus', 'client_id': CLIENT_ID})
    assert answer.status_code == 400 and error_codes(answer) == ['UNAUTHORIZED']


def test_sign_in_and_its_refresh(sim):
    answer = requests.post(sim.base_url + '/api/auth/sign_in', timeout=5,
                           json={'username': 'admin', 'password': 'portsip123', 'domain': 'demo.portsip.local'})
    assert answer.status_code == 200
    refreshed = requests.post(sim.base_url + '/api/auth/refresh_token', json={'refresh_token': answer.json()['refresh_token']}, timeout=5)
    assert refreshed.status_code == 200
    assert requests.get(sim.base_url + '/api/ivrs', headers=bearer(refreshed.json()['access_token']), timeout=5).status_code == 200
    wrong = requests.post(sim.base_url + '/api/auth/sign_in', json={'username': 'admin', 'password': 'nope'}, timeout=5)
    assert wrong.status_code == 400 and error_codes(wrong) == ['UNAUTHORIZED']
    incomplete = requests.post(sim.base_url + '/api/auth/sign_in', json={'username': 'admin'}, timeout=5)
    assert incomplete.status_code == 400 and error_codes(incomplete) == ['VALIDATE_FAILED']


def test_two_factor_account(sim, login):
    answer = requests.post(sim.base_url + '/api/auth/sign_in', timeout=5,
                           json={'username': 'twofa', 'password': 'secret2fa', 'domain': 'demo.portsip.local'})
    assert answer.status_code == 200
    assert answer.json()['two_factor_enabled'] is True and 'access_token' not in answer.json()
    assert requests.get(sim.base_url + '/api/ivrs', headers=bearer(answer.json()['token']), timeout=5).status_code == 401
    assert login(sim.base_url, username='twofa', password='secret2fa').status_code == 400


def test_missing_unknown_and_expired_tokens_answer_401(sim, control, api):
    assert requests.get(sim.base_url + '/api/ivrs', timeout=5).status_code == 401
    assert requests.get(sim.base_url + '/api/ivrs', headers=bearer('made-up'), timeout=5).status_code == 401
    assert api.get('/ivrs').status_code == 200
    control.expire_tokens()
    answer = api.get('/ivrs')
    assert answer.status_code == 401 and error_codes(answer) == ['UNAUTHORIZED']


def test_tokens_expire_after_token_ttl(sim, control, api, monkeypatch):
    control.configure(token_ttl=60)
    assert api.login(sim.base_url)['expires_in'] == 60
    now = time.monotonic()
    monkeypatch.setattr(sim.tokens, 'clock', lambda: now + 59)
    assert api.get('/ivrs').status_code == 200
    monkeypatch.setattr(sim.tokens, 'clock', lambda: now + 61)
    assert api.get('/ivrs').status_code == 401


def test_static_access_token_survives_expiry():
    with Simulator(access_token='static-token') as sim:
        sim.expire_tokens()
        assert requests.get(sim.base_url + '/api/ivrs', headers=bearer('static-token'), timeout=5).status_code == 200


def test_oauth_endpoint_can_be_missing(sim, control, login):
    control.configure(oauth_endpoint=False)
    assert login(sim.base_url).status_code == 404
    answer = requests.post(sim.base_url + '/api/auth/sign_in', timeout=5,
                           json={'username': 'admin', 'password': 'portsip123', 'domain': 'demo.portsip.local'})
    assert answer.status_code == 200
