# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# A client for the simulator's control API. Standard library only, so any test runner or benchmark can use it
# without installing anything.

import json
import ssl
import urllib.error
import urllib.request


class Control:
    """Drives a running simulator, e.g. Control('http://127.0.0.1:8887').

    cafile: the simulator's ca.pem when it serves HTTPS.
    """

    def __init__(self, base_url, cafile=None, timeout=10):
        self.base_url = base_url.rstrip('/')
        self.timeout = timeout
        self.context = ssl.create_default_context(cafile=cafile) if cafile else None

    def call(self, method, path, body=None, timeout=None):
        """Send one control request and return its decoded JSON answer (None when empty); raise RuntimeError on an error status.

        timeout: seconds to wait for the answer, default the client's timeout."""
        data = None if body is None else json.dumps(body).encode('utf-8')
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout if timeout is None else timeout, context=self.context) as answer:
                text = answer.read()
        except urllib.error.HTTPError as error:
            raise RuntimeError('%s %s: %s %s' % (method, path, error.code, error.read().decode('utf-8', 'replace'))) from error
        return json.loads(text) if text else None

    def log(self):
        """Every API request so far, oldest first (see RequestLog for the entry format)."""
        return self.call('GET', '/_sim/log')['entries']

    def writes(self):
        """The logged requests that could change the PBX: POSTs other than logins."""
        return [entry for entry in self.log() if entry['write']]

    def clear_log(self):
        self.call('POST', '/_sim/log/clear')

    def config(self):
        return self.call('GET', '/_sim/config')

    def configure(self, **switches):
        """Change behaviour switches, e.g. configure(secrets='omitted', update='reset'); returns all switches."""
        return self.call('POST', '/_sim/config', switches)

    def fault(self, kind='status', method=None, path='.*', count=1, **details):
        """Make the next `count` requests matching method and path (a regex over the whole path) fail.

        kind: status (details: status, retry_after, code, message), drop, delay (details: delay seconds), commit_drop,
        slow_commit (details: commit_after, delay, status, retry_after, code, message), answer (details: status, body or
        raw, content_type, apply), redirect (details: status, location) or truncate. Every kind: after (let that many
        matching requests pass first). See portsip_sim.faults.Rule.
        """
        return self.call('POST', '/_sim/faults', dict(details, kind=kind, method=method, path=path, count=count))

    def faults(self):
        """The rules not used up yet."""
        return self.call('GET', '/_sim/faults')['rules']

    def clear_faults(self):
        self.call('POST', '/_sim/faults/clear')

    def wait_commits(self, timeout=10):
        """Wait until every slow_commit request has been applied and answered (and logged); raise RuntimeError if some
        are still pending after `timeout` seconds."""
        pending = self.call('POST', '/_sim/commits/wait', {'timeout': timeout}, timeout=timeout + self.timeout)['pending']
        if pending:
            raise RuntimeError('%d slow commit(s) still pending after %s s' % (pending, timeout))

    def state(self):
        """All IVRs with their action URLs, secrets in clear."""
        return self.call('GET', '/_sim/state')

    def reset(self):
        """Back to the start-up data and switches; empties the log and the fault rules."""
        self.call('POST', '/_sim/reset')

    def seed(self, ivrs=None, users=None):
        """Add IVRs (an entry with an id adds action_urls to that IVR) and users; returns the ids created."""
        return self.call('POST', '/_sim/seed', {'ivrs': ivrs or [], 'users': users or []})

    def expire_tokens(self):
        """Make every issued access token answer 401 from now on."""
        self.call('POST', '/_sim/expire_tokens')
