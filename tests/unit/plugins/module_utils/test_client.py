# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTP client against mocked HTTP answers: login, retries, errors, paging."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import pytest
import requests
import responses

from ansible_collections.portsip.pbx.plugins.module_utils import client as client_module
from ansible_collections.portsip.pbx.plugins.module_utils.client import (
    CLIENT_ID,
    MAX_ATTEMPTS,
    AmbiguousWriteError,
    Client,
    PortsipError,
    api_root,
)

PBX = "https://pbx.example.com:8887"
API = PBX + "/api"
TOKEN_ANSWER = {"access_token": "at-1", "refresh_token": "rt-1", "expires_in": 1800, "token_type": "Bearer"}


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def warnings():
    return []


def make_client(sleeps, warnings, **kwargs):
    kwargs.setdefault("username", "admin")
    kwargs.setdefault("password", "secretpw")
    kwargs.setdefault("domain", "tenant.example.com")
    return Client(PBX, sleep=sleeps.append, warn=warnings.append, **kwargs)


def form(call):
    return {key: values[0] for key, values in parse_qs(call.request.body).items()}


def calls_to(mocked, method, path):
    return [call for call in mocked.calls if call.request.method == method and call.request.url.split("?")[0] == API + path]


@pytest.mark.parametrize("url", [PBX, PBX + "/", PBX + "/api", PBX + "/api/"])
def test_api_root_takes_the_address_with_or_without_api(url):
    assert api_root(url) == API


