# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The HTTP server: the PBX API under /api, the test-only control API under /_sim/, fault injection and the request log.

import dataclasses
import http.server
import json
import os
import select
import socket
import ssl
import sys
import threading
import time
import typing
import urllib.parse

from . import tls
from .api import Api, ApiError, Request, error_entry, invalid
from .auth import Tokens
from .commits import Commits
from .config import Config
from .control import Control
from .faults import Faults
from .openapi import RequestChecker
from .requestlog import RequestLog
from .state import State


class Simulator:
    """A PortSIP PBX REST API stand-in listening on the loopback interface.

    Keyword arguments are those of Config (host, port, username, password, domain, access_token, tls, tls_dir and the
    switches secrets, update, unknown_id_status, oauth_endpoint, max_page_size, skip_base, ignore_filter, token_ttl,
    blank_defaults, latency),
    plus seed (a seed document, or the path of a JSON file holding one), ivrs (generate that many IVRs),
    demo (add the IVR "Main Menu", extension 8000), verbose (log each request to stderr) and openapi (the path of
    the vendor's OpenAPI description: every API request is checked against it, see spec_violations(); needs
    openapi-core).
    """

    def __init__(self, seed=None, ivrs=0, demo=False, verbose=False, openapi=None, **settings):
        self.config = Config(**settings)
        self.verbose = verbose
        self.checker = RequestChecker(openapi) if openapi else None
        self._violations = []
        self.lock = threading.Lock()
        self.state = State({'username': self.config.username, 'password': self.config.password, 'domain': self.config.domain})
        self.tokens = Tokens(self.config)
        self.log = RequestLog()
        self.faults = Faults()
        self.commits = Commits(self.lock)
        # Set, and replaced, by each reset: a request still delayed when it happens is abandoned unanswered and
        # unlogged, so that it cannot land in the next test's state or log.
        self.next_reset = threading.Event()
        self.api = Api(self.config, self.state, self.tokens)
        if demo:
            self.state.add_ivr('Main Menu', '8000')
        if isinstance(seed, (str, os.PathLike)):
            with open(seed, encoding='utf-8') as handle:
                seed = json.load(handle)
        if seed is not None:
            self.state.load(seed, self.config.domain)
        for number in range(1, ivrs + 1):
            self.state.add_ivr('IVR %03d' % number, str(8000 + number))
        self._initial = (self.state.snapshot(), self.config.switches())
        self.ca_file = None
        self._server = None
        self._thread = None

    @property
    def base_url(self):
        """The server's root, e.g. http://127.0.0.1:8887; the PBX API is under /api."""
        host, port = self._server.server_address[:2]
        return '%s://%s:%d' % ('https' if self.config.tls else 'http', '[%s]' % host if ':' in host else host, port)

    def start(self):
        server_class = _Server6 if ':' in self.config.host else _Server
        self._server = server_class((self.config.host, self.config.port), self)
        if self.config.tls:
            self.ca_file, cert, key = tls.certificates(self.config.tls_dir)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            # The handshake waits for the first read, in the connection's own thread, so a client that
            # never completes it cannot stall the accept loop.
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True, do_handshake_on_connect=False)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        with self.lock:
            self._abandon_pending()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def control(self):
        return Control(self.base_url, cafile=self.ca_file)

    def configure(self, **switches):
        with self.lock:
            self.config.set_switches(switches)
            return self.config.switches()

    def seed(self, seed):
        with self.lock:
            return self.state.load(seed, self.config.domain, self.config.legacy_values)

    def reset(self):
        """Back to the state and switches the simulator started with; the log and the fault rules are emptied, and
        requests still delayed or waiting for a slow commit are abandoned."""
        with self.lock:
            self._abandon_pending()
            self.state.restore(self._initial[0])
            self.config.set_switches(self._initial[1])
            self.log.clear()
            self.faults.clear()
            self._violations.clear()

    def _abandon_pending(self):
        self.commits.cancel()
        self.next_reset.set()
        self.next_reset = threading.Event()

    def wait_commits(self, timeout=10):
        """Wait until every slow_commit request has been applied and answered (and logged), at most `timeout`
        seconds; returns the number still pending (0 when all are done)."""
        return self.commits.wait(timeout)

    def expire_tokens(self):
        with self.lock:
            self.tokens.expire_all()

    def spec_violations(self):
        """Messages for each API request so far (since the last reset) that the OpenAPI description does not allow."""
        with self.lock:
            return list(self._violations)

    def received(self):
        """The request log with each body as received, secrets in clear: for assertions in tests, never to print."""
        return self.log.entries(redacted=False)

    def check_request(self, method, url, headers, raw):
        if self.checker is not None:
            problems = self.checker.problems(self.base_url, method, url.path, urllib.parse.parse_qsl(url.query, keep_blank_values=True),
                                             headers.items(), headers.get('Content-Type'), raw)
            with self.lock:
                self._violations += problems

    def api_request(self, request):
        with self.lock:
            return self.api.handle(request)

    def control_request(self, method, path, raw):
        """(status, payload, headers) for a call to the control API."""
        actions = {
            ('GET', '/_sim/log'): (200, lambda body: {'entries': self.log.entries()}),
            ('DELETE', '/_sim/log'): (204, lambda body: self.log.clear()),
            ('POST', '/_sim/log/clear'): (204, lambda body: self.log.clear()),
            ('GET', '/_sim/config'): (200, lambda body: dataclasses.asdict(self.config)),
            ('POST', '/_sim/config'): (200, lambda body: self.configure(**body)),
            ('GET', '/_sim/faults'): (200, lambda body: {'rules': self.faults.pending()}),
            ('POST', '/_sim/faults'): (201, lambda body: dataclasses.asdict(self.faults.add(**body))),
            ('DELETE', '/_sim/faults'): (204, lambda body: self.faults.clear()),
            ('POST', '/_sim/faults/clear'): (204, lambda body: self.faults.clear()),
            ('GET', '/_sim/state'): (200, lambda body: self.dump_state()),
            ('POST', '/_sim/reset'): (204, lambda body: self.reset()),
            ('POST', '/_sim/seed'): (201, self.seed),
            ('POST', '/_sim/expire_tokens'): (204, lambda body: self.expire_tokens()),
            ('POST', '/_sim/commits/wait'): (200, lambda body: {'pending': self.wait_commits(_seconds(body, 'timeout', 10, 60))}),
        }
        if (method, path) not in actions:
            return 404, {'errors': [error_entry('NOT_FOUND', 'no such control endpoint: %s %s' % (method, path))]}, ()
        status, action = actions[(method, path)]
        try:
            payload = action(json.loads(raw) if raw.strip() else {})
        except (ValueError, TypeError) as error:  # bad JSON, or a bad switch, fault rule or seed
            return 400, {'errors': [error_entry('VALIDATE_FAILED', str(error))]}, ()
        return status, None if status == 204 else payload, ()

    def dump_state(self):
        """All users (without passwords) and IVRs with their action URLs, secrets in clear."""
        with self.lock:
            return self.state.dump()


