# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import signal
import subprocess
import sys

import pytest
import requests

from portsip_sim import Simulator

SIMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope='module', name='tls_sim')
def tls_sim_fixture(tmp_path_factory):
    with Simulator(tls=True, tls_dir=str(tmp_path_factory.mktemp('tls')), demo=True) as sim:
        yield sim


def test_https_verifies_with_the_generated_ca(tls_sim, login):
    assert tls_sim.base_url.startswith('https://127.0.0.1:')
    assert os.path.basename(tls_sim.ca_file) == 'ca.pem'
    assert login(tls_sim.base_url, verify=tls_sim.ca_file).status_code == 200
    assert login(tls_sim.base_url.replace('127.0.0.1', 'localhost'), verify=tls_sim.ca_file).status_code == 200
    assert tls_sim.control().state()['ivrs'][0]['name'] == 'Main Menu'


@pytest.mark.filterwarnings('ignore:Unverified HTTPS request')
def test_https_fails_verification_without_the_ca(tls_sim, login):
    with pytest.raises(requests.exceptions.SSLError):
        login(tls_sim.base_url)
    assert login(tls_sim.base_url, verify=False).status_code == 200


def test_certificates_are_reused(tls_sim, login):
    with open(tls_sim.ca_file, encoding='utf-8') as handle:
        before = handle.read()
    with Simulator(tls=True, tls_dir=tls_sim.config.tls_dir) as again:
        assert login(again.base_url, verify=tls_sim.ca_file).status_code == 200
    with open(tls_sim.ca_file, encoding='utf-8') as handle:
        assert handle.read() == before


@pytest.mark.parametrize('settings', [{'host': '0.0.0.0'}, {'host': '192.168.1.10'}, {'host': 'example.com'}, {'tls': True},
                                      {'latency': -1}])
def test_bad_settings_are_refused(settings):
    with pytest.raises(ValueError):
        Simulator(**settings)


def run_cli(*args):
    return subprocess.Popen([sys.executable, '-m', 'portsip_sim'] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ, PYTHONPATH=SIMULATOR_DIR))


def test_cli_prints_its_url_and_stops_on_sigterm(tmp_path, login):
    port_file = tmp_path / 'url'
    process = run_cli('--demo', '--secrets', 'omitted', '--max-page-size', '7', '--blank-defaults', '--latency', '0.02', '--port-file', str(port_file))
    try:
        line = process.stdout.readline().strip()
        assert line.startswith('PORTSIP_SIM_URL=http://127.0.0.1:')
        base_url = line.split('=', 1)[1]
        assert port_file.read_text(encoding='utf-8').strip() == base_url
        config = requests.get(base_url + '/_sim/config', timeout=5).json()
        assert (config['secrets'], config['max_page_size'], config['blank_defaults'], config['latency']) == ('omitted', 7, True, 0.02)
        assert login(base_url).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert stdout == ''


def test_cli_refuses_a_public_host():
    process = run_cli('--host', '0.0.0.0')
    _stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 2 and 'loopback' in stderr


def test_cli_help():
    process = run_cli('--help')
    stdout, _stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    for text in ('PORTSIP_SIM_URL=', '--tls-dir', 'ca.pem', '/_sim/faults', 'commit_drop', 'slow_commit', '/_sim/commits/wait',
                 '--skip-base', '--blank-defaults', '--latency'):
        assert text in stdout
