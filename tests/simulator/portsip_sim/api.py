# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The PBX REST API itself: routing, authentication and the endpoints, free of any HTTP plumbing.
# Each endpoint returns (status, payload) or raises ApiError; payload None means an empty body.

import dataclasses
import re
import secrets
import typing
import urllib.parse

from .odata import FilterError, compile_filter
from .state import ValidationError, present_action_url

# The fixed public client id the PBX's own web client logs in with.
CLIENT_ID = '9d806019-75b2-4b3d-bb8b-f5a3a412cc0a'
OAUTH_PATH = '/api/login/oauth/token'
ROUTES = tuple((re.compile(pattern), methods) for pattern, methods in (
    (OAUTH_PATH, {'POST': 'oauth_token'}),
    ('/api/auth/sign_in', {'POST': 'sign_in'}),
    ('/api/auth/refresh_token', {'POST': 'refresh_token'}),
    ('/api/ivrs', {'GET': 'list_ivrs'}),
    ('/api/ivrs/(?P<ivr_id>[^/]+)', {'GET': 'get_ivr'}),
    ('/api/ivrs/(?P<ivr_id>[^/]+)/action_urls', {'GET': 'list_action_urls', 'POST': 'create_action_url'}),
    ('/api/ivrs/(?P<ivr_id>[^/]+)/action_urls/(?P<url_id>[^/]+)', {'GET': 'get_action_url', 'POST': 'update_action_url'}),
    ('/api/ivrs/(?P<ivr_id>[^/]+)/action_urls/(?P<url_id>[^/]+)/destroy', {'POST': 'delete_action_url'}),
))
PUBLIC = ('oauth_token', 'sign_in', 'refresh_token')
IVR_FILTER_FIELDS = ('name', 'extension_number')


def error_entry(code, message, field=None):
    entry = {'code': code, 'message': message}
    if field:
        entry['detail'] = {'field': field}
    return entry


class ApiError(Exception):
    def __init__(self, status, errors, headers=()):
        super().__init__(status, errors)
        self.status, self.errors, self.headers = status, errors, tuple(headers)

    def answer(self):
        return self.status, {'errors': self.errors}, self.headers


def invalid(problems):
    return ApiError(400, [error_entry('VALIDATE_FAILED', '%s: %s' % problem, problem[0]) for problem in problems])


def unauthorized(message, status=400):
    return ApiError(status, [error_entry('UNAUTHORIZED', message)])


@dataclasses.dataclass
class Request:
    method: str
    path: str
    query: dict
    body: typing.Any = None
    form: bool = False  # the body came form-encoded rather than as JSON
    bearer: typing.Optional[str] = None


