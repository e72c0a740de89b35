# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The retry policy: which answers are worth sending a request again for, how often, and how long to wait.

Which requests may be sent again at all is the client's business (client.py): never a create the
PBX may have applied.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import math
import random
import time

# Statuses a gateway or an overloaded PBX answers without applying a repeatable request.
TRANSIENT_STATUSES = frozenset((429, 502, 503, 504))
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 8.0
RETRY_AFTER_CAP_SECONDS = 60.0
# Added to a server's Retry-After, so parallel tasks told the same time do not all come back at once.
RETRY_AFTER_JITTER_SECONDS = 1.0


def retry_after_seconds(response):
    """The server's Retry-After in seconds, capped; None when absent or not a finite time."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            return None
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP_SECONDS)


def backoff_seconds(attempt):
    """Full-jitter exponential backoff: spreads retries of many parallel tasks."""
    return random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_SECONDS * 2 ** attempt))


def delay_before(attempt, response):
    """How long to wait before attempt ``attempt + 1``: the server's Retry-After (with jitter) if it gave one, else backoff."""
    delay = retry_after_seconds(response) if response is not None else None
    if delay is None:
        return backoff_seconds(attempt)
    return delay + random.uniform(0, RETRY_AFTER_JITTER_SECONDS)


def settle_delays(first, window):
    """When to look for an object whose create may still commit: now (or after ``first``), then at doubling gaps until ``window`` s are spent."""
    delays = [min(first or 0.0, window)]
    gap = 1.0
    while sum(delays) < window:
        delays.append(min(gap, window - sum(delays)))
        gap *= 2
    return delays
