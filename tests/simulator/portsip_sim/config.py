# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Start-up settings, and the behaviour switches that tests may change while the simulator runs.

import dataclasses
import ipaddress
import typing


def _one_of(*values):
    def check(value):
        if value not in values or isinstance(value, bool) != isinstance(values[0], bool):
            return 'must be one of %s' % ', '.join(str(v) for v in values)
        return None
    return check


def _int(minimum, optional=False):
    def check(value):
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            return 'must be an integer >= %d%s' % (minimum, ' or null' if optional else '')
        return None
    return check


def _seconds(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < float('inf'):
        return 'must be a finite number of seconds >= 0'
    return None


def _bool(value):
    return None if isinstance(value, bool) else 'must be true or false'


# The answers of the real PBX that its documentation leaves open; each can be flipped while the simulator runs.
SWITCHES = {
    'secrets': _one_of('clear', 'masked', 'omitted'),
    'update': _one_of('keep', 'reset'),
    'unknown_id_status': _one_of(404, 400),
    'oauth_endpoint': _bool,
    'max_page_size': _int(1, optional=True),
    'skip_base': _one_of(0, 1),
    'ignore_filter': _bool,
    'token_ttl': _int(1),
    'blank_defaults': _bool,
    # Added to every API answer, as a network round trip and a busy server would add.
    'latency': _seconds,
    # Accept what PBXs before 22.6 accepted: masks that repeat an entry, credentials with capitals.
    'legacy_values': _bool,
}


@dataclasses.dataclass
class Config:
    host: str = '127.0.0.1'
    port: int = 0
    username: str = 'admin'
    password: str = 'portsip123'
    domain: str = 'demo.portsip.local'
    access_token: typing.Optional[str] = None
    tls: bool = False
    tls_dir: typing.Optional[str] = None
    secrets: str = 'masked'
    update: str = 'keep'
    unknown_id_status: int = 404
    oauth_endpoint: bool = True
    max_page_size: typing.Optional[int] = None
    skip_base: int = 0
    ignore_filter: bool = False
    token_ttl: int = 1800
    blank_defaults: bool = False
    latency: float = 0.0
    legacy_values: bool = False

    def __post_init__(self):
        if not is_loopback(self.host):
            raise ValueError('host %r is not a loopback address: the simulator only listens on this machine' % self.host)
        if self.tls and not self.tls_dir:
            raise ValueError('tls needs tls_dir, the directory that receives ca.pem and the server certificate')
        self.set_switches(self.switches())

    def switches(self):
        return {name: getattr(self, name) for name in SWITCHES}

    def set_switches(self, changes):
        """Apply a partial update of the switches, all or nothing; raise ValueError naming every bad one."""
        problems = ['%s: unknown switch' % name for name in changes if name not in SWITCHES]
        problems += ['%s: %s' % (name, SWITCHES[name](value)) for name, value in changes.items() if name in SWITCHES and SWITCHES[name](value)]
        if problems:
            raise ValueError('; '.join(problems))
        for name, value in changes.items():
            setattr(self, name, value)


def is_loopback(host):
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
