# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import sys
import urllib.parse

import pytest
import requests

SIMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, SIMULATOR_DIR)

from portsip_sim import Simulator  # noqa: E402 pylint: disable=wrong-import-position
from portsip_sim.api import CLIENT_ID  # noqa: E402 pylint: disable=wrong-import-position
from portsip_sim.openapi import spec_path  # noqa: E402 pylint: disable=wrong-import-position

SEED = {
    'ivrs': [
        {'name': 'Sales', 'extension_number': '8100', 'action_urls': [
            {'name': 'crm', 'type': 'DTMF', 'dtmf_mask': '1', 'method': 'GET', 'url': 'https://crm.example.com/hook'},
        ]},
        {'name': "O'Brien Desk", 'extension_number': '8101'},
        {'name': 'Support', 'extension_number': '8200'},
    ],
    'users': [{'username': 'twofa', 'password': 'secret2fa', 'two_factor_enabled': True}],
}


def password_login(base_url, verify=True, **fields):
    form = dict({'grant_type': 'password', 'username': 'admin', 'password': 'portsip123', 'scope': 'all',
                 'client_id': CLIENT_ID, 'domain': 'demo.portsip.local'}, **fields)
    return requests.post(base_url + '/api/login/oauth/token', data=form, timeout=5, verify=verify)


class Api:
    """A logged-in client of the simulated PBX API. get and post take a path such as '/ivrs/%s/action_urls' and
    the ids to fill it with: each is quoted, as the simulator makes ids that hold / and +."""

    def __init__(self, sim):
        self.base = sim.base_url + '/api'
        self.session = requests.Session()
        self.login(sim.base_url)

    def login(self, base_url):
        answer = password_login(base_url)
        answer.raise_for_status()
        self.session.headers['Authorization'] = 'Bearer ' + answer.json()['access_token']
        return answer.json()

    def get(self, path, *ids, **kwargs):
        return self.session.get(self.url(path, *ids), timeout=5, **kwargs)

    def post(self, path, *ids, **kwargs):
        return self.session.post(self.url(path, *ids), timeout=5, **kwargs)

    def url(self, path, *ids):
        return self.base + path % tuple(urllib.parse.quote(value, safe='') for value in ids)


@pytest.fixture(scope='session')
def spec_file():
    """The vendor's OpenAPI description; the tests that need it skip without it, but fail in CI (CI set)."""
    if not os.path.exists(spec_path()):
        message = 'the PortSIP OpenAPI description was not found at %s (set PORTSIP_OPENAPI to its path)' % spec_path()
        if os.environ.get('CI'):
            pytest.fail(message)
        pytest.skip(message)
    return spec_path()


@pytest.fixture(scope='session', name='shared_sim')
def shared_sim_fixture():
    with Simulator(demo=True, seed=SEED) as sim:
        yield sim


@pytest.fixture(name='sim')
def sim_fixture(shared_sim):
    """The session's simulator, back at its start-up state."""
    shared_sim.reset()
    return shared_sim


@pytest.fixture
def control(sim):
    return sim.control()


@pytest.fixture(name='api')
def api_fixture(sim):
    client = Api(sim)
    yield client
    client.session.close()


@pytest.fixture
def login():
    """login(base_url, verify=True, **fields): password grant on the OAuth endpoint; fields replace form fields."""
    return password_login


@pytest.fixture
def ivr_id(api):
    """The id of the seeded IVR "Sales" (extension 8100), which has one action URL."""
    return api.get('/ivrs', params={'filter': "extension_number eq '8100'"}).json()['items'][0]['id']
