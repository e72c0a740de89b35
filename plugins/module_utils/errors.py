# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every error this collection raises, under one root.

Errors carry facts (what failed, where, what the PBX said, what kind of failure it is); the module
layer (module.py) words them for a user, with the options to change.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class PortsipError(Exception):
    """The root: catching it catches everything this collection raises on purpose.

    ``known``: what the run had found when it failed, for the failed module result (such as the IVR's ``ivr_id``).
    """

    def __init__(self, *args):
        super(PortsipError, self).__init__(*args)
        self.known = {}

    def to_result(self):
        """What a failed module result carries besides its message."""
        return dict(self.known)


class RequestError(PortsipError):
    """A request that failed; carries what a person needs to act on it.

    Never holds credentials: the path has none, request bodies are not kept and
    the server's words are redacted before they get here.

    ``kind`` names a failure the module layer has advice for, where the status alone does not
    say it: "tls", "redirect", "no_credentials", "login_refused", "two_factor".
    """

    def __init__(self, message, method=None, path=None, status=None, errors=None, kind=None):
        super(RequestError, self).__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.errors = errors or []
        self.kind = kind

    def __str__(self):
        where = "%s %s: " % (self.method, self.path) if self.method else ""
        status = "HTTP %s: " % self.status if self.status else ""
        return where + status + self.message

    def to_result(self):
        return dict(super(RequestError, self).to_result(), method=self.method, path=self.path, status=self.status,
                    errors=self.errors)


class AmbiguousWriteError(RequestError):
    """The server may or may not have applied a write: the answer was lost or was a server error."""

    def __init__(self, message, method=None, path=None, status=None, errors=None, retry_after=None):
        super(AmbiguousWriteError, self).__init__(message, method, path, status, errors)
        self.retry_after = retry_after


class Problem(PortsipError):
    """The declaration cannot be applied to what is on the PBX; nothing was written.

    ``reasons``: (option or None, text) pairs, so that each module names an option where its users wrote it.
    """

    def __init__(self, *reasons):
        self.reasons = [reason if isinstance(reason, tuple) else (None, reason) for reason in reasons]
        super(Problem, self).__init__(self.describe())

    def describe(self, place=None):
        """The reasons as one message, each option named below ``place`` (such as ``config[0].action_urls[1]``)."""
        parts = []
        for option, text in self.reasons:
            where = ".".join(part for part in (place, option) if part)
            parts.append("%s: %s" % (where, text) if where else text)
        return "; ".join(parts)


class WriteFailed(PortsipError):
    """A write the PBX refused or did not answer; ``result`` holds the writes done before it."""

    def __init__(self, error, where, result):
        super(WriteFailed, self).__init__(str(error))
        self.error = error
        self.where = where
        self.result = result
