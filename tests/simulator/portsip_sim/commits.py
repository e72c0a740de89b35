# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Requests that slow_commit faults apply later, each from a timer thread under the simulator's lock.

import threading
import time


class Commit:
    """One request to apply later: `done` is set once it is applied (`answer` then holds its answer) or cancelled.
    It is pending until it is both applied and answered (or cancelled)."""

    def __init__(self, apply):
        self.apply = apply
        self.answer = None
        self.done = threading.Event()
        self.timer = None
        self.steps_left = 2  # applied, answered


class Commits:
    """The slow_commit requests not done yet. Thread-safe: every method takes the simulator's lock but cancel(),
    whose caller (a reset) already holds it."""

    def __init__(self, lock):
        self._changed = threading.Condition(lock)  # the simulator's lock, which guards the state the commits change
        self._pending = []

    def schedule(self, at, apply):
        """Call apply() under the lock at time.monotonic() `at`, unless cancelled first."""
        commit = Commit(apply)
        commit.timer = threading.Timer(max(0.0, at - time.monotonic()), self._run, (commit,))
        commit.timer.daemon = True  # a commit still pending never holds up the end of a test run
        with self._changed:
            self._pending.append(commit)
        commit.timer.start()
        return commit

    def _run(self, commit):
        with self._changed:
            if commit in self._pending:  # not cancelled while this thread waited for the lock
                commit.answer = commit.apply()
                commit.done.set()
                self._step(commit)

    def answered(self, commit):
        """Record that the request's answer (or its log entry, when the client had left) went out."""
        with self._changed:
            if commit in self._pending:
                self._step(commit)

    def _step(self, commit):
        commit.steps_left -= 1
        if not commit.steps_left:
            self._pending.remove(commit)
            self._changed.notify_all()

    def cancel(self):
        """Drop every pending commit; the caller holds the lock."""
        for commit in self._pending:
            commit.timer.cancel()
            commit.done.set()
        self._pending.clear()
        self._changed.notify_all()

    def wait(self, timeout):
        """Wait until no commit is pending, at most `timeout` seconds; the number still pending (0 when all are done)."""
        with self._changed:
            self._changed.wait_for(lambda: not self._pending, timeout)
            return len(self._pending)
