# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The vendor's OpenAPI description of the API, with its known errata corrected in one place, and a check of each
# request a client sends against it. The description is data that lives outside the repository (../shared/ next to
# it; PORTSIP_OPENAPI may point elsewhere). The check needs openapi-core, imported only when a RequestChecker is made:
# the simulator runs without it when requests are not checked.

import copy
import dataclasses
import json
import os
import threading
import typing

from .api import CLIENT_ID, OAUTH_PATH

SPEC_NAME = 'openapi-22.2-ivrs.json'
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def spec_path():
    """Where the vendor's description is expected: $PORTSIP_OPENAPI, else ../shared/portsip-api/ beside the repository."""
    return os.environ.get('PORTSIP_OPENAPI') or os.path.normpath(os.path.join(REPO_ROOT, '..', 'shared', 'portsip-api', SPEC_NAME))


def _dicts(node):
    """Every object in a JSON document, parents before their children."""
    if isinstance(node, dict):
        yield node
        node = list(node.values())
    if isinstance(node, list):
        for child in node:
            yield from _dicts(child)


def _drop_url_pattern(spec):
    # Every action URL schema, in requests and answers, is the one with a `url` property.
    for schema in list(_dicts(spec['paths'])):
        if isinstance(schema.get('properties'), dict) and 'url' in schema['properties']:
            schema['properties']['url'].pop('pattern', None)


def _sign_in_branches_required(spec):
    answer = spec['paths']['/auth/sign_in']['post']['responses']['200']['content']['application/json']['schema']
    for branch in answer['oneOf']:
        branch['required'] = ['two_factor_enabled', 'token'] if 'two_factor_enabled' in branch['properties'] else ['access_token']


def _anchor_patterns(spec):
    for schema in list(_dicts(spec['paths'])):
        if isinstance(schema.get('pattern'), str):
            schema['pattern'] = '^(?:%s)$' % schema['pattern']


# The password grant, as the vendor's API guide documents it (form fields, the fixed public client_id).
OAUTH_TOKEN_OPERATION = {
    'security': [],
    'requestBody': {'required': True, 'content': {'application/x-www-form-urlencoded': {'schema': {
        'type': 'object',
        'required': ['grant_type', 'client_id'],
        'properties': {
            'grant_type': {'type': 'string', 'enum': ['password', 'refresh_token']},
            'client_id': {'type': 'string', 'const': CLIENT_ID},
            'username': {'type': 'string', 'minLength': 1, 'maxLength': 64},
            'password': {'type': 'string', 'minLength': 1},
            'scope': {'type': 'string', 'enum': ['all']},
            'domain': {'type': 'string', 'minLength': 1, 'maxLength': 280},
            'refresh_token': {'type': 'string', 'minLength': 1},
        },
        'if': {'properties': {'grant_type': {'const': 'password'}}},
        'then': {'required': ['username', 'password', 'scope']},
        'else': {'required': ['refresh_token']},
    }}}},
    'responses': {'200': {'description': 'OK'}, '4XX': {'description': 'Error'}},
}


def _add_oauth_token(spec):
    spec['paths'][OAUTH_PATH[len('/api'):]] = {'post': copy.deepcopy(OAUTH_TOKEN_OPERATION)}


# The known errata of the vendor's file, each with its reason. Nothing else is changed.
ERRATA = (
    ("the action URL's `url` pattern is a copy of the `username` pattern ([a-z0-9]{6,64}), which a URL with a short "
     "host name cannot match: dropped, the length limits stay", _drop_url_pattern),
    ("the two branches of the `sign_in` answer's oneOf name no required field, so any object matches both and a strict "
     "validator rejects every answer: each branch requires the fields that tell it apart", _sign_in_branches_required),
    ("POST /login/oauth/token, the password grant of the vendor's current guide, is missing from the 22.2 file: added "
     "from that guide (form fields, the fixed client_id, password and refresh grants), so it is checked like the rest",
     _add_oauth_token),
    ("the patterns are meant for the whole value (6 to 64 of [a-z0-9]), but JSON Schema finds a pattern anywhere in "
     "it: anchored, which only tightens the check", _anchor_patterns),
)


def load_spec(path=None):
    """The vendor's description with ERRATA applied."""
    with open(path or spec_path(), encoding='utf-8') as handle:
        spec = json.load(handle)
    for _reason, correct in ERRATA:
        correct(spec)
    return spec


@dataclasses.dataclass
class _Request:
    """A request in the shape openapi-core reads (its Request protocol)."""
    host_url: str
    path: str
    method: str
    parameters: typing.Any
    content_type: str
    body: typing.Optional[bytes]


class RequestChecker:
    """Checks requests (path, method, query, headers, body) against the corrected description. Thread-safe."""

    def __init__(self, path=None):
        # Imported here: the simulator imports and runs without openapi-core when nothing is checked.
        from openapi_core import OpenAPI  # pylint: disable=import-outside-toplevel
        from openapi_core.datatypes import RequestParameters  # pylint: disable=import-outside-toplevel
        from werkzeug.datastructures import Headers, ImmutableMultiDict  # pylint: disable=import-outside-toplevel

        self._openapi = OpenAPI.from_dict(load_spec(path))
        self._parameters = lambda query, headers: RequestParameters(query=ImmutableMultiDict(query), header=Headers(headers))
        self._lock = threading.Lock()

    def problems(self, base_url, method, path, query, headers, content_type, raw):
        """What is wrong with one request, as messages that never hold a value sent (a body may carry secrets).

        query: (name, value) pairs; headers: (name, value) pairs; raw: the body as received (bytes, b'' for none).
        """
        request = _Request(base_url, path, method.lower(), self._parameters(query, headers), content_type or '', raw or None)
        with self._lock:
            errors = self._openapi.unmarshal_request(request).errors
        return ['%s %s: %s' % (method, path, problem) for error in errors for problem in _describe(error)]


def _describe(error):
    # The top error names the path, operation or parameter; below it, only the schema errors say what failed,
    # and they are told by location and rule, never by the value that broke it.
    names = [repr(error)]
    cause = error.__cause__
    while cause is not None:
        schema_errors = getattr(cause, 'schema_errors', None)
        if schema_errors:
            return ['%s %s breaks %s %s' % (names[0], item.json_path, item.validator, json.dumps(item.validator_value))
                    for item in schema_errors]
        names.append(type(cause).__name__)
        cause = cause.__cause__
    return [': '.join(names)]
