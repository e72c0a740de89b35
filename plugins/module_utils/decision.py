# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What one action URL needs, decided from one read before any write: the pure ``decide()``.

It reads only its arguments (the IVR's action URLs as read, the want) and returns a Change or raises
Problem, so check mode walks the same path as a real run and stops only before the write. Its steps,
in order, are the functions below it; docs/developing.md lists them.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.portsip.pbx.plugins.module_utils import headers as hdr
from ansible_collections.portsip.pbx.plugins.module_utils.errors import Problem
from ansible_collections.portsip.pbx.plugins.module_utils.fields import BY_NAME, FIELDS, KEPT, REQUIRED_IF, REQUIRED_ON_CREATE, SECRET_FOR_AUTH, SECRETS
from ansible_collections.portsip.pbx.plugins.module_utils.placeholders import MASK_CHANGED, MASK_SENT, is_masked, is_placeholder


class Change:
    """What one action URL needs, decided from one read before any write."""

    def __init__(self, action, have, after, body=None, changed=(), placeholders=None):
        self.action = action  # "create", "update", "delete", or None when it already matches
        self.have = have  # the object the PBX has; None before a create
        self.after = after  # the object as the PBX will have it; None after a delete
        self.body = body  # what the write sends
        self.changed = list(changed)  # names of the fields the write sets or changes
        self.placeholders = placeholders or {}  # how to show each secret the write sends


def decide(items, want, update_secrets, url_id=None, absent=False, whole=None, problems=None, secret_headers=None):
    """The change that makes the IVR's action URLs ``items`` hold ``want`` (API form), or lose it.

    ``whole``: the state that makes the action URL exactly as declared (replaced, overridden), or None.
    ``problems``: {field: why its declared value may not be sent}; refused only for a field the write would send.
    ``secret_headers``: secret headers given without headers (API form), which complete the headers it has.
    """
    have = find(items, url_id, want.get("name"))                      # 1. the action URL meant
    if absent:
        return Change(None, None, None) if have is None else Change("delete", have, None)
    _refuse_lacking(have, want, whole, secret_headers)                # 2. what the declaration lacks
    want = completed(have, want, whole, secret_headers)               # 3. made whole, secret headers filled in
    want = without_placeholders(want)                                 # 4. a placeholder keeps the secret
    if have is None:                                                  # 5. a create: the want as sent
        _refuse_unsendable(want, problems)
        body = applied(None, want)
        return Change("create", None, predicted_create(body), body=body, changed=want)
    changed = differences(have, want, update_secrets)                 # 5. an update: what differs
    if not changed:
        return Change(None, have, have)
    _refuse_unsendable(changed, problems)                             # 6. refusals of the update
    _refuse_taken_name(items, have, want, changed)
    _refuse_secrets_at_risk(have, want)
    body = applied(have, want)                                        # 7. what is sent, and how it is shown
    return Change("update", have, dict(have, **body), update_body(have, body), changed,
                  secret_placeholders(have, want, changed))


# -- 1. the action URL meant ----------------------------------------------------


def with_name(items, name):
    return [item for item in items if item.get("name") == name]


def find(items, url_id=None, name=None):
    """The action URL the user means: by id if given, else by its name. None if there is none."""
    if url_id is not None:
        matches = [item for item in items if item.get("id") == url_id]
    else:
        matches = with_name(items, name)
        if len(matches) > 1:
            raise Problem("%d action URLs are named %r (ids %s); keep one: portsip.pbx.ivr_action_urls with "
                          "state=overridden keeps the one that needs the fewest changes and deletes the others, or "
                          "delete the others by id (portsip.pbx.ivr_action_url with id and state=absent)"
                          % (len(matches), name, ", ".join(item.get("id") for item in matches)))
    return matches[0] if matches else None


# -- 2. what the declaration lacks ------------------------------------------------


def sets(want, name):
    """Whether ``want`` sets ``name`` to a value of its own, not a placeholder for the secret the PBX has."""
    return want.get(name) is not None and not (name in SECRETS and is_placeholder(want[name]))


def readable(obj, name):
    """Whether the server gave back the value of a field it has (secrets may be masked or left out)."""
    return name in obj and not is_masked(obj[name])


def holds(have, name):
    """Whether the object ``have`` (None before a create) has a value for ``name`` that a declaration may keep.

    A secret the PBX leaves out is taken to be there when the auth it has uses it.
    """
    if have is None:
        return False
    if have.get(name) not in (None, ""):
        return True
    return name in SECRETS and name not in have and SECRET_FOR_AUTH.get(str(have.get("auth") or "").upper()) == name


def lacking(have, want, whole=False):
    """The options a declaration lacks to be applied to ``have`` (None: it is created). Both resource modules ask this.

    A create needs name, type and url; ``whole`` (a declaration that replaces the action URL) needs them too. The
    declared type needs its mask and the declared auth its credentials, except those ``have`` holds and keeps: auth
    BASIC without a password keeps the password the action URL has.
    """
    required = list(REQUIRED_ON_CREATE) if have is None or whole else []
    for option, value, needs in REQUIRED_IF:
        if want.get(option) == value:
            required += needs
    return [name for name in dict.fromkeys(required)
            if not sets(want, name) and not (name in KEPT and holds(have, name))]


def _refuse_lacking(have, want, whole, secret_headers):
    """Refuse ``want`` for what it lacks to be applied to ``have``.

    A placeholder reads as "keep the stored secret": where the action URL needs that secret and holds none, it is
    named for what it is, which masked output cannot supply. A header given as a placeholder is needed as declared.
    """
    name = want.get("name") or (have or {}).get("name")
    lacked = lacking(have, want, whole)
    reasons = [(option, "%s stands for a secret: it is how this collection shows one, and masked output cannot supply "
                        "one; %s, so give the secret itself" % (want[option].strip(), _none_to_keep(have, name, option)))
               for option in lacked if want.get(option) is not None]
    reasons += [("%s.%s" % (hdr.SECRET_HEADERS, header), "a placeholder stands for a secret: it is how this collection "
                 "shows one, and masked output cannot supply one; %s, so give the value itself"
                 % _none_to_keep(have, name, "%s header" % header))
                for header in hdr.placeholder_headers(have and have.get("headers"), want.get("headers"), secret_headers)]
    # What is lacked and yet has a value was given as a placeholder.
    missing = [option for option in lacked if want.get(option) is None]
    if missing and have is None:
        reasons.append("action URL %r does not exist yet; to create it, also set: %s" % (name, ", ".join(missing)))
    elif missing and whole:
        reasons.append("state=%s makes the action URL exactly as declared, so it needs: %s" % (whole, ", ".join(missing)))
    elif missing:
        why = ["%s is %s" % (option, value) for option, value, needs in REQUIRED_IF
               if want.get(option) == value and set(needs) & set(missing)]
        reasons.append("%s, so also set: %s" % (" and ".join(why), ", ".join(missing)))
    if reasons:
        raise Problem(*reasons)


def _none_to_keep(have, name, what):
    if have is None:
        return "action URL %r does not exist yet" % name
    return "action URL %r holds no %s to keep" % (name, what)


# -- 3. made whole, secret headers filled in -------------------------------------------


def completed(have, want, whole, secret_headers):
    """The want as the write applies it: made whole for ``whole``, else with the secret headers given alone."""
    return replacement(want, secret_headers) if whole else resolved(have, want, secret_headers)


def resolved(have, want, secret_headers):
    """``want`` with secret headers given alone (API form, or None) turned into headers: those of ``have`` (None before
    a create) that are not secret, then the declared ones."""
    if secret_headers is None:
        return want
    plain = hdr.without_credential_headers(have and have.get("headers"))
    return dict(want, headers=hdr.joined(hdr.parse_headers(plain) + hdr.parse_headers(secret_headers)))


def replacement(want, secret_headers=None):
    """A declaration made whole: each field left out gets what a fresh action URL created from it would hold.

    That is the PBX's default, else the blank value (so the mask the type does not use is emptied).
    Fields with neither stay out and keep their value: the kept ones, and method, which has no
    value to go back to. Secret headers given alone are then all the headers.
    """
    whole = {}
    for field in FIELDS:
        if field.name in want:
            whole[field.name] = want[field.name]
        elif field.server_default is not None:
            whole[field.name] = field.server_default
        elif field.blank is not None:
            whole[field.name] = field.blank
    if secret_headers is not None:
        whole["headers"] = secret_headers
    return whole


# -- 4. a placeholder keeps the secret ---------------------------------------------------


def without_placeholders(want):
    """``want`` less the secrets it gives as placeholders: each stands for the secret the PBX has, which is kept."""
    return {name: value for name, value in want.items() if not (name in SECRETS and is_placeholder(value))}


# -- 5. what differs -------------------------------------------------------------


def differences(have, want, update_secrets):
    """Names of the wanted fields whose value differs from the object the PBX has.

    A secret the server does not give back cannot be compared: ``update_secrets``
    decides whether it counts as different (``always``) or not (``on_create``).
    """
    changed = []
    for name, value in want.items():
        field = BY_NAME[name]
        if field.secret and not readable(have, name):
            if update_secrets == "always":
                changed.append(name)
        elif field.differs(have.get(name), value, update_secrets):
            changed.append(name)
    return changed


def predicted_create(body):
    """The object as the server will have it after a create: its defaults fill what the user left out."""
    obj = {field.name: field.server_default for field in FIELDS if field.server_default is not None}
    obj.update(body)
    return obj


# -- 6. refusals of the update ------------------------------------------------------


def _refuse_unsendable(written, problems):
    reasons = [(name, (problems or {})[name]) for name in written if name in (problems or {})]
    if reasons:
        raise Problem(*reasons)


def _refuse_taken_name(items, have, want, changed):
    if "name" not in changed:
        return
    taken = [item["id"] for item in with_name(items, want["name"]) if item["id"] != have["id"]]
    if taken:
        raise Problem("cannot rename action URL %s to %r: that name is already used by %s"
                      % (have["id"], want["name"], ", ".join(taken)))


def secrets_at_risk(have, want):
    """Secrets in use that an update could wipe, as the options that would give them: there, not readable, not given.

    The API takes all headers as one field, so an update sends each one the PBX has, and a masked value cannot be
    sent back.
    """
    auth = str(want.get("auth") or have.get("auth") or "").upper()
    secret = SECRET_FOR_AUTH.get(auth)
    at_risk = [] if secret is None or sets(want, secret) or readable(have, secret) else [secret]
    return at_risk + ["%s.%s" % (hdr.SECRET_HEADERS, name) for name in hdr.masked_headers_at_risk(have.get("headers"), want.get("headers"))]


def _refuse_secrets_at_risk(have, want):
    at_risk = secrets_at_risk(have, want)
    if at_risk:
        raise Problem(*[(option, "action URL %r needs an update, but the PBX does not give back its stored %s, and an "
                                 "update without it could erase it; set it in the task, from your vault" % (have.get("name"), option))
                        for option in at_risk])


# -- 7. what is sent, and how it is shown -------------------------------------------------


def applied(have, want):
    """``want`` as the write sends it to ``have`` (None for a create): secret headers it leaves out kept."""
    if "headers" not in want:
        return want
    return dict(want, headers=hdr.headers_after(have and have.get("headers"), want["headers"]))


def update_body(have, want):
    """The whole object to send on update.

    Sending everything keeps the fields the user did not manage, whether the
    server keeps or resets fields left out of an update. Masked secrets are never
    sent back: the placeholder would become the new secret.
    """
    body = {}
    for field in FIELDS:
        value = have.get(field.name)
        if value is not None and not (field.secret and is_masked(value)):
            body[field.name] = field.to_api(value)
    body.update(want)
    return body


def secret_placeholders(have, want, changed):
    """How to show each secret an update sends: changed, or sent without knowing whether it differs."""
    placeholders = {}
    for name in SECRETS:
        if name in changed:
            placeholders[name] = MASK_CHANGED
        elif sets(want, name) and not readable(have, name):
            placeholders[name] = MASK_SENT
    headers = hdr.sent_header_placeholders(have.get("headers"), want.get("headers"), MASK_CHANGED, MASK_SENT)
    if headers:
        placeholders["headers"] = headers
    return placeholders
