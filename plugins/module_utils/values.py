# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Checks of option values that Ansible's argument spec cannot express, shared by every module."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def is_whole_number(value, minimum=None):
    """Whether ``value`` is an int of at least ``minimum``, and not a boolean: Ansible's int type lets a boolean
    through, and the API would receive JSON true."""
    return isinstance(value, int) and not isinstance(value, bool) and (minimum is None or value >= minimum)


def empty_problems(values, place=None):
    """"must not be empty" for each of ``values`` ({option: value}) that is the empty string, named below ``place``.

    IDs and names become URL path segments or filters: empty would address another object.
    """
    return ["%s: must not be empty" % ".".join(part for part in (place, name) if part)
            for name, value in values.items() if value == ""]
