# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Finding virtual receptionists (IVRs) and reading their action URLs."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from urllib.parse import quote

from ansible_collections.portsip.pbx.plugins.module_utils.errors import Problem, RequestError


def ivr_path(ivr_id):
    return "/ivrs/%s" % quote(ivr_id, safe="")


def _get_by_id(read, path, what):
    """Read an object by id; an unknown id becomes a message that names the object.

    The PBX may answer 400 or 404 for an unknown id: both say "not found", with the server's
    own words kept. Any other failure, including one of the login that came first, stays
    what it is: never "absent".
    """
    try:
        return read(path)
    except RequestError as error:
        if error.path != path or error.status not in (400, 404):
            raise
        raise RequestError("%s was not found (%s)" % (what, error.message), error.method, error.path, error.status, error.errors)


def get_ivr(client, ivr_id):
    return _get_by_id(client.get_object, ivr_path(ivr_id), "virtual receptionist with id %r" % ivr_id)


def find_ivr(client, name_or_number):
    """The one IVR whose name or extension number is ``name_or_number``."""
    literal = "'%s'" % name_or_number.replace("'", "''")
    listed = client.list_all("/ivrs", params={"filter": "name eq %s or extension_number eq %s" % (literal, literal)})
    # The server's filter only narrows the list; the exact match is decided here.
    return pick_ivr(listed, name_or_number)


def pick_ivr(ivrs, name_or_number):
    """The one IVR of the list ``ivrs`` whose name or extension number is ``name_or_number``."""
    matches = [ivr for ivr in ivrs if name_or_number in (ivr.get("name"), str(ivr.get("extension_number")))]
    if not matches:
        raise Problem("no virtual receptionist has the name or extension number %r" % name_or_number)
    if len(matches) > 1:
        raise Problem("%d virtual receptionists match %r; use ivr_id to pick one: %s" % (
            len(matches), name_or_number, ", ".join(describe_ivr(ivr) for ivr in matches)))
    return matches[0]


def list_ivrs(client):
    return client.list_all("/ivrs")


def describe_ivr(ivr):
    return "%s (name %r, extension %s)" % (ivr.get("id"), ivr.get("name"), ivr.get("extension_number"))


def action_urls(client, ivr_id):
    return _get_by_id(client.get_items, ivr_path(ivr_id) + "/action_urls", "virtual receptionist with id %r" % ivr_id)
