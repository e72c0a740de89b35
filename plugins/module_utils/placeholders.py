# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The forms in which a secret is shown instead of its value, and how to recognise them coming back."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

MASK = "********"
MASK_CHANGED = "******** (new value)"
# A secret sent with an update when the PBX does not show the stored one: it may or may not differ.
MASK_SENT = "******** (sent)"
# Every form in which a result of this collection shows a secret: its masks, and what Ansible writes in place of a
# value equal to a no_log option's. Given back as input (a registered result applied again), each means "keep the
# stored secret": a placeholder is never sent.
PLACEHOLDERS = frozenset((MASK, MASK_CHANGED, MASK_SENT, "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"))


def is_masked(value):
    """Whether a value the PBX answered stands for a secret it does not show: a run of three or more "*".

    Shorter runs are values: a header may say "*", and no secret is that short.
    """
    return isinstance(value, str) and len(value) >= 3 and set(value) == {"*"}


def is_placeholder(value):
    """Whether a value given as input only stands for a secret: a mask this collection shows, or one a PBX shows."""
    return isinstance(value, str) and (value.strip() in PLACEHOLDERS or is_masked(value.strip()))
