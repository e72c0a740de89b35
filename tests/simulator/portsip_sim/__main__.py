# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import os
import signal
import sys
import threading

from .server import Simulator

DESCRIPTION = """\
A stateful stand-in for the PortSIP PBX REST API (IVRs and their action URLs), for testing the
portsip.pbx Ansible collection and your own playbooks without a PBX. It listens on the loopback
interface only and keeps its data in memory.

Once listening it prints one line on stdout, PORTSIP_SIM_URL=http://127.0.0.1:PORT: the server's root,
with the PBX API under /api and the control API for tests under /_sim/. Stop it with SIGTERM or Ctrl-C.
Logins: admin / portsip123 / domain demo.portsip.local unless set below."""

EPILOG = """\
API served (under /api):
  POST /login/oauth/token       form: grant_type=password, username, password, scope, client_id, domain
                                (client_id must be 9d806019-75b2-4b3d-bb8b-f5a3a412cc0a), or
                                grant_type=refresh_token, refresh_token, client_id
  POST /auth/sign_in            JSON {username, password, domain}; 2FA users get {two_factor_enabled, token}
  POST /auth/refresh_token      JSON {refresh_token}
  GET  /ivrs                    filter (eq, ne, startswith, endswith, contains on name and extension_number,
                                with and/or and parentheses), skip, top (1..100); search and orderby are ignored
  GET  /ivrs/ID
  GET  /ivrs/ID/action_urls     POST creates (201 {id})
  GET  /ivrs/ID/action_urls/URL_ID   POST updates (200), POST .../destroy deletes (204)
  Ids are percent-decoded path segments; every third id made holds a / or a + (quote them).
  Every call but the logins needs "Authorization: Bearer TOKEN".

Control API (no authentication, JSON, not logged):
  GET /_sim/log                 {"entries": [...]}: every API request with seq, method, path, query,
                                body (secrets shown as <redacted>), status (null for a drop, or when
                                the client had hung up), fault, write
  POST /_sim/log/clear          (or DELETE /_sim/log) empty the log
  GET|POST /_sim/config         read, or partially update, the switches, e.g. {"secrets": "omitted"}
  GET|POST /_sim/faults         list, or add, a fault rule; POST /_sim/faults/clear (or DELETE) drops all
  GET /_sim/state               all IVRs with their action URLs, secrets in clear
  POST /_sim/seed               add data, as in a seed file; an IVR entry with an "id" adds action_urls
                                to that existing IVR; answers the ids created
  POST /_sim/reset              back to the start-up data and switches, empty log and fault rules;
                                requests still held by a delay or slow_commit rule end unanswered
  POST /_sim/expire_tokens      every issued access token answers 401 from now on
  POST /_sim/commits/wait       wait until every slow_commit request is applied and answered, at most
                                {"timeout": SECONDS} (default 10, at most 60); answers {"pending": N}

Fault rule (POST /_sim/faults), the next COUNT requests matching METHOD and PATH fail:
  {"kind": "status", "status": 429, "retry_after": 2, "method": "POST",
   "path": "/api/ivrs/[^/]+/action_urls", "count": 1}
  kind: status (answer STATUS with a PortSIP error body; optional code, message, and "echo": true
        to repeat the request it got in the error),
        drop (close the connection before processing, no answer), delay (wait "delay" seconds, then
        answer normally), commit_drop (process the request, so a create happens, then close the
        connection without answering),
        slow_commit (apply the request "commit_after" seconds after it arrived, in the background;
        answer "delay" seconds after it arrived: its own answer if delay >= commit_after, else
        STATUS (default 504) with a PortSIP error body),
        answer (answer STATUS (default 200) with "body", any JSON value, or "raw" text, with
        "content_type"; neither: an empty body; the request is not processed unless "apply": true),
        redirect (answer STATUS 301/302/303/307/308 (default 302) with a Location header,
        "location", default the request's own path; not processed),
        truncate (process the request, send its headers and half its body under the whole body's
        Content-Length, then close the connection)
  retry_after: an integer or any string, sent as the Retry-After header of the answers a rule makes.
  A 1xx, 204 or 304 answer never carries a body.
  method: default any; path: a regular expression matched against the whole path as sent
  (percent-encoded, query string excluded), default any; after: let that many matching requests
  pass first, default 0; count: default 1; status: default 500. The first matching rule is used,
  in the order the rules were added.

Seed file (--seed):
  {"ivrs": [{"name": "Sales", "extension_number": "8100",
             "action_urls": [{"name": "crm", "type": "DTMF", "dtmf_mask": "1", "method": "GET",
                              "url": "https://crm.example.com/hook"}]}],
   "users": [{"username": "ops", "password": "secret", "domain": "demo.portsip.local",
              "two_factor_enabled": false}]}
  A user's domain defaults to --domain; an empty domain is a system administrator, who logs in
  without one.

Examples:
  PYTHONPATH=tests/simulator python -m portsip_sim --demo --port 8887
  PYTHONPATH=tests/simulator python -m portsip_sim --ivrs 250 --max-page-size 50 --skip-base 1
  PYTHONPATH=tests/simulator python -m portsip_sim --tls --tls-dir /tmp/sim-tls --demo
      (then trust /tmp/sim-tls/ca.pem, e.g. curl --cacert /tmp/sim-tls/ca.pem)
  curl -s -X POST http://127.0.0.1:8887/_sim/config -H 'Content-Type: application/json' \\
       -d '{"update": "reset"}'
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='python -m portsip_sim', description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    listen = parser.add_argument_group('listening')
    listen.add_argument('--host', default='127.0.0.1', help='loopback address to listen on; anything else is refused (default: %(default)s)')
    listen.add_argument('--port', type=int, default=0, help='port to listen on; 0 picks a free one (default: %(default)s)')
    listen.add_argument('--port-file', metavar='PATH', help='also write the base URL to this file once listening')
    listen.add_argument('--tls', action='store_true', help='serve HTTPS with a certificate for 127.0.0.1, ::1 and localhost, signed by a test CA')
    listen.add_argument('--tls-dir', metavar='DIR',
                        help='where --tls keeps its files (made once, reused on later starts); DIR/ca.pem is the CA to trust')
    listen.add_argument('--verbose', action='store_true', help='log each request to stderr')

    data = parser.add_argument_group('data')
    data.add_argument('--seed', metavar='FILE', help='JSON file of IVRs, their action URLs and users to start with (format below)')
    data.add_argument('--ivrs', type=int, default=0, metavar='N', help='add N IVRs named "IVR 001".. with extensions 8001..')
    data.add_argument('--demo', action='store_true', help='add the IVR "Main Menu", extension 8000')

    auth = parser.add_argument_group('authentication')
    auth.add_argument('--username', default='admin', help='tenant administrator login (default: %(default)s)')
    auth.add_argument('--password', default='portsip123', help='its password (default: %(default)s)')
    auth.add_argument('--domain', default='demo.portsip.local',
                      help='its tenant SIP domain, which logins must send; "" makes it a system administrator (default: %(default)s)')
    auth.add_argument('--access-token', metavar='TOKEN', help='also accept this bearer token; it never expires')
    auth.add_argument('--token-ttl', type=int, default=1800, metavar='SECONDS', help='lifetime of issued access tokens (default: %(default)s)')

    switches = parser.add_argument_group('behaviours the vendor documentation leaves open (also settable at run time via /_sim/config)')
    switches.add_argument('--secrets', choices=('clear', 'masked', 'omitted'), default='masked',
                          help='how GET shows an action URL\'s password and token: as stored, as ****** (null when unset), or not at all '
                               '(default: %(default)s)')
    switches.add_argument('--update', choices=('keep', 'reset'), default='keep',
                          help='whether an update keeps the fields its body leaves out, or resets them to defaults/null, secrets '
                               'included (default: %(default)s)')
    switches.add_argument('--unknown-id-status', type=int, choices=(404, 400), default=404, help='status for an unknown id (default: %(default)s)')
    switches.add_argument('--no-oauth-endpoint', dest='oauth_endpoint', action='store_false',
                          help='answer 404 on /api/login/oauth/token, as servers that only have /api/auth/sign_in')
    switches.add_argument('--max-page-size', type=int, metavar='N', help='return at most N items per page whatever top asks for')
    switches.add_argument('--skip-base', type=int, choices=(0, 1), default=0,
                          help='1 makes skip 1-based: skip=1 (or 0) starts at the first item (default: %(default)s)')
    switches.add_argument('--ignore-filter', action='store_true', help='ignore the filter parameter of lists, as a server without filtering')
    switches.add_argument('--blank-defaults', action='store_true',
                          help='show null for each action URL field that holds its server default (enabled false, '
                               'connection_timeout and request_timeout 2, auth DISABLE), as some PBX builds do')
    switches.add_argument('--latency', type=float, default=0.0, metavar='SECONDS',
                          help='delay every API answer (not the control API\'s) by this long, as a network round trip (default: %(default)s)')
    switches.add_argument('--legacy-values', action='store_true',
                          help='accept what PBXs before 22.6 accepted: masks that repeat an entry, usernames and passwords with capitals')
    return parser, parser.parse_args(argv)


def main(argv=None):
    parser, args = parse_args(argv)
    settings = vars(args)
    port_file = settings.pop('port_file')
    try:
        simulator = Simulator(**settings)
        simulator.start()
    except (ValueError, OSError, RuntimeError) as error:
        parser.error(str(error))
    stopping = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stopping.set())
    try:
        if port_file:
            # Renamed into place, so a parent polling for the file never reads it half-written.
            with open(port_file + '.tmp', 'w', encoding='utf-8') as handle:
                handle.write(simulator.base_url + '\n')
            os.replace(port_file + '.tmp', port_file)
        print('PORTSIP_SIM_URL=%s' % simulator.base_url, flush=True)
        stopping.wait()
    finally:
        simulator.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
