# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading the PBX's answers: its JSON, its error bodies, and which answers are not the documented shape.

Every text the server sends is redacted before it is kept, and redaction comes before any cut, so a
cut can never leave part of a secret behind.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible_collections.portsip.pbx.plugins.module_utils.errors import RequestError

# How much of a server's error text a message keeps.
MAX_TEXT = 300


def shorten(text):
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "..."


def parse_errors(response, redact):
    """Return PortSIP's ``errors`` list, whatever shape the body has, with secrets redacted."""
    try:
        body = response.json()
    except ValueError:
        text = shorten(redact((response.text or "").strip()))
        return [{"code": None, "message": text or response.reason or "no details"}]
    entries = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(entries, list) or not entries:
        return [{"code": None, "message": shorten(redact(body))}]
    errors = []
    for entry in entries:
        if isinstance(entry, dict):
            errors.append({key: redact.value(entry[key]) for key in ("code", "message", "detail") if entry.get(key) is not None})
        else:
            errors.append({"message": shorten(redact(entry))})
    return errors


def describe_errors(errors):
    parts = []
    for entry in errors:
        text = " ".join(str(entry[key]) for key in ("code", "message") if entry.get(key))
        if entry.get("detail") not in (None, "", {}, []):
            text += " (%s)" % (entry["detail"],)
        parts.append(text)
    return shorten("; ".join(parts)) or "no details"


def answer(method, path, response, redact):
    """The JSON of a final answer (None for an empty one); a RequestError for a redirect or a failure status."""
    if 300 <= response.status_code < 400:
        raise RequestError("the PBX answered with a redirect to %s, which is not followed"
                           % redact(response.headers.get("Location") or "nowhere"), method, path, response.status_code, kind="redirect")
    if response.status_code >= 400:
        errors = parse_errors(response, redact)
        raise RequestError(describe_errors(errors), method, path, response.status_code, errors)
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise RequestError("the answer is not JSON: %s" % shorten(redact(response.text)), method, path, response.status_code)


def is_item(value):
    return isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"] != ""


def items(method, path, value, redact):
    """The ``items`` of a list answer: a list of objects with ids, or a shape error."""
    found = value.get("items") if isinstance(value, dict) else None
    if not isinstance(found, list) or not all(is_item(item) for item in found):
        raise shape_error(method, path, "a JSON object whose items are a list of objects with ids", value, redact)
    return found


def shape_error(method, path, expected, value, redact):
    got = "no body" if value is None else shorten(redact(json.dumps(value)))
    return RequestError("the answer is not the documented shape: expected %s, got %s" % (expected, got), method, path)
