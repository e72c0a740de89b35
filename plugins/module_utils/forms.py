# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The forms an action URL takes on its way in and out (docs/developing.md, "Forms"): the user's options become
the want (API form); an object the PBX has is shown masked, or exported without ids and secrets."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.portsip.pbx.plugins.module_utils.fields import FIELDS, SECRETS
from ansible_collections.portsip.pbx.plugins.module_utils.headers import (
    mask_headers,
    secret_headers_of,
    with_secret_headers,
    without_credential_headers,
)
from ansible_collections.portsip.pbx.plugins.module_utils.placeholders import MASK


def want_of(params):
    """The fields the user set, in the form the API takes. secret_headers joins headers when headers is set too;
    given alone, it completes the headers the action URL has, so it travels on its own (lone_secret_headers)."""
    want = {field.name: field.to_api(params[field.name]) for field in FIELDS if params.get(field.name) is not None}
    secret = secret_headers_of(params)
    if secret is not None and "headers" in want:
        want["headers"] = with_secret_headers(want["headers"], secret)
    return want


def lone_secret_headers(params):
    """secret_headers in API form when given without headers (an empty value removes one), else None."""
    return secret_headers_of(params) if params.get("headers") is None else None


def settings(obj):
    """The managed fields of an object that hold a value, in the form the options take: no id, nothing unset."""
    return {field.name: obj[field.name] for field in FIELDS if obj.get(field.name) not in (None, "")}


def exported(obj):
    """The settings of an object without its secrets, secret headers included: what an export may hold."""
    public = {name: value for name, value in obj.items() if name not in SECRETS}
    if public.get("headers"):
        public["headers"] = without_credential_headers(public["headers"])
    return settings(public)


def masked(obj, placeholders=None, hidden=()):
    """A copy safe to show: each secret replaced by a placeholder (MASK unless ``placeholders`` names another).

    ``hidden``: lowercase names of further headers to mask, those the task gives in secret_headers.
    """
    result = dict(obj)
    for name in SECRETS:
        if result.get(name) is not None:
            result[name] = (placeholders or {}).get(name, MASK)
    if result.get("headers"):
        result["headers"] = mask_headers(result["headers"], (placeholders or {}).get("headers"), hidden)
    return result


def shown(obj, placeholders=None, hidden=()):
    """An action URL as results and diffs show it: its settings, secrets masked, nothing unset."""
    return settings(masked(obj, placeholders, hidden))