class TestLogin:
    def test_password_grant_then_bearer(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        client = make_client(sleeps, warnings)
        assert client.get("/ivrs/abc") == {"id": "abc"}
        assert form(mocked.calls[0]) == {"grant_type": "password", "username": "admin", "password": "secretpw",
                                         "scope": "all", "client_id": CLIENT_ID, "domain": "tenant.example.com"}
        assert mocked.calls[1].request.headers["Authorization"] == "Bearer at-1"

    def test_system_admin_sends_no_domain(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs", json={"count": 0, "items": []})
        make_client(sleeps, warnings, domain=None).get("/ivrs")
        assert "domain" not in form(mocked.calls[0])

    def test_logs_in_once_per_run(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        client = make_client(sleeps, warnings)
        client.get("/ivrs/abc")
        client.get("/ivrs/abc")
        assert len(calls_to(mocked, "POST", "/login/oauth/token")) == 1

    def test_falls_back_to_sign_in_when_the_oauth_endpoint_is_missing(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", status=404, json={"errors": [{"code": "UNKNOWN", "message": "not found"}]})
        mocked.post(API + "/auth/sign_in", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        make_client(sleeps, warnings).get("/ivrs/abc")
        assert mocked.calls[1].request.headers["Content-Type"] == "application/json"
        assert b'"domain": "tenant.example.com"' in mocked.calls[1].request.body
        assert mocked.calls[2].request.headers["Authorization"] == "Bearer at-1"

    def test_two_factor_account_is_a_clear_error(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", status=404)
        mocked.post(API + "/auth/sign_in", json={"two_factor_enabled": True, "token": "session"})
        with pytest.raises(PortsipError, match="two-factor authentication"):
            make_client(sleeps, warnings).get("/ivrs")
        assert not calls_to(mocked, "GET", "/ivrs")

    def test_refused_login_names_the_options_to_check(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", status=400,
                    json={"errors": [{"code": "UNAUTHORIZED", "message": "invalid username or password"}]})
        with pytest.raises(PortsipError) as caught:
            make_client(sleeps, warnings).get("/ivrs")
        message = str(caught.value)
        assert "UNAUTHORIZED invalid username or password" in message
        assert "pbx_username, pbx_password and pbx_domain" in caught.value.hint
        assert "secretpw" not in message

    def test_access_token_skips_login(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        Client(PBX, access_token="static").get("/ivrs/abc")
        assert len(mocked.calls) == 1
        assert mocked.calls[0].request.headers["Authorization"] == "Bearer static"

    def test_no_credentials(self, sleeps, warnings):
        with pytest.raises(PortsipError, match="no credentials"):
            Client(PBX).get("/ivrs")


class TestUnauthorizedMidRun:
    def test_refreshes_once_and_repeats_the_request(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", status=401, json={"errors": [{"code": "UNAUTHORIZED", "message": "token expired"}]})
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        client = make_client(sleeps, warnings)
        mocked.post(API + "/login/oauth/token", json=dict(TOKEN_ANSWER, access_token="at-2"))
        assert client.get("/ivrs/abc") == {"id": "abc"}
        token_calls = calls_to(mocked, "POST", "/login/oauth/token")
        assert form(token_calls[1]) == {"grant_type": "refresh_token", "refresh_token": "rt-1", "client_id": CLIENT_ID}
        assert mocked.calls[-1].request.headers["Authorization"] == "Bearer at-2"

    def test_sign_in_tokens_refresh_through_their_own_endpoint(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", status=404)
        mocked.post(API + "/auth/sign_in", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", status=401)
        mocked.post(API + "/auth/refresh_token", json=dict(TOKEN_ANSWER, access_token="at-2"))
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        assert make_client(sleeps, warnings).get("/ivrs/abc") == {"id": "abc"}
        assert calls_to(mocked, "POST", "/auth/refresh_token")[0].request.body == b'{"refresh_token": "rt-1"}'

    def test_logs_in_again_when_refresh_fails(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.post(API + "/login/oauth/token", status=400, json={"errors": [{"code": "UNAUTHORIZED", "message": "bad refresh"}]})
        mocked.post(API + "/login/oauth/token", json=dict(TOKEN_ANSWER, access_token="at-3"))
        mocked.get(API + "/ivrs/abc", status=401)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        assert make_client(sleeps, warnings).get("/ivrs/abc") == {"id": "abc"}
        grants = [form(call)["grant_type"] for call in calls_to(mocked, "POST", "/login/oauth/token")]
        assert grants == ["password", "refresh_token", "password"]
        assert mocked.calls[-1].request.headers["Authorization"] == "Bearer at-3"

    def test_gives_up_after_refresh_and_one_new_login(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", status=401, json={"errors": [{"code": "UNAUTHORIZED", "message": "no access"}]})
        with pytest.raises(PortsipError) as caught:
            make_client(sleeps, warnings).get("/ivrs/abc")
        assert caught.value.status == 401
        assert len(calls_to(mocked, "GET", "/ivrs/abc")) == 3
        grants = [form(call)["grant_type"] for call in calls_to(mocked, "POST", "/login/oauth/token")]
        assert grants == ["password", "refresh_token", "password"]

    def test_a_refused_access_token_without_credentials_fails_at_once(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", status=401, json={"errors": [{"code": "UNAUTHORIZED", "message": "invalid token"}]})
        with pytest.raises(PortsipError) as caught:
            Client(PBX, access_token="stale").get("/ivrs/abc")
        assert caught.value.status == 401
        assert len(mocked.calls) == 1


class TestRetries:
    @pytest.mark.parametrize("status", [429, 502, 503, 504])
    def test_reads_retry_transient_statuses(self, mocked, sleeps, warnings, status):
        mocked.get(API + "/ivrs/abc", status=status)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        assert make_client(sleeps, warnings, access_token="t").get("/ivrs/abc") == {"id": "abc"}
        assert len(sleeps) == 1 and 0 <= sleeps[0] <= client_module.BACKOFF_CAP_SECONDS
        assert "HTTP %d, retrying" % status in warnings[0]

    def test_reads_retry_dropped_connections(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", body=requests.ConnectionError("Connection aborted"))
        mocked.get(API + "/ivrs/abc", body=requests.exceptions.ReadTimeout("read timed out"))
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        assert make_client(sleeps, warnings, access_token="t").get("/ivrs/abc") == {"id": "abc"}
        assert len(sleeps) == 2
        assert "no answer (ConnectionError)" in warnings[0]

    def test_backoff_grows_and_is_bounded(self, monkeypatch):
        monkeypatch.setattr(client_module.random, "uniform", lambda low, high: high)
        assert [client_module.backoff_seconds(attempt) for attempt in (1, 2, 3, 10)] == [1.0, 2.0, 4.0, 8.0]

    def test_retry_after_seconds_is_honoured(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", status=429, headers={"Retry-After": "7"})
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")
        assert sleeps == [7.0]

    def test_retry_after_http_date_is_honoured_and_capped(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", status=503, headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"})
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")
        assert sleeps == [client_module.RETRY_AFTER_CAP_SECONDS]

    def test_gives_up_after_the_bounded_count_with_the_server_message(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", status=503, json={"errors": [{"code": "UNKNOWN", "message": "busy"}]})
        with pytest.raises(PortsipError) as caught:
            make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")
        assert caught.value.status == 503
        assert "busy" in str(caught.value)
        assert len(mocked.calls) == MAX_ATTEMPTS
        assert len(sleeps) == MAX_ATTEMPTS - 1

    def test_gives_up_on_a_server_that_never_answers(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", body=requests.ConnectionError("refused"))
        with pytest.raises(PortsipError, match="after 4 attempts"):
            make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")

    def test_internal_error_is_not_retried_and_not_absent(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc/action_urls", status=500, json={"errors": [{"code": "UNKNOWN", "message": "db down"}]})
        with pytest.raises(PortsipError) as caught:
            make_client(sleeps, warnings, access_token="t").get("/ivrs/abc/action_urls")
        assert caught.value.status == 500
        assert len(mocked.calls) == 1

    @pytest.mark.parametrize("write", ["update", "destroy"])
    def test_updates_and_destroys_retry(self, mocked, sleeps, warnings, write):
        path = "/ivrs/abc/action_urls/u1" + ("/destroy" if write == "destroy" else "")
        mocked.post(API + path, body=requests.ConnectionError("reset"))
        mocked.post(API + path, status=502)
        mocked.post(API + path, status=204 if write == "destroy" else 200)
        client = make_client(sleeps, warnings, access_token="t")
        if write == "update":
            client.update("/ivrs/abc/action_urls/u1", {"name": "x"})
        else:
            client.destroy("/ivrs/abc/action_urls/u1")
        assert len(mocked.calls) == 3

    def test_tls_errors_are_not_retried(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs", body=requests.exceptions.SSLError("certificate verify failed"))
        with pytest.raises(PortsipError, match="pbx_ca_path"):
            make_client(sleeps, warnings, access_token="t").get("/ivrs")
        assert len(mocked.calls) == 1


class TestCreate:
    def test_plain_create_returns_the_new_id(self, mocked, sleeps, warnings):
        mocked.post(API + "/ivrs/abc/action_urls", status=201, json={"id": "new"})
        client = make_client(sleeps, warnings, access_token="t")
        assert client.create("/ivrs/abc/action_urls", {"name": "x"}, lambda: pytest.fail("looked although the answer was clear")) == "new"

    @pytest.mark.parametrize("failure", [dict(body=requests.ConnectionError("reset")), dict(status=502), dict(status=500)])
    def test_a_lost_answer_is_checked_before_sending_again(self, mocked, sleeps, warnings, failure):
        mocked.post(API + "/ivrs/abc/action_urls", **failure)
        client = make_client(sleeps, warnings, access_token="t")
        assert client.create("/ivrs/abc/action_urls", {"name": "x"}, lambda: "committed") == "committed"
        assert len(mocked.calls) == 1

    def test_creates_again_only_when_the_object_is_really_absent(self, mocked, sleeps, warnings):
        mocked.post(API + "/ivrs/abc/action_urls", status=503)
        mocked.post(API + "/ivrs/abc/action_urls", status=201, json={"id": "new"})
        looks = []
        client = make_client(sleeps, warnings, access_token="t")
        assert client.create("/ivrs/abc/action_urls", {"name": "x"}, lambda: looks.append(1)) == "new"
        assert len(looks) == 1
        assert len(mocked.calls) == 2
        assert "it was not created, creating again" in warnings[0]

    def test_rate_limited_create_waits_and_sends_again(self, mocked, sleeps, warnings):
        mocked.post(API + "/ivrs/abc/action_urls", status=429, headers={"Retry-After": "2"})
        mocked.post(API + "/ivrs/abc/action_urls", status=201, json={"id": "new"})
        client = make_client(sleeps, warnings, access_token="t")
        assert client.create("/ivrs/abc/action_urls", {"name": "x"}, lambda: pytest.fail("429 is not ambiguous")) == "new"
        assert sleeps == [2.0]

    def test_ambiguity_that_never_clears_is_reported(self, mocked, sleeps, warnings):
        mocked.post(API + "/ivrs/abc/action_urls", body=requests.ConnectionError("reset"))
        client = make_client(sleeps, warnings, access_token="t")
        with pytest.raises(AmbiguousWriteError, match="may or may not have been created"):
            client.create("/ivrs/abc/action_urls", {"name": "x"}, lambda: None)
        assert len(mocked.calls) == MAX_ATTEMPTS

    def test_validation_errors_are_final(self, mocked, sleeps, warnings):
        mocked.post(API + "/ivrs/abc/action_urls", status=400,
                    json={"errors": [{"code": "VALIDATE_FAILED", "message": "url: too long"}]})
        with pytest.raises(PortsipError, match="VALIDATE_FAILED url: too long"):
            make_client(sleeps, warnings, access_token="t").create("/ivrs/abc/action_urls", {"name": "x"}, lambda: None)
        assert len(mocked.calls) == 1


class TestErrorShapes:
    @pytest.mark.parametrize("answer, expected", [
        (dict(json={"errors": [{"code": "VALIDATE_FAILED", "message": "name: too long", "detail": {"field": "name"}}]}),
         "HTTP 400: VALIDATE_FAILED name: too long ({'field': 'name'})"),
        (dict(json={"errors": [{"code": "VALIDATE_FAILED", "message": "a"}, {"code": "NEW_CODE", "message": "b"}]}),
         "HTTP 400: VALIDATE_FAILED a; NEW_CODE b"),
        (dict(json={"errors": [{"message": "no code"}]}), "HTTP 400: no code"),
        (dict(json={"errors": ["plain string"]}), "HTTP 400: plain string"),
        (dict(json={"message": "not the documented shape"}), "HTTP 400: {'message': 'not the documented shape'}"),
        (dict(json={"errors": []}), "HTTP 400: {'errors': []}"),
        (dict(body="<html><body>Bad Gateway Proxy</body></html>"), "HTTP 400: <html><body>Bad Gateway Proxy</body></html>"),
        (dict(body=""), "HTTP 400: Bad Request"),
    ])
    def test_every_error_body_becomes_a_readable_message(self, mocked, sleeps, warnings, answer, expected):
        mocked.get(API + "/ivrs/abc", status=400, **answer)
        with pytest.raises(PortsipError) as caught:
            make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")
        assert str(caught.value) == "GET /ivrs/abc: " + expected
        assert caught.value.status == 400

    def test_a_success_that_is_not_json_is_an_error(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", body="<html>login page</html>")
        with pytest.raises(PortsipError, match="not JSON"):
            make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")

    def test_errors_carry_no_credentials(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", status=403, json={"errors": [{"code": "UNAUTHORIZED", "message": "forbidden"}]})
        with pytest.raises(PortsipError) as caught:
            make_client(sleeps, warnings).get("/ivrs/abc")
        dump = repr(caught.value.to_result()) + str(caught.value)
        for secret in ("secretpw", "at-1", "rt-1"):
            assert secret not in dump


class TestPaging:
    def _page_server(self, mocked, total, cap=100, first=0):
        ivrs = [{"id": "ivr%03d" % n, "name": "IVR %d" % n, "extension_number": str(8000 + n)} for n in range(total)]

        def answer(request):
            query = {key: values[0] for key, values in parse_qs(request.url.split("?", 1)[1]).items()}
            start = max(int(query["skip"]) - first, 0)
            page = ivrs[start:start + min(int(query["top"]), cap)]
            return 200, {}, json.dumps({"count": total, "items": page})

        mocked.add_callback(responses.GET, API + "/ivrs", callback=answer)
        return ivrs

    def test_follows_pages_until_count(self, mocked, sleeps, warnings):
        ivrs = self._page_server(mocked, 250)
        assert make_client(sleeps, warnings, access_token="t").list_all("/ivrs") == ivrs
        assert [parse_qs(call.request.url.split("?")[1])["skip"][0] for call in mocked.calls] == ["0", "100", "200"]

    def test_a_server_that_caps_the_page_size(self, mocked, sleeps, warnings):
        ivrs = self._page_server(mocked, 95, cap=40)
        assert make_client(sleeps, warnings, access_token="t").list_all("/ivrs") == ivrs
        assert len(mocked.calls) == 3

    def test_a_server_whose_skip_counts_from_one(self, mocked, sleeps, warnings):
        ivrs = self._page_server(mocked, 150, first=1)
        assert make_client(sleeps, warnings, access_token="t").list_all("/ivrs") == ivrs

    def test_keeps_the_filter_on_every_page(self, mocked, sleeps, warnings):
        self._page_server(mocked, 120)
        make_client(sleeps, warnings, access_token="t").list_all("/ivrs", params={"filter": "name eq 'x'"})
        assert all(parse_qs(call.request.url.split("?")[1])["filter"] == ["name eq 'x'"] for call in mocked.calls)

    def test_fails_loudly_past_the_bound(self, mocked, sleeps, warnings, monkeypatch):
        monkeypatch.setattr(client_module, "MAX_PAGES", 2)
        self._page_server(mocked, 250)
        with pytest.raises(PortsipError, match="refusing to return a partial list"):
            make_client(sleeps, warnings, access_token="t").list_all("/ivrs")

    def test_fails_when_the_server_stops_short_of_its_count(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs", json={"count": 5, "items": [{"id": "a"}]})
        with pytest.raises(PortsipError, match="paging stopped after 1 of 5 items"):
            make_client(sleeps, warnings, access_token="t").list_all("/ivrs")


class TestSession:
    def test_one_session_per_client_with_keep_alive(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        client = make_client(sleeps, warnings, access_token="t")
        assert isinstance(client.session, requests.Session)
        client.get("/ivrs/abc")
        assert mocked.calls[0].request.headers.get("Connection", "keep-alive") == "keep-alive"

    @pytest.mark.parametrize("options, verify", [
        (dict(), "/env/bundle.pem"),
        (dict(validate_certs=False), False),
        (dict(ca_path="/etc/pbx-ca.pem"), "/etc/pbx-ca.pem"),
        (dict(validate_certs=False, ca_path="/etc/pbx-ca.pem"), False),
    ])
    def test_certificate_verification_with_a_ca_bundle_in_the_environment(self, mocked, sleeps, warnings, monkeypatch,
                                                                          options, verify):
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/env/bundle.pem")
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        make_client(sleeps, warnings, access_token="t", **options).get("/ivrs/abc")
        assert mocked.calls[0].request.req_kwargs["verify"] == verify


class TestThreads:
    """Reads of several IVRs share one client from several threads."""

    @staticmethod
    def slow_login(request):
        time.sleep(0.05)  # long enough for every thread to wait on the one login
        return 200, {}, json.dumps(TOKEN_ANSWER)

    def test_threads_share_one_login(self, mocked, sleeps, warnings):
        mocked.add_callback("POST", API + "/login/oauth/token", callback=self.slow_login)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        client = make_client(sleeps, warnings)
        with ThreadPoolExecutor(max_workers=4) as pool:
            assert list(pool.map(lambda _n: client.get("/ivrs/abc"), range(8))) == [{"id": "abc"}] * 8
        assert len(calls_to(mocked, "POST", "/login/oauth/token")) == 1

    def test_a_token_refused_in_several_threads_is_renewed_once(self, mocked, sleeps, warnings):
        barrier = threading.Barrier(4, timeout=5)

        def ivr(request):
            if request.headers["Authorization"] == "Bearer stale":
                barrier.wait()  # every thread has sent the stale token before any renews it
                return 401, {}, json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": "expired"}]})
            return 200, {}, json.dumps({"id": "abc"})

        mocked.add_callback("POST", API + "/login/oauth/token", callback=self.slow_login)
        mocked.add_callback("GET", API + "/ivrs/abc", callback=ivr)
        client = make_client(sleeps, warnings, access_token="stale")
        with ThreadPoolExecutor(max_workers=4) as pool:
            assert list(pool.map(lambda _n: client.get("/ivrs/abc"), range(4))) == [{"id": "abc"}] * 4
        assert len(calls_to(mocked, "POST", "/login/oauth/token")) == 1
        assert [call.request.headers["Authorization"] for call in calls_to(mocked, "GET", "/ivrs/abc")][4:] == ["Bearer at-1"] * 4

    def test_each_thread_has_its_own_session(self, sleeps, warnings):
        client = make_client(sleeps, warnings, access_token="t")
        with ThreadPoolExecutor(max_workers=2) as pool:
            sessions = list(pool.map(lambda _n: (threading.get_ident(), client.session), range(6)))
        by_thread = {}
        for ident, session in sessions:
            assert by_thread.setdefault(ident, session) is session
        assert len({id(session) for session in by_thread.values()}) == len(by_thread)
        assert client.session is client.session