class Api:
    """Not thread-safe: the caller holds the simulator's lock around handle()."""

    def __init__(self, config, state, tokens):
        self.config, self.state, self.tokens = config, state, tokens

    def handle(self, request):
        """(status, payload, headers) for one request."""
        try:
            for pattern, methods in ROUTES:
                match = pattern.fullmatch(request.path)
                if match and not (request.path == OAUTH_PATH and not self.config.oauth_endpoint):
                    break
            else:
                raise ApiError(404, [error_entry('NOT_FOUND', 'no such endpoint: %s' % request.path)])
            if request.method not in methods:
                raise ApiError(405, [error_entry('UNKNOWN', 'method %s not allowed here' % request.method)], [('Allow', ', '.join(methods))])
            name = methods[request.method]
            if name not in PUBLIC and not self.tokens.valid(request.bearer):
                raise unauthorized('missing, unknown or expired access token', status=401)
            # Ids are matched as sent, one path segment each, then decoded: a quoted / stays inside its id.
            ids = {key: urllib.parse.unquote(value) for key, value in match.groupdict().items()}
            status, payload = getattr(self, name)(request, **ids)
            return status, payload, ()
        except ValidationError as error:
            return invalid(error.problems).answer()
        except ApiError as error:
            return error.answer()

    def oauth_token(self, request):
        if not request.form:
            raise invalid([('body', 'must be application/x-www-form-urlencoded')])
        body = request.body or {}
        if body.get('client_id') != CLIENT_ID:
            raise unauthorized('unknown client_id')
        if body.get('grant_type') == 'refresh_token':
            return 200, self._renew(body.get('refresh_token'))
        if body.get('grant_type') != 'password':
            raise invalid([('grant_type', 'must be password or refresh_token')])
        if self._user(body.get('username'), body.get('password'), body.get('domain')).get('two_factor_enabled'):
            raise unauthorized('two-factor authentication is enabled for this account')
        return 200, self.tokens.issue()

    def sign_in(self, request):
        body = _json_object(request)
        missing = [(field, 'is required') for field in ('username', 'password') if not isinstance(body.get(field), str)]
        if missing:
            raise invalid(missing)
        if self._user(body['username'], body['password'], body.get('domain')).get('two_factor_enabled'):
            # The token here only continues the two-factor dialogue; it is not an access token.
            return 200, {'two_factor_enabled': True, 'token': secrets.token_urlsafe(16)}
        return 200, self.tokens.issue()

    def refresh_token(self, request):
        return 200, self._renew(_json_object(request).get('refresh_token'))

    def list_ivrs(self, request):
        skip = _int_parameter(request.query, 'skip', 0, 0, None)
        top = _int_parameter(request.query, 'top', 100, 1, 100)
        predicate = None
        if request.query.get('filter') and not self.config.ignore_filter:
            try:
                predicate = compile_filter(request.query['filter'], IVR_FILTER_FIELDS)
            except FilterError as error:
                raise invalid([('filter', str(error))]) from error
        items = self.state.list_ivrs(predicate or (lambda ivr: True))
        start = max(skip - self.config.skip_base, 0)
        size = min(top, self.config.max_page_size or top)
        return 200, {'count': len(items), 'items': items[start:start + size]}

    def get_ivr(self, _request, ivr_id):
        return 200, dict(self._ivr(ivr_id))

    def list_action_urls(self, _request, ivr_id):
        self._ivr(ivr_id)
        return 200, {'items': [self._present(stored) for stored in self.state.action_urls[ivr_id].values()]}

    def create_action_url(self, request, ivr_id):
        self._ivr(ivr_id)
        return 201, {'id': self.state.create_action_url(ivr_id, _json_object(request), self.config.legacy_values)}

    def get_action_url(self, _request, ivr_id, url_id):
        return 200, self._present(self._action_url(ivr_id, url_id))

    def update_action_url(self, request, ivr_id, url_id):
        self._action_url(ivr_id, url_id)
        self.state.update_action_url(ivr_id, url_id, _json_object(request), self.config.update, self.config.legacy_values)
        return 200, None

    def delete_action_url(self, _request, ivr_id, url_id):
        self._action_url(ivr_id, url_id)
        del self.state.action_urls[ivr_id][url_id]
        return 204, None

    def _present(self, stored):
        return present_action_url(stored, self.config.secrets, self.config.blank_defaults)

    def _user(self, username, password, domain):
        user = self.state.find_user(username, password, domain)
        if user is None:
            raise unauthorized('wrong username, password or domain')
        return user

    def _renew(self, refresh_token):
        tokens = self.tokens.renew(refresh_token)
        if tokens is None:
            raise unauthorized('unknown refresh token')
        return tokens

    def _ivr(self, ivr_id):
        if ivr_id not in self.state.ivrs:
            raise self._unknown('id', 'no virtual receptionist with id %s' % ivr_id)
        return self.state.ivrs[ivr_id]

    def _action_url(self, ivr_id, url_id):
        self._ivr(ivr_id)
        if url_id not in self.state.action_urls[ivr_id]:
            raise self._unknown('url_id', 'no action URL with id %s' % url_id)
        return self.state.action_urls[ivr_id][url_id]

    def _unknown(self, field, message):
        status = self.config.unknown_id_status
        return ApiError(status, [error_entry('NOT_FOUND' if status == 404 else 'VALIDATE_FAILED', '%s: %s' % (field, message), field)])


def _json_object(request):
    if request.form:
        raise invalid([('body', 'must be JSON')])
    if request.body is None:
        return {}
    if not isinstance(request.body, dict):
        raise invalid([('body', 'must be a JSON object')])
    return request.body


def _int_parameter(query, name, default, minimum, maximum):
    text = query.get(name)
    if text is None:
        return default
    if not re.fullmatch('-?[0-9]+', text) or int(text) < minimum or (maximum is not None and int(text) > maximum):
        raise invalid([(name, 'must be an integer in %d..%s' % (minimum, maximum if maximum is not None else 'any'))])
    return int(text)
