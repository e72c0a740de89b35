# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Fault injection: "the next COUNT requests matching METHOD and PATH fail like this".

import dataclasses
import re
import threading
import typing

KINDS = ('status', 'drop', 'delay', 'commit_drop')
DEFAULT_CODES = {400: 'VALIDATE_FAILED', 401: 'UNAUTHORIZED'}


@dataclasses.dataclass
class Rule:
    """One fault rule.

    kind: status (answer `status` with a PortSIP error body, plus Retry-After when `retry_after` is set),
    drop (close the connection before processing, no answer), delay (wait `delay` seconds, then process),
    commit_drop (process the request, so a create really happens, then close the connection without answering).
    method: an HTTP method, or null for any. path: a regular expression that must match the whole request
    path, query string excluded; a plain path such as /api/ivrs matches just itself.
    """
    kind: str = 'status'
    method: typing.Optional[str] = None
    path: str = '.*'
    count: int = 1
    status: int = 500
    retry_after: typing.Optional[int] = None
    delay: float = 0.0
    code: typing.Optional[str] = None
    message: str = 'fault injected by the simulator'

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError('kind must be one of %s' % ', '.join(KINDS))
        for name, minimum in (('count', 1), ('status', 100), ('retry_after', 0)):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < minimum):
                raise ValueError('%s must be an integer >= %d' % (name, minimum))
        if isinstance(self.delay, bool) or not isinstance(self.delay, (int, float)) or self.delay < 0:
            raise ValueError('delay must be a number of seconds >= 0')
        try:
            re.compile(self.path)
        except re.error as error:
            raise ValueError('path is not a regular expression: %s' % error) from error
        self.method = self.method.upper() if self.method else None
        self.code = self.code or DEFAULT_CODES.get(self.status, 'UNKNOWN')

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
        """The first pending rule that matches, with one use of it spent; None when no rule matches."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.count -= 1
                    if not rule.count:
                        self._rules.remove(rule)
                    return rule
        return None

    def pending(self):
        with self._lock:
            return [dataclasses.asdict(rule) for rule in self._rules]

    def clear(self):
        with self._lock:
            self._rules.clear()
