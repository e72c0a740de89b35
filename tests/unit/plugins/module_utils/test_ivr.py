# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Finding IVRs and reading their action URLs, against a stand-in client."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.portsip.pbx.plugins.module_utils import ivr
from ansible_collections.portsip.pbx.plugins.module_utils.errors import Problem, RequestError

SALES = {"id": "i1", "name": "Sales", "extension_number": "8100"}
SUPPORT = {"id": "i2", "name": "Support", "extension_number": 8200}


class FakeClient:
    """Answers each path from ``answers``; an exception there is raised. Records every call."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def _answer(self, path):
        answer = self.answers[path]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def get_object(self, path):
        self.calls.append(("get_object", path, None))
        return self._answer(path)

    def get_items(self, path):
        self.calls.append(("get_items", path, None))
        return self._answer(path)

    def list_all(self, path, params=None):
        self.calls.append(("list_all", path, params))
        return self._answer(path)


def not_found(path, status):
    return RequestError("VALIDATE_FAILED id: no such object", "GET", path, status, [{"code": "VALIDATE_FAILED"}])


def test_ids_are_quoted_into_one_path_segment():
    assert ivr.ivr_path("NzAw/MTQ=") == "/ivrs/NzAw%2FMTQ%3D"
    assert ivr.ivr_path("a b") == "/ivrs/a%20b"


def test_get_ivr_reads_the_ivr():
    client = FakeClient({"/ivrs/i1": SALES})
    assert ivr.get_ivr(client, "i1") == SALES
    assert client.calls == [("get_object", "/ivrs/i1", None)]


@pytest.mark.parametrize("status", [400, 404])
@pytest.mark.parametrize("read", [ivr.get_ivr, ivr.action_urls])
def test_an_unknown_id_is_not_found_with_the_server_words(read, status):
    path = "/ivrs/nope" + ("/action_urls" if read is ivr.action_urls else "")
    with pytest.raises(RequestError) as caught:
        read(FakeClient({path: not_found(path, status)}), "nope")
    assert caught.value.message == "virtual receptionist with id 'nope' was not found (VALIDATE_FAILED id: no such object)"
    assert (caught.value.method, caught.value.path, caught.value.status) == ("GET", path, status)
    assert caught.value.errors == [{"code": "VALIDATE_FAILED"}]


@pytest.mark.parametrize("error", [
    RequestError("db down", "GET", "/ivrs/i1", 500),
    RequestError("token expired", "GET", "/ivrs/i1", 401),
    # A refused login before the read: its 400 is not the IVR's.
    RequestError("login refused", "POST", "/login/oauth/token", 400),
    RequestError("no credentials"),
])
def test_other_failures_stay_what_they_are(error):
    with pytest.raises(RequestError) as caught:
        ivr.get_ivr(FakeClient({"/ivrs/i1": error}), "i1")
    assert caught.value is error


def test_find_ivr_asks_the_server_to_filter_with_quotes_doubled():
    client = FakeClient({"/ivrs": [{"id": "i3", "name": "O'Brien Desk", "extension_number": "8101"}]})
    assert ivr.find_ivr(client, "O'Brien Desk")["id"] == "i3"
    assert client.calls == [("list_all", "/ivrs", {"filter": "name eq 'O''Brien Desk' or extension_number eq 'O''Brien Desk'"})]


@pytest.mark.parametrize("wanted, found", [("Sales", "i1"), ("8100", "i1"), ("8200", "i2"), ("Support", "i2")])
def test_find_ivr_decides_the_exact_match_itself(wanted, found):
    # A server that ignores the filter returns everything; numbers may come back as integers.
    client = FakeClient({"/ivrs": [SALES, SUPPORT, {"id": "i4", "name": "Sales team", "extension_number": "81000"}]})
    assert ivr.find_ivr(client, wanted)["id"] == found


def test_find_ivr_reports_no_match():
    with pytest.raises(Problem, match="no virtual receptionist has the name or extension number 'Billing'"):
        ivr.find_ivr(FakeClient({"/ivrs": [SALES, SUPPORT]}), "Billing")


def test_find_ivr_refuses_to_guess_between_several():
    other = {"id": "i9", "name": "8100", "extension_number": "8900"}
    with pytest.raises(Problem) as caught:
        ivr.find_ivr(FakeClient({"/ivrs": [SALES, other]}), "8100")
    assert str(caught.value) == ("2 virtual receptionists match '8100'; use ivr_id to pick one: "
                                 "i1 (name 'Sales', extension 8100), i9 (name '8100', extension 8900)")


def test_list_ivrs_reads_every_page_unfiltered():
    client = FakeClient({"/ivrs": [SALES, SUPPORT]})
    assert ivr.list_ivrs(client) == [SALES, SUPPORT]
    assert client.calls == [("list_all", "/ivrs", None)]


def test_action_urls_reads_the_list_at_the_quoted_path():
    # The shape of the answer is the client's to check (get_items): a malformed list is an error, never [].
    client = FakeClient({"/ivrs/i%2F1/action_urls": [{"id": "u1"}, {"id": "u2"}]})
    assert ivr.action_urls(client, "i/1") == [{"id": "u1"}, {"id": "u2"}]
    assert client.calls == [("get_items", "/ivrs/i%2F1/action_urls", None)]
