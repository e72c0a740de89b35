# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# A throw-away CA and a server certificate it signs, made with the openssl command-line tool so the simulator
# needs no Python crypto package. Clients test validate_certs and a CA path against them.

import os
import subprocess

CA_CONFIG = """[req]
distinguished_name = dn
prompt = no
x509_extensions = ca
[dn]
CN = portsip_sim test CA
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""
# Python 3.13+ verifies strictly by default (VERIFY_X509_STRICT): the key identifiers and usages must be present.
SERVER_EXTENSIONS = """basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
"""
FILES = ('ca.pem', 'server.pem', 'server.key')


def certificates(directory):
    """Paths of (ca.pem, server.pem, server.key) in directory, made first unless all three are there already,
    so a CA a user has trusted keeps working across restarts."""
    paths = tuple(os.path.join(directory, name) for name in FILES)
    if all(os.path.exists(path) for path in paths):
        return paths
    os.makedirs(directory, exist_ok=True)

    def path(name):
        return os.path.join(directory, name)

    with open(path('ca.cnf'), 'w', encoding='utf-8') as handle:
        handle.write(CA_CONFIG)
    with open(path('server.ext'), 'w', encoding='utf-8') as handle:
        handle.write(SERVER_EXTENSIONS)
    ec_key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
    _openssl('req', '-x509', *ec_key, '-config', path('ca.cnf'), '-keyout', path('ca.key'), '-out', path('ca.pem'), '-days', '3650')
    _openssl('req', '-new', *ec_key, '-config', path('ca.cnf'), '-subj', '/CN=localhost', '-keyout', path('server.key'), '-out', path('server.csr'))
    _openssl('x509', '-req', '-in', path('server.csr'), '-CA', path('ca.pem'), '-CAkey', path('ca.key'), '-CAcreateserial',
             '-extfile', path('server.ext'), '-days', '825', '-out', path('server.pem'))
    return paths


def _openssl(*args):
    result = subprocess.run(('openssl',) + args, capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError('openssl %s failed: %s' % (args[0], result.stderr.strip()))