def _seconds(body, name, default, maximum):
    if not isinstance(body, dict):
        raise ValueError('the body must be a JSON object')
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= maximum:
        raise ValueError('%s must be a number of seconds in 0..%d' % (name, maximum))
    return value


@dataclasses.dataclass
class Body:
    """An answer's body as sent: bytes and their Content-Type (None: no Content-Type header)."""
    data: bytes
    content_type: typing.Optional[str] = None


def _encode(payload):
    if isinstance(payload, Body):
        return payload
    return Body(b'') if payload is None else Body(json.dumps(payload).encode('utf-8'), 'application/json')


def _gathered(rule, reset, deadline):
    """Wait until the last request of a gather rule has arrived, or the deadline; False if a reset came first."""
    while not rule.used_up.wait(0.05) and time.monotonic() < deadline:
        if reset.is_set():
            return False
    return not reset.is_set()


def _has_body(status):
    # RFC 9110: these answers end at their headers, whatever Content-Length says; bytes sent after one would be read
    # as the start of the next answer on a kept-alive connection.
    return status >= 200 and status not in (204, 304)


def _rule_answer(rule, target, received=''):
    """The answer a status, answer or redirect rule, or a slow_commit rule's commit not yet done, sends.

    received: the request as it came, for a rule that echoes it.
    """
    headers = [] if rule.retry_after is None else [('Retry-After', str(rule.retry_after))]
    if rule.kind == 'redirect':
        return rule.status, None, headers + [('Location', target if rule.location is None else rule.location)]
    if rule.kind != 'answer':
        message = '%s while handling %s' % (rule.message, received) if rule.echo else rule.message
        return ApiError(rule.status, [error_entry(rule.code, message)], headers).answer()
    if rule.raw is not None:
        body = Body(rule.raw.encode('utf-8'), rule.content_type or 'text/plain; charset=utf-8')
    elif rule.body is not None:
        body = Body(json.dumps(rule.body).encode('utf-8'), rule.content_type or 'application/json')
    else:
        body = Body(b'', rule.content_type)
    return rule.status, body, headers


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, sim):
        self.sim = sim
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address):
        # Clients that hang up, and clients that reject our certificate, are routine in tests; anything else is a bug.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'portsip_sim'
    timeout = 30  # closes idle keep-alive connections, so no thread waits forever on a client that went away
    # Headers and body go out in separate writes: with Nagle's algorithm on, each answer would wait ~40 ms for an ACK.
    disable_nagle_algorithm = True

    def do_GET(self):
        self._serve('GET')

    def do_POST(self):
        self._serve('POST')

    def do_PUT(self):
        self._serve('PUT')

    def do_PATCH(self):
        self._serve('PATCH')

    def do_DELETE(self):
        self._serve('DELETE')

    def log_message(self, *args):
        if self.server.sim.verbose:
            super().log_message(*args)

    def _serve(self, method):
        sim = self.server.sim
        arrived, next_reset = time.monotonic(), sim.next_reset
        url = urllib.parse.urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        if url.path.startswith('/_sim/'):
            self._send(*sim.control_request(method, url.path, raw))
            return
        sim.check_request(method, url, self.headers, raw)
        time.sleep(sim.config.latency)  # outside the lock: concurrent requests wait side by side, as on a real network
        request, answer = self._request(method, url, raw)
        rule = sim.faults.take(method, url.path)
        fault = rule.kind if rule else None
        received = '%s %s Authorization: %s %s' % (
            method, self.path, self.headers.get('Authorization', ''), raw.decode('utf-8', 'replace'))
        if fault == 'drop':
            sim.log.add(method, url.path, request.query, request.body, None, fault)
            self.close_connection = True
            return
        if fault == 'delay' and next_reset.wait(rule.delay):
            self.close_connection = True
            return
        if fault == 'gather' and not _gathered(rule, next_reset, arrived + rule.delay):
            self.close_connection = True
            return
        commit = None
        if fault == 'slow_commit' and answer is None:
            # Applied from a timer thread at commit_after; due at delay: its own answer if applied by then.
            commit = sim.commits.schedule(arrived + rule.commit_after, lambda: sim.api.handle(request))
            if rule.delay >= rule.commit_after:
                commit.done.wait()
            if next_reset.wait(max(0.0, arrived + rule.delay - time.monotonic())):
                self.close_connection = True
                return
            answer = commit.answer if rule.delay >= rule.commit_after else _rule_answer(rule, self.path, received)
        replaced = fault in ('status', 'redirect', 'answer')
        if not replaced or (fault == 'answer' and rule.apply):
            answer = answer or sim.api_request(request)
        if replaced:
            answer = _rule_answer(rule, self.path, received)
        if fault == 'commit_drop':
            sim.log.add(method, url.path, request.query, request.body, answer[0], fault)
            self.close_connection = True
            return
        sim.log.add(method, url.path, request.query, request.body, None if self._client_left() else answer[0], fault)
        if commit is not None:
            sim.commits.answered(commit)  # after the log entry, so that whoever waits for the commits can read it
        self._send(*answer, cut=fault == 'truncate')

    def _client_left(self):
        """Whether the client has closed its end (e.g. it gave up waiting), so that an answer would reach no one."""
        try:
            if not select.select([self.connection], [], [], 0)[0]:
                return False
            # The plain socket's recv, also under TLS (whose socket refuses MSG_PEEK): only the end of the stream counts.
            return not socket.socket.recv(self.connection, 1, socket.MSG_PEEK)
        except OSError:
            return True

    def _request(self, method, url, raw):
        """The parsed request, and the answer already due when its body cannot be read."""
        request = Request(method, url.path, dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True)))
        authorization = self.headers.get('Authorization', '')
        if authorization[:7].lower() == 'bearer ':
            request.bearer = authorization[7:].strip()
        if not raw.strip():
            return request, None
        request.form = self.headers.get_content_type() == 'application/x-www-form-urlencoded'
        try:
            text = raw.decode('utf-8')
            request.body = dict(urllib.parse.parse_qsl(text, keep_blank_values=True)) if request.form else json.loads(text)
        except ValueError:
            return request, invalid([('body', 'is not valid %s' % ('form data' if request.form else 'JSON'))]).answer()
        return request, None

    def _send(self, status, payload, headers, cut=False):
        """Send an answer. cut: send only the first half of the body, under the whole body's Content-Length (at least
        1), then close the connection."""
        body = _encode(payload)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if _has_body(status):
            if body.content_type:
                self.send_header('Content-Type', body.content_type)
            self.send_header('Content-Length', str(max(len(body.data), 1) if cut else len(body.data)))
        self.end_headers()
        if _has_body(status):
            self.wfile.write(body.data[:len(body.data) // 2] if cut else body.data)
        if cut:
            self.close_connection = True
