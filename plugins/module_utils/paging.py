# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading a paged list of the PBX whole, or failing: never a partial list taken for the whole."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.portsip.pbx.plugins.module_utils.answers import items as items_of
from ansible_collections.portsip.pbx.plugins.module_utils.answers import shape_error
from ansible_collections.portsip.pbx.plugins.module_utils.errors import RequestError

PAGE_SIZE = 100
MAX_ITEMS = 10000


def read_all(get, path, params, redact):
    """Follow ``skip``/``top`` until ``count`` items are read; ``get(path, params)`` reads one page.

    Items are keyed by id and ``skip`` advances by what was really received, so a server that
    caps the page size still yields every item once. A page that starts with an item already
    read shows a server that counts ``skip`` from 1: from then on ``skip`` is one more. Without
    a ``count`` it reads on until a page is empty. A page that brings only items already read
    (a server or cache that ignores ``skip``) is an error, never the end of the list.
    """
    items = {}
    base = 0
    while True:
        query = dict(params or {}, skip=len(items) + base, top=PAGE_SIZE)
        answer = get(path, params=query)
        page = items_of("GET", path, answer, redact)
        count = _count(path, answer, redact)
        before = len(items)
        overlaps = bool(page) and page[0]["id"] in items
        for item in page:
            items.setdefault(item["id"], item)
        if len(items) > MAX_ITEMS:
            raise RequestError("more than %d items after %d were read; refusing to work from a partial list"
                               % (MAX_ITEMS, len(items)), "GET", path)
        if (count is not None and len(items) >= count) or (count is None and not page):
            return list(items.values())
        if overlaps and not base:
            base = 1
            continue
        if len(items) == before:
            total = "" if count is None else " of %d" % count
            raise RequestError("paging stopped after %d%s items: the page at skip=%d brought only items already read "
                               "(does the server ignore skip?)" % (len(items), total, query["skip"]), "GET", path)


def _count(path, answer, redact):
    """The page's ``count``: None when absent, else a whole number no larger than MAX_ITEMS."""
    count = answer.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        raise shape_error("GET", path, "a whole number as count", count, redact)
    if count is not None and count > MAX_ITEMS:
        raise RequestError("the PBX counts %d items, more than the %d this collection reads; refusing to work "
                           "from a partial list" % (count, MAX_ITEMS), "GET", path)
    return count
