# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The PBX's data: users who may log in, IVRs and their action URLs, and the PBX's validation of action URLs.

import base64
import copy
import re
import secrets

MASK = '******'
SECRET_FIELDS = ('password', 'token')
# Headers whose values a PBX that masks secrets masks too (with secrets=masked); the others, and every header with
# secrets=clear or omitted, are answered as stored.
CREDENTIAL_HEADER = re.compile(r'^(authorization|proxy-authorization|cookie|x-api-key)$|token|secret|password|api-key', re.I)


# Held in turn by every third id the simulator makes.
ID_SPECIALS = ('/', '+')


def new_id(number, taken=()):
    """The number-th id made, shaped like the PBX's: base64 of an 18-digit decimal number. Every third one is instead
    standard base64 of 16 random bytes, holding a / or a + and ending in ==, so that clients must quote ids in paths."""
    while True:
        if number % 3:
            candidate = base64.b64encode(str(10 ** 17 + secrets.randbelow(9 * 10 ** 17)).encode()).decode()
        else:
            candidate = base64.b64encode(secrets.token_bytes(16)).decode()
            if ID_SPECIALS[number // 3 % 2] not in candidate:
                continue
        if candidate not in taken:
            return candidate


def _text(minimum=0, maximum=None, pattern=None):
    def check(value):
        if not isinstance(value, str):
            return 'must be a string'
        if len(value) < minimum or (maximum is not None and len(value) > maximum):
            return 'length must be %d..%s' % (minimum, maximum if maximum is not None else 'any')
        if pattern and not re.fullmatch(pattern, value):
            return 'must match %s' % pattern
        return None
    return check


def _choice(*values):
    return lambda value: None if isinstance(value, str) and value in values else 'must be one of %s' % ', '.join(values)


def _count(value):
    # bool is a subclass of int in Python but not a number in JSON: a client sending true for a timeout has a bug.
    if isinstance(value, bool) or not isinstance(value, int):
        return 'must be an integer'
    return None if value >= 0 else 'must be >= 0'


def _bool(value):
    return None if isinstance(value, bool) else 'must be a boolean'


def _mask(value):
    # PBX 22.6 refuses a mask that lists an entry twice.
    problem = _text(0, 255)(value)
    if problem:
        return problem
    entries = [entry.strip() for entry in value.split(';') if entry.strip()]
    repeated = sorted({entry for entry in entries if entries.count(entry) > 1})
    return 'entries must be unique, repeated: %s' % ', '.join(repeated) if repeated else None


# What PBXs before 22.6 accepted (the legacy_values switch): a mask may repeat an entry, a credential may hold capitals.
LEGACY_CHECKS = {
    'dtmf_mask': _text(0, 255),
    'caller_mask': _text(0, 255),
    'username': _text(6, 64, '[A-Za-z0-9]+'),
    'password': _text(6, 64, '[A-Za-z0-9]+'),
}


# field: (check, server default); None stands for the null the PBX returns for a field never set.
# url is only length-checked: the pattern the vendor spec gives it is a copy of the username pattern.
ACTION_URL_FIELDS = {
    'name': (_text(1, 64), None),
    'enabled': (_bool, False),
    'type': (_choice('DTMF', 'CALLER'), None),
    'dtmf_mask': (_mask, None),
    'caller_mask': (_mask, None),
    'method': (_choice('GET', 'POST'), None),
    'url': (_text(1, 128), None),
    'headers': (_text(), None),
    'connection_timeout': (_count, 2),
    'request_timeout': (_count, 2),
    'auth': (_choice('DISABLE', 'BASIC', 'DIGEST', 'BEARER'), 'DISABLE'),
    'username': (_text(6, 64, '[a-z0-9]+'), None),
    'password': (_text(6, 64, '[a-z0-9]+'), None),
    'token': (_text(), None),
}

# Fields of GET /ivrs/{id} beyond id, name and extension_number, with values a fresh PBX would show.
IVR_DEFAULTS = {
    'language': 'en',
    'dtmf_interval': 2,
    'enable_pin': False,
    'timeout_forward_rule': {'timeout': 30, 'repeat_times': 3, 'action': 'HANGUP'},
    'failure_forward_rule': {'action': 'HANGUP'},
}
IVR_SUMMARY = ('id', 'name', 'extension_number')


class ValidationError(ValueError):
    """Problems with a request, as (field, message) pairs, answered as one PortSIP error entry each."""

    def __init__(self, problems):
        super().__init__('; '.join('%s: %s' % problem for problem in problems))
        self.problems = problems


def validate_action_url(body, creating, legacy=False):
    if not isinstance(body, dict):
        raise ValidationError([('body', 'must be a JSON object')])
    problems = []
    for field, value in body.items():
        if field == 'id':
            problems.append((field, 'is read-only'))
        elif field not in ACTION_URL_FIELDS:
            problems.append((field, 'unknown field'))
        else:
            problem = (legacy and LEGACY_CHECKS.get(field) or ACTION_URL_FIELDS[field][0])(value)
            if problem:
                problems.append((field, problem))
    # The schema marks nothing required, but the PBX's web UI will not save an action URL without a name.
    if creating and 'name' not in body:
        problems.append(('name', 'is required'))
    if problems:
        raise ValidationError(problems)


def _validate_ivr(entry):
    problems = []
    if not isinstance(entry.get('name'), str) or not 1 <= len(entry['name']) <= 64:
        problems.append(('name', 'must be a string of 1..64 characters'))
    if not isinstance(entry.get('extension_number'), str) or not re.fullmatch('[0-9]{3,64}', entry['extension_number']):
        problems.append(('extension_number', 'must be 3..64 digits'))
    unknown = set(entry) - {'name', 'extension_number', 'action_urls'}
    problems += [(field, 'unknown field') for field in sorted(unknown)]
    if problems:
        raise ValidationError(problems)


class State:
    """Everything the PBX stores. Not thread-safe: the server holds its lock around every use."""

    def __init__(self, admin):
        self.users = [admin]
        self.ivrs = {}
        self.action_urls = {}  # IVR id -> {action URL id -> stored action URL}
        self.ids_made = 0  # restored with the data, so that after a reset the same kinds of ids come in the same order

    def snapshot(self):
        return copy.deepcopy((self.users, self.ivrs, self.action_urls, self.ids_made))

    def restore(self, snapshot):
        self.users, self.ivrs, self.action_urls, self.ids_made = copy.deepcopy(snapshot)

    def _new_id(self, taken):
        self.ids_made += 1
        return new_id(self.ids_made, taken)

    def find_user(self, username, password, domain):
        for user in self.users:
            if (user['username'], user['password'], user.get('domain') or '') == (username, password, domain or ''):
                return user
        return None

    def load(self, seed, default_domain, legacy=False):
        """Add the users and IVRs of a seed document; an entry with an `id` adds action URLs to that existing IVR.

        Returns the ids created, in the shape of the seed: {"ivrs": [{"id": .., "action_urls": [..]}]}.
        The whole seed is checked before anything is added.
        """
        if not isinstance(seed, dict) or set(seed) - {'ivrs', 'users'}:
            raise ValidationError([('seed', 'must be an object with only "ivrs" and "users"')])
        users = seed.get('users') or []
        for user in users:
            if not isinstance(user, dict) or not isinstance(user.get('username'), str) or not isinstance(user.get('password'), str):
                raise ValidationError([('users', 'each user needs string username and password')])
        for entry in seed.get('ivrs') or []:
            if not isinstance(entry, dict):
                raise ValidationError([('ivrs', 'each entry must be an object')])
            if 'id' in entry:
                if entry['id'] not in self.ivrs or set(entry) - {'id', 'action_urls'}:
                    raise ValidationError([('id', 'an entry with an id adds action_urls to that existing IVR, and nothing else')])
            else:
                _validate_ivr(entry)
            for action_url in entry.get('action_urls') or []:
                validate_action_url(action_url, creating=True, legacy=legacy)
        self.users += [dict(user, domain=user.get('domain', default_domain)) for user in users]
        created = []
        for entry in seed.get('ivrs') or []:
            ivr_id = entry.get('id') or self.add_ivr(entry['name'], entry['extension_number'])
            created.append({'id': ivr_id, 'action_urls': [self.create_action_url(ivr_id, body, legacy)
                                                          for body in entry.get('action_urls') or []]})
        return {'ivrs': created}

    def add_ivr(self, name, extension_number):
        ivr_id = self._new_id(self.ivrs)
        self.ivrs[ivr_id] = dict({'id': ivr_id, 'name': name, 'extension_number': extension_number}, **copy.deepcopy(IVR_DEFAULTS))
        self.action_urls[ivr_id] = {}
        return ivr_id

    def list_ivrs(self, predicate):
        return [{key: ivr[key] for key in IVR_SUMMARY} for ivr in self.ivrs.values() if predicate(ivr)]

    def create_action_url(self, ivr_id, body, legacy=False):
        validate_action_url(body, creating=True, legacy=legacy)
        urls = self.action_urls[ivr_id]
        url_id = self._new_id(urls)
        urls[url_id] = _fresh_action_url(url_id, body)
        return url_id

    def update_action_url(self, ivr_id, url_id, body, mode, legacy=False):
        validate_action_url(body, creating=mode == 'reset', legacy=legacy)
        urls = self.action_urls[ivr_id]
        urls[url_id] = dict(urls[url_id], **body) if mode == 'keep' else _fresh_action_url(url_id, body)

    def dump(self):
        return {
            'users': [{key: value for key, value in user.items() if key != 'password'} for user in self.users],
            'ivrs': [dict(ivr, action_urls=list(self.action_urls[ivr_id].values())) for ivr_id, ivr in self.ivrs.items()],
        }


def _fresh_action_url(url_id, body):
    stored = {'id': url_id}
    stored.update((field, default) for field, (_check, default) in ACTION_URL_FIELDS.items())
    stored.update(body)
    return stored


def present_action_url(stored, secrets_mode, blank_defaults=False):
    """An action URL as GET answers it, with secrets shown as the `secrets` switch says, and with blank_defaults
    null for each field that holds its server default."""
    shown = dict(stored)
    if blank_defaults:
        # Validation keeps each field to its one type, so == never mistakes e.g. 0 for False.
        shown.update((field, None) for field, (_check, default) in ACTION_URL_FIELDS.items()
                     if default is not None and shown[field] == default)
    for field in SECRET_FIELDS:
        if secrets_mode == 'omitted':
            del shown[field]
        elif secrets_mode == 'masked' and shown[field] is not None:
            shown[field] = MASK
    if secrets_mode == 'masked' and shown.get('headers'):
        shown['headers'] = '&'.join(_masked_header(item) for item in shown['headers'].split('&'))
    return shown


def _masked_header(item):
    name, sep, value = item.partition(':')
    return name + sep + MASK if value.strip() and CREDENTIAL_HEADER.search(name.strip()) else item
