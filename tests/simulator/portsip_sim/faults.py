# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Fault injection: "the next COUNT requests matching METHOD and PATH fail like this".

import dataclasses
import json
import math
import re
import threading
import typing

KINDS = ('status', 'drop', 'delay', 'gather', 'commit_drop', 'slow_commit', 'answer', 'redirect', 'truncate')
DEFAULT_STATUS = {'slow_commit': 504, 'answer': 200, 'redirect': 302}
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
DEFAULT_CODES = {400: 'VALIDATE_FAILED', 401: 'UNAUTHORIZED'}


@dataclasses.dataclass
class Rule:
    """One fault rule.

    kind: status (answer `status` with a PortSIP error body),
    drop (close the connection before processing, no answer),
    delay (wait `delay` seconds, then process; a reset meanwhile ends it unanswered and unlogged),
    gather (hold each of the `count` matching requests until the last of them has arrived, or `delay` seconds have
    passed, then process them: reads that clients overlapping in time all make before any of them writes; a reset
    meanwhile ends them unanswered and unlogged),
    commit_drop (process the request, so a create really happens, then close the connection without answering),
    slow_commit (apply the request `commit_after` seconds after it arrived, in the background; answer `delay` seconds
    after it arrived: its own answer when delay >= commit_after, else `status` (default 504) with a PortSIP error body;
    logged once, when the answer is due; Simulator.wait_commits waits for it; a reset cancels it),
    answer (answer `status` (default 200) with `body`, any JSON value, or `raw` text; `content_type` defaults to
    application/json or text/plain; neither body nor raw: an empty body; the request is not processed unless `apply`
    is true, and then its own answer is replaced),
    redirect (answer `status`, one of 301 302 303 307 308 (default 302), with a Location header: `location`, default
    the request's own path and query; not processed),
    truncate (process the request, then send its answer's headers and only half its body, with a Content-Length of
    the whole (at least 1), and close the connection).
    echo: the error body of a status or slow_commit rule repeats the request as received (its Authorization header
    and its body), as a server that echoes requests in its error pages does.
    Answers the rule makes (status, answer, redirect, slow_commit's error) carry `retry_after` (an integer, or any
    string, sent as given) in a Retry-After header when it is set. A 1xx, 204 or 304 answer never has a body.
    method: an HTTP method, or null for any. path: a regular expression that must match the whole request
    path as sent (percent-encoded, query string excluded); a plain path such as /api/ivrs matches just itself.
    after: let the first `after` matching requests pass this rule (each rule counts every matching request from when
    it was added, whatever other rules do with it), then apply it to `count` of them.
    """
    kind: str = 'status'
    method: typing.Optional[str] = None
    path: str = '.*'
    count: int = 1
    after: int = 0
    status: typing.Optional[int] = None
    retry_after: typing.Union[int, str, None] = None
    delay: float = 0.0
    commit_after: float = 0.0
    code: typing.Optional[str] = None
    message: str = 'fault injected by the simulator'
    body: typing.Any = None
    raw: typing.Optional[str] = None
    content_type: typing.Optional[str] = None
    apply: bool = False
    echo: bool = False
    location: typing.Optional[str] = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError('kind must be one of %s' % ', '.join(KINDS))
        if self.status is None:
            self.status = DEFAULT_STATUS.get(self.kind, 500)
        for name, minimum in (('count', 1), ('after', 0), ('status', 100)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise ValueError('%s must be an integer >= %d' % (name, minimum))
        if self.kind == 'redirect' and self.status not in REDIRECT_STATUSES:
            raise ValueError('status of a redirect must be one of %s' % ', '.join(map(str, REDIRECT_STATUSES)))
        if not isinstance(self.retry_after, str) and self.retry_after is not None and (
                isinstance(self.retry_after, bool) or not isinstance(self.retry_after, int) or self.retry_after < 0):
            raise ValueError('retry_after must be an integer >= 0 or a string')
        for name in ('delay', 'commit_after'):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ValueError('%s must be a number of seconds >= 0' % name)
        for name in ('raw', 'content_type', 'location'):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise ValueError('%s must be a string' % name)
        for name in ('content_type', 'location', 'retry_after'):
            # A line break in a header value would end the header and corrupt the answer for any client.
            if isinstance(getattr(self, name), str) and re.search('[\x00-\x1f\x7f]', getattr(self, name)):
                raise ValueError('%s must not hold control characters' % name)
        if not isinstance(self.echo, bool):
            raise ValueError('echo must be true or false')
        if not isinstance(self.apply, bool):
            raise ValueError('apply must be true or false')
        if self.body is not None and self.raw is not None:
            raise ValueError('body and raw exclude each other')
        try:
            json.dumps(self.body, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise ValueError('body must be a JSON value: %s' % error) from error
        try:
            re.compile(self.path)
        except re.error as error:
            raise ValueError('path is not a regular expression: %s' % error) from error
        self.method = self.method.upper() if self.method else None
        self.code = self.code or DEFAULT_CODES.get(self.status, 'UNKNOWN')
        # Not a field: what the rule has done is no part of what it says.
        self.used_up = threading.Event()

    def matches(self, method, path):
        return (self.method is None or self.method == method) and re.fullmatch(self.path, path) is not None


class Faults:
    """Pending rules, consumed in the order they were added. Thread-safe: tests add rules while requests run."""

    def __init__(self):
        self._rules = []
        self._lock = threading.Lock()

    def add(self, **rule):
        added = Rule(**rule)
        with self._lock:
            self._rules.append(added)
        return added

    def take(self, method, path):
        """The first matching rule that has let its `after` requests pass, with one use of it spent; None when no rule
        applies. Every matching rule still letting requests pass counts this one, whichever rule applies to it."""
        taken = None
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                if rule.after:
                    rule.after -= 1
                elif taken is None:
                    taken = rule
            if taken is not None:
                taken.count -= 1
                if not taken.count:
                    self._rules.remove(taken)
                    taken.used_up.set()
        return taken

    def pending(self):
        with self._lock:
            return [dataclasses.asdict(rule) for rule in self._rules]

    def clear(self):
        with self._lock:
            self._rules.clear()
