# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTP client against mocked HTTP answers: login, retries, errors, paging."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib.util
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError

from ansible_collections.portsip.pbx.plugins.module_utils import paging, retry, transport
from ansible_collections.portsip.pbx.plugins.module_utils.auth import CLIENT_ID
from ansible_collections.portsip.pbx.plugins.module_utils.client import Client
from ansible_collections.portsip.pbx.plugins.module_utils.errors import AmbiguousWriteError, RequestError
from ansible_collections.portsip.pbx.plugins.module_utils.module import message as user_message
from ansible_collections.portsip.pbx.plugins.module_utils.redaction import Redactor
from ansible_collections.portsip.pbx.plugins.module_utils.retry import MAX_ATTEMPTS
from ansible_collections.portsip.pbx.plugins.module_utils.transport import api_root

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
    kwargs.setdefault("timeout_name", "pbx_timeout")
    return Client(PBX, sleep=sleeps.append, warn=warnings.append, **kwargs)


def form(call):
    return {key: values[0] for key, values in parse_qs(call.request.body).items()}


def calls_to(mocked, method, path):
    return [call for call in mocked.calls if call.request.method == method and call.request.url.split("?")[0] == API + path]


@pytest.mark.parametrize("url", [PBX, PBX + "/", PBX + "/api", PBX + "/api/"])
def test_api_root_takes_the_address_with_or_without_api(url):
    assert api_root(url) == API


def test_without_requests_the_client_still_imports_and_says_why(monkeypatch):
    monkeypatch.setitem(sys.modules, "requests", None)
    spec = importlib.util.spec_from_file_location("client_without_requests", transport.__file__)
    without = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(without)
    assert without.HAS_REQUESTS is False and "requests" in without.REQUESTS_IMPORT_ERROR


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

    @pytest.mark.parametrize("status", [404, 405])
    def test_falls_back_to_sign_in_when_the_oauth_endpoint_is_missing(self, mocked, sleeps, warnings, status):
        mocked.post(API + "/login/oauth/token", status=status, json={"errors": [{"code": "UNKNOWN", "message": "not here"}]})
        mocked.post(API + "/auth/sign_in", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        make_client(sleeps, warnings).get("/ivrs/abc")
        assert mocked.calls[1].request.headers["Content-Type"] == "application/json"
        assert b'"domain": "tenant.example.com"' in mocked.calls[1].request.body
        assert mocked.calls[2].request.headers["Authorization"] == "Bearer at-1"

    def test_two_factor_account_is_a_clear_error(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", status=404)
        mocked.post(API + "/auth/sign_in", json={"two_factor_enabled": True, "token": "session"})
        with pytest.raises(RequestError, match="two-factor authentication"):
            make_client(sleeps, warnings).get("/ivrs")
        assert not calls_to(mocked, "GET", "/ivrs")

    def test_two_factor_account_on_the_oauth_endpoint_is_the_same_clear_error(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", status=400,
                    json={"errors": [{"code": "UNAUTHORIZED", "message": "two-factor authentication is enabled for this account"}]})
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings).get("/ivrs")
        assert "use an automation account without 2FA or pass pbx_access_token" in user_message(caught.value)
        assert caught.value.kind == "two_factor"

    @pytest.mark.parametrize("status", [400, 403, 500])
    def test_no_sign_in_fallback_for_other_failures(self, mocked, sleeps, warnings, status):
        mocked.post(API + "/login/oauth/token", status=status, json={"errors": [{"code": "UNKNOWN", "message": "no"}]})
        with pytest.raises(RequestError):
            make_client(sleeps, warnings).get("/ivrs")
        assert not calls_to(mocked, "POST", "/auth/sign_in")

    @pytest.mark.parametrize("status", [429, 502, 503, 504])
    def test_logins_retry_transient_statuses(self, mocked, sleeps, warnings, status):
        mocked.post(API + "/login/oauth/token", status=status)
        mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        assert make_client(sleeps, warnings).get("/ivrs/abc") == {"id": "abc"}
        assert len(calls_to(mocked, "POST", "/login/oauth/token")) == 2
        assert len(sleeps) == 1 and "POST /login/oauth/token: HTTP %d, retrying" % status in warnings[0]

    def test_logins_retry_dropped_connections_a_bounded_number_of_times(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", body=requests.ConnectionError("refused"))
        with pytest.raises(RequestError, match="after 4 attempts"):
            make_client(sleeps, warnings).get("/ivrs")
        assert len(calls_to(mocked, "POST", "/login/oauth/token")) == MAX_ATTEMPTS

    @pytest.mark.parametrize("status", [400, 401, 403])
    def test_refused_login_names_the_options_to_check(self, mocked, sleeps, warnings, status):
        mocked.post(API + "/login/oauth/token", status=status,
                    json={"errors": [{"code": "UNAUTHORIZED", "message": "invalid username or password"}]})
        with pytest.raises(RequestError) as caught:
            within_seconds(5, make_client(sleeps, warnings).get, "/ivrs")
        message = str(caught.value)
        assert "login refused: UNAUTHORIZED invalid username or password" in message
        assert caught.value.kind == "login_refused"
        assert "pbx_username, pbx_password and pbx_domain" in user_message(caught.value)
        assert "secretpw" not in message

    def test_access_token_skips_login(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        Client(PBX, access_token="static").get("/ivrs/abc")
        assert len(mocked.calls) == 1
        assert mocked.calls[0].request.headers["Authorization"] == "Bearer static"

    @pytest.mark.parametrize("credentials", [dict(), dict(username="admin"), dict(password="secretpw")])
    def test_no_credentials(self, sleeps, warnings, credentials):
        with pytest.raises(RequestError, match="no credentials"):
            Client(PBX, **credentials).get("/ivrs")

    @pytest.mark.parametrize("oauth_status", [None, 404])
    def test_log_in_returns_the_token_answer_and_uses_its_token(self, mocked, sleeps, warnings, oauth_status):
        if oauth_status:
            mocked.post(API + "/login/oauth/token", status=oauth_status)
            mocked.post(API + "/auth/sign_in", json=TOKEN_ANSWER)
        else:
            mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        client = make_client(sleeps, warnings, access_token="given")
        assert client.log_in() == TOKEN_ANSWER
        client.get("/ivrs/abc")
        assert mocked.calls[-1].request.headers["Authorization"] == "Bearer at-1"


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
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings).get("/ivrs/abc")
        assert caught.value.status == 401
        assert len(calls_to(mocked, "GET", "/ivrs/abc")) == 3
        grants = [form(call)["grant_type"] for call in calls_to(mocked, "POST", "/login/oauth/token")]
        assert grants == ["password", "refresh_token", "password"]

    def test_a_refresh_answered_401_falls_back_to_a_login(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.post(API + "/login/oauth/token", status=401)
        mocked.post(API + "/login/oauth/token", json=dict(TOKEN_ANSWER, access_token="at-2"))
        mocked.get(API + "/ivrs/abc", status=401)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        assert within_seconds(5, make_client(sleeps, warnings).get, "/ivrs/abc") == {"id": "abc"}
        grants = [form(call)["grant_type"] for call in calls_to(mocked, "POST", "/login/oauth/token")]
        assert grants == ["password", "refresh_token", "password"]

    def test_without_a_refresh_token_a_refused_token_gets_one_new_login(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", json={"access_token": "at-1"})
        mocked.get(API + "/ivrs/abc", status=401)
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings).get("/ivrs/abc")
        assert caught.value.status == 401
        assert len(calls_to(mocked, "GET", "/ivrs/abc")) == 2
        assert [form(call)["grant_type"] for call in calls_to(mocked, "POST", "/login/oauth/token")] == ["password", "password"]

    def test_a_refused_access_token_without_credentials_fails_at_once(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", status=401, json={"errors": [{"code": "UNAUTHORIZED", "message": "invalid token"}]})
        with pytest.raises(RequestError) as caught:
            Client(PBX, access_token="stale").get("/ivrs/abc")
        assert caught.value.status == 401
        assert len(mocked.calls) == 1


def read_after_retry_after(mocked, sleeps, warnings, status, retry_after):
    """A read answered ``status`` with ``retry_after`` in a Retry-After header, then answered; returns what it read."""
    mocked.get(API + "/ivrs/abc", status=status, headers={"Retry-After": retry_after})
    mocked.get(API + "/ivrs/abc", json={"id": "abc"})
    return make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")


def within_seconds(seconds, call, *args):
    """``call(*args)``, failing the test instead of hanging it if it has not returned in ``seconds``."""
    outcome = {}

    def target():
        try:
            outcome["value"] = call(*args)
        except RequestError as error:
            outcome["error"] = error
    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "still waiting after %d s: a deadlock" % seconds
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class TestRetries:
    @pytest.mark.parametrize("status", [429, 502, 503, 504])
    def test_reads_retry_transient_statuses(self, mocked, sleeps, warnings, status):
        mocked.get(API + "/ivrs/abc", status=status)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        assert make_client(sleeps, warnings, access_token="t").get("/ivrs/abc") == {"id": "abc"}
        assert len(sleeps) == 1 and 0 <= sleeps[0] <= retry.BACKOFF_CAP_SECONDS
        assert "HTTP %d, retrying" % status in warnings[0]

    def test_reads_retry_dropped_connections(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", body=requests.ConnectionError("Connection aborted"))
        mocked.get(API + "/ivrs/abc", body=requests.exceptions.ReadTimeout("read timed out"))
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        assert make_client(sleeps, warnings, access_token="t").get("/ivrs/abc") == {"id": "abc"}
        assert len(sleeps) == 2
        assert "no answer from https://pbx.example.com:8887/api (ConnectionError)" in warnings[0]

    def test_backoff_grows_and_is_bounded(self, monkeypatch):
        monkeypatch.setattr(retry.random, "uniform", lambda low, high: high)
        assert [retry.backoff_seconds(attempt) for attempt in (1, 2, 3, 10)] == [1.0, 2.0, 4.0, 8.0]

    def test_backoff_is_full_jitter_from_zero(self, monkeypatch):
        monkeypatch.setattr(retry.random, "uniform", lambda low, high: low)
        assert [retry.backoff_seconds(attempt) for attempt in (1, 2, 3)] == [0, 0, 0]

    @pytest.mark.parametrize("pick, expected", [(min, 7.0), (max, 8.0)])
    def test_retry_after_gets_up_to_one_second_of_jitter(self, mocked, sleeps, warnings, monkeypatch, pick, expected):
        monkeypatch.setattr(retry.random, "uniform", pick)
        read_after_retry_after(mocked, sleeps, warnings, 429, "7")
        assert sleeps == [expected]

    def test_a_retry_after_is_waited_for_at_most_60_seconds(self, mocked, sleeps, warnings, monkeypatch):
        monkeypatch.setattr(retry.random, "uniform", lambda low, high: low)
        read_after_retry_after(mocked, sleeps, warnings, 503, "3600")
        assert sleeps == [60.0]

    def test_retry_after_seconds_is_honoured(self, mocked, sleeps, warnings):
        read_after_retry_after(mocked, sleeps, warnings, 429, "7")
        assert len(sleeps) == 1 and 7.0 <= sleeps[0] <= 7.0 + retry.RETRY_AFTER_JITTER_SECONDS

    def test_retry_after_http_date_is_honoured_and_capped(self, mocked, sleeps, warnings):
        read_after_retry_after(mocked, sleeps, warnings, 503, "Wed, 21 Oct 2099 07:28:00 GMT")
        cap = retry.RETRY_AFTER_CAP_SECONDS
        assert len(sleeps) == 1 and cap <= sleeps[0] <= cap + retry.RETRY_AFTER_JITTER_SECONDS

    @pytest.mark.parametrize("value", ["soon", "nan", "inf", "-inf", "1e400", "Wed, 99 Foo 2099"])
    def test_a_retry_after_that_is_no_finite_time_falls_back_to_backoff(self, mocked, sleeps, warnings, value):
        assert read_after_retry_after(mocked, sleeps, warnings, 503, value) == {"id": "abc"}
        assert len(sleeps) == 1 and 0 <= sleeps[0] <= retry.BACKOFF_CAP_SECONDS

    def test_a_truncated_answer_to_a_read_is_retried(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", body=requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead"))
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        assert make_client(sleeps, warnings, access_token="t").get("/ivrs/abc") == {"id": "abc"}
        assert "no answer from https://pbx.example.com:8887/api (ChunkedEncodingError)" in warnings[0]

    def test_other_request_failures_are_clean_errors(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", body=requests.exceptions.ContentDecodingError("bad gzip"))
        with pytest.raises(RequestError, match="the request failed: bad gzip"):
            make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")

    def test_retry_after_http_date_counts_from_now(self, mocked, sleeps, warnings, monkeypatch):
        monkeypatch.setattr(retry.time, "time", lambda: 4102444800.0)  # 2100-01-01 00:00:00 UTC
        read_after_retry_after(mocked, sleeps, warnings, 503, "Fri, 01 Jan 2100 00:00:05 GMT")
        assert len(sleeps) == 1 and 5.0 <= sleeps[0] <= 5.0 + retry.RETRY_AFTER_JITTER_SECONDS

    def test_a_retry_after_date_already_past_retries_at_once(self, mocked, sleeps, warnings, monkeypatch):
        monkeypatch.setattr(retry.time, "time", lambda: 4102444800.0)  # 2100-01-01 00:00:00 UTC
        monkeypatch.setattr(retry.random, "uniform", lambda low, high: low)
        read_after_retry_after(mocked, sleeps, warnings, 503, "Thu, 31 Dec 2099 23:59:55 GMT")
        assert sleeps == [0.0]

    def test_each_retry_warning_counts_the_attempt_it_announces(self, mocked, sleeps, warnings):
        for _attempt in range(MAX_ATTEMPTS - 1):
            mocked.get(API + "/ivrs/abc", status=503)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")
        assert [warning.rsplit(" (", 1)[1] for warning in warnings] == ["attempt 2 of 4)", "attempt 3 of 4)", "attempt 4 of 4)"]

    def test_gives_up_after_the_bounded_count_with_the_server_message(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", status=503, json={"errors": [{"code": "UNKNOWN", "message": "busy"}]})
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")
        assert caught.value.status == 503
        assert "busy" in str(caught.value)
        assert len(mocked.calls) == MAX_ATTEMPTS
        assert len(sleeps) == MAX_ATTEMPTS - 1

    def test_gives_up_on_a_server_that_never_answers(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", body=requests.ConnectionError("refused"))
        with pytest.raises(RequestError, match="after 4 attempts"):
            make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")

    def test_internal_error_is_not_retried_and_not_absent(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc/action_urls", status=500, json={"errors": [{"code": "UNKNOWN", "message": "db down"}]})
        with pytest.raises(RequestError) as caught:
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
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings, access_token="t").get("/ivrs")
        assert "pbx_ca_path" in user_message(caught.value)
        assert len(mocked.calls) == 1
        assert "TLS failed (certificate verify failed); " in user_message(caught.value)


def refused_connection():
    """What requests raises when nothing listens: the request never left the client."""
    return requests.ConnectionError(MaxRetryError(None, API, NewConnectionError(None, "Connection refused")))


class Lookups:
    """A find_created() that answers from a script and counts its calls."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.answers.pop(0) if self.answers else None


class TestCreate:
    def test_plain_create_returns_the_new_id(self, mocked, sleeps, warnings):
        mocked.post(API + "/ivrs/abc/action_urls", status=201, json={"id": "new"})
        client = make_client(sleeps, warnings, access_token="t")
        assert client.create("/ivrs/abc/action_urls", {"name": "x"}, lambda: pytest.fail("looked although the answer was clear")) == "new"

    @pytest.mark.parametrize("failure", [
        dict(body=requests.ConnectionError("Connection aborted")),
        dict(body=requests.exceptions.ReadTimeout("read timed out")),
        dict(body=requests.exceptions.ChunkedEncodingError("IncompleteRead")),
        dict(status=500), dict(status=502), dict(status=503), dict(status=504),
    ])
    def test_a_lost_answer_is_looked_for_before_anything_else(self, mocked, sleeps, warnings, failure):
        mocked.post(API + "/ivrs/abc/action_urls", **failure)
        client = make_client(sleeps, warnings, access_token="t")
        assert client.create("/ivrs/abc/action_urls", {"name": "x"}, Lookups("committed")) == "committed"
        assert len(mocked.calls) == 1 and sleeps == []
        assert "was created after all, so the create is not sent again" in warnings[-1]

    def test_a_server_error_on_create_says_what_the_pbx_said(self, mocked, sleeps, warnings):
        mocked.post(API + "/ivrs/abc/action_urls", status=500, json={"errors": [{"code": "UNKNOWN", "message": "db down"}]})
        client = make_client(sleeps, warnings, access_token="t", timeout=10)
        client.create("/ivrs/abc/action_urls", {"name": "x"}, Lookups("committed"))
        assert warnings[0].startswith("POST /ivrs/abc/action_urls: HTTP 500: UNKNOWN db down; the object may or may not "
                                      "have been created; looking for it")

    def test_a_late_commit_is_awaited_and_never_duplicated(self, mocked, sleeps, warnings):
        mocked.post(API + "/ivrs/abc/action_urls", body=requests.exceptions.ReadTimeout("read timed out"))
        lookups = Lookups(None, None, "late")
        client = make_client(sleeps, warnings, access_token="t", timeout=10)
        assert client.create("/ivrs/abc/action_urls", {"name": "x"}, lookups) == "late"
        assert len(mocked.calls) == 1
        assert lookups.calls == 3 and sleeps == [1.0, 2.0]
        assert warnings[0] == ("POST /ivrs/abc/action_urls: no answer from https://pbx.example.com:8887/api (ReadTimeout); the object "
                               "may or may not have been created; looking for it for up to 10 s (pbx_timeout) instead of sending it again")

    @pytest.mark.parametrize("failure", [dict(body=requests.exceptions.ReadTimeout("read timed out")), dict(status=504)])
    def test_a_create_that_may_still_commit_is_never_sent_again(self, mocked, sleeps, warnings, failure):
        mocked.post(API + "/ivrs/abc/action_urls", **failure)
        mocked.post(API + "/ivrs/abc/action_urls", status=201, json={"id": "duplicate"})
        lookups = Lookups()
        client = make_client(sleeps, warnings, access_token="t", timeout=5)
        with pytest.raises(AmbiguousWriteError) as caught:
            client.create("/ivrs/abc/action_urls", {"name": "x"}, lookups)
        assert len(mocked.calls) == 1
        assert sum(sleeps) == 5 and lookups.calls == len(sleeps) + 1
        message = str(caught.value)
        assert "did not appear within 5 s (pbx_timeout)" in message and "run the task again" in message

    def test_the_grace_window_starts_after_retry_after(self, mocked, sleeps, warnings):
        mocked.post(API + "/ivrs/abc/action_urls", status=503, headers={"Retry-After": "3"})
        client = make_client(sleeps, warnings, access_token="t", timeout=10)
        assert client.create("/ivrs/abc/action_urls", {"name": "x"}, Lookups("committed")) == "committed"
        assert sleeps == [3.0]

    @pytest.mark.parametrize("failure", [dict(body=requests.exceptions.ConnectTimeout("connect timed out")),
                                         dict(body=refused_connection())])
    def test_a_create_that_never_left_is_sent_again(self, mocked, sleeps, warnings, failure):
        mocked.post(API + "/ivrs/abc/action_urls", **failure)
        mocked.post(API + "/ivrs/abc/action_urls", status=201, json={"id": "new"})
        client = make_client(sleeps, warnings, access_token="t")
        assert client.create("/ivrs/abc/action_urls", {"name": "x"}, lambda: pytest.fail("nothing to look for")) == "new"
        assert len(mocked.calls) == 2 and len(sleeps) == 1

    def test_rate_limited_create_waits_and_sends_again(self, mocked, sleeps, warnings):
        mocked.post(API + "/ivrs/abc/action_urls", status=429, headers={"Retry-After": "2"})
        mocked.post(API + "/ivrs/abc/action_urls", status=201, json={"id": "new"})
        client = make_client(sleeps, warnings, access_token="t")
        assert client.create("/ivrs/abc/action_urls", {"name": "x"}, lambda: pytest.fail("429 is not ambiguous")) == "new"
        assert len(sleeps) == 1 and 2.0 <= sleeps[0] <= 2.0 + retry.RETRY_AFTER_JITTER_SECONDS

    @pytest.mark.parametrize("answer", [dict(status=201, json={}), dict(status=201), dict(status=200, json=["x"]),
                                        dict(status=201, json={"id": ""}), dict(status=201, json={"id": 7})])
    def test_a_success_without_an_id_is_looked_up(self, mocked, sleeps, warnings, answer):
        mocked.post(API + "/ivrs/abc/action_urls", **answer)
        client = make_client(sleeps, warnings, access_token="t")
        assert client.create("/ivrs/abc/action_urls", {"name": "x"}, Lookups("found")) == "found"
        with pytest.raises(RequestError, match="gave no id, and no such object exists: nothing was created"):
            client.create("/ivrs/abc/action_urls", {"name": "x"}, Lookups())

    @pytest.mark.parametrize("status", [300, 301, 302, 303, 307, 308])
    def test_a_redirected_write_is_not_followed(self, mocked, sleeps, warnings, status):
        mocked.post(API + "/ivrs/abc/action_urls", status=status, headers={"Location": "https://login.example.com/"})
        mocked.get("https://login.example.com/", json={"id": "wrong"})
        client = make_client(sleeps, warnings, access_token="t")
        with pytest.raises(RequestError, match="redirect to https://login.example.com/, which is not followed"):
            client.create("/ivrs/abc/action_urls", {"name": "x"}, lambda: None)
        assert len(mocked.calls) == 1

    def test_validation_errors_are_final(self, mocked, sleeps, warnings):
        mocked.post(API + "/ivrs/abc/action_urls", status=400,
                    json={"errors": [{"code": "VALIDATE_FAILED", "message": "url: too long"}]})
        with pytest.raises(RequestError, match="VALIDATE_FAILED url: too long"):
            make_client(sleeps, warnings, access_token="t").create("/ivrs/abc/action_urls", {"name": "x"}, lambda: None)
        assert len(mocked.calls) == 1


class TestSecretsInServerText:
    TOKEN = "webhooktoken0123456789"
    SECRETS = (TOKEN, "hookpass99")

    def client(self, sleeps, warnings, **kwargs):
        return make_client(sleeps, warnings, access_token="access-token-abcdef", secrets=self.SECRETS, **kwargs)

    def assert_clean(self, *texts):
        known = self.SECRETS + ("access-token-abcdef", "secretpw")
        for text in texts:
            for secret in known:
                for start in range(len(secret) - 7):
                    assert secret[start:start + 8] not in text, (secret, text)

    def test_an_echoing_server_error_shows_no_secret(self, mocked, sleeps, warnings):
        echo = 'Traceback: bad request {"token": "%s", "password": "hookpass99", "auth": "Bearer access-token-abcdef"}' % self.TOKEN
        mocked.post(API + "/ivrs/abc/action_urls", status=500, body=echo)
        with pytest.raises(AmbiguousWriteError) as caught:
            self.client(sleeps, warnings, timeout=1).create("/ivrs/abc/action_urls", {"token": self.TOKEN}, Lookups())
        self.assert_clean(str(caught.value), repr(caught.value.to_result()), *warnings)
        assert "Traceback: bad request" in str(caught.value)

    @pytest.mark.parametrize("padding", range(280, 300))
    def test_a_cut_never_leaves_a_piece_of_a_secret(self, mocked, sleeps, warnings, padding):
        mocked.get(API + "/ivrs/abc", status=400, body="x" * padding + self.TOKEN + " and more")
        with pytest.raises(RequestError) as caught:
            self.client(sleeps, warnings).get("/ivrs/abc")
        self.assert_clean(str(caught.value))

    def test_secrets_in_json_errors_and_partial_echoes(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", status=400, json={"errors": [
            {"code": "VALIDATE_FAILED", "message": "token %s... is invalid" % self.TOKEN[:12], "detail": {"value": [self.TOKEN]}}]})
        with pytest.raises(RequestError) as caught:
            self.client(sleeps, warnings).get("/ivrs/abc")
        self.assert_clean(str(caught.value), repr(caught.value.to_result()))

    def test_tokens_from_the_login_are_redacted(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", json=dict(TOKEN_ANSWER, access_token="fresh-access-1234", refresh_token="fresh-refresh-5678"))
        mocked.get(API + "/ivrs/abc", status=502, body="upstream said: Bearer fresh-access-1234 / fresh-refresh-5678")
        mocked.get(API + "/ivrs/abc", status=400, body="echo secretpw")
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings).get("/ivrs/abc")
        for text in warnings + [str(caught.value)]:
            assert "fresh-access-1234" not in text and "fresh-refresh-5678" not in text and "secretpw" not in text

    @pytest.mark.parametrize("secret", [TOKEN, "access-token-abcdef"])  # even and odd lengths
    def test_an_echo_of_only_the_end_of_a_secret_shows_none_of_it(self, mocked, sleeps, warnings, secret):
        mocked.get(API + "/ivrs/abc", status=400, body="the token ends in %s" % secret[-8:])
        with pytest.raises(RequestError) as caught:
            self.client(sleeps, warnings).get("/ivrs/abc")
        self.assert_clean(str(caught.value))

    def test_a_not_json_answer_is_redacted(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", body="<html>%s</html>" % self.TOKEN)
        with pytest.raises(RequestError, match="not JSON") as caught:
            self.client(sleeps, warnings).get("/ivrs/abc")
        self.assert_clean(str(caught.value))

    @pytest.mark.parametrize("secret", ['pa"ss', "p\u00e4sswort"])
    def test_a_json_escaped_echo_is_removed_whole(self, mocked, sleeps, warnings, secret):
        mocked.get(API + "/ivrs/abc", status=400, body="bad request %s" % json.dumps({"password": secret}))
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings, access_token="t", secrets=(secret,)).get("/ivrs/abc")
        assert str(caught.value) == 'GET /ivrs/abc: HTTP 400: bad request {"password": "********"}'

    @pytest.mark.parametrize("echo", ["Winter2024!x", "Winter2024%21x", "Winter2024!", "inter2024!x", "Winter2024!xWinter2024%21x"])
    def test_a_secret_whose_forms_differ_leaves_no_end_showing(self, mocked, sleeps, warnings, echo):
        # The percent-encoded form is longer: its pieces must not cut into the raw form and leave its end behind.
        mocked.get(API + "/ivrs/abc", status=400, json={"errors": [{"code": "BAD", "message": "got " + echo + " here"}]})
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings, access_token="t", secrets=("Winter2024!x",)).get("/ivrs/abc")
        assert str(caught.value) == "GET /ivrs/abc: HTTP 400: BAD got ******** here"

    def test_a_secret_that_contains_another_is_removed_whole(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", status=400, body="echo Winter2024xy")
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings, access_token="t", secrets=("Winter2024", "Winter2024xy")).get("/ivrs/abc")
        assert str(caught.value) == "GET /ivrs/abc: HTTP 400: echo ********"

    def test_a_secret_of_4_characters_is_removed(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", status=400, body="echo pw42")
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings, access_token="t", secrets=("pw42",)).get("/ivrs/abc")
        assert str(caught.value) == "GET /ivrs/abc: HTTP 400: echo ********"

    @pytest.mark.parametrize("password, echo", [
        ("Summer 2024!", "password=Summer+2024%21&scope=all"),
        ("Summer 2024!", "password=Summer%202024%21"),
        ("Summer 2024!", 'pw "Summer 2024!"'),
        ("Summer 2024!", "password=Summer+2024%21"[:20]),
        ("p\u00e4ss w\u00f6rd 1", "password=p%c3%a4ss+w%c3%b6rd+1"),
        ("p\u00e4ss w\u00f6rd 1", "password=p%C3%A4ss+w%C3%B6rd+1"),
        ("p\u00e4ss w\u00f6rd 1", 'password="p\\u00e4ss w\\u00f6rd 1"'),
    ])
    def test_a_login_echoed_in_any_spelling_it_is_sent_in_shows_no_password(self, mocked, sleeps, warnings, password, echo):
        mocked.post(API + "/login/oauth/token", status=400, body="refused: " + echo)
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings, password=password).get("/ivrs/abc")
        assert str(caught.value).startswith("POST /login/oauth/token: HTTP 400: login refused: refused: ")
        assert str(caught.value).count("********") == 1
        assert "Summer" not in str(caught.value) and "ss+w" not in str(caught.value) and "ss w" not in str(caught.value)

    def test_a_redaction_in_progress_keeps_the_secrets_it_started_with(self):
        # Read threads redact while a token refresh adds the new tokens: the set a call iterates must never change.
        redact = Redactor(["first-secret"])
        reading = redact._secrets  # pylint: disable=protected-access
        redact.add("second-secret")
        assert "second-secret" not in reading
        assert redact("first-secret second-secret") == "******** ********"

    def test_a_secret_added_again_stays_hidden(self):
        # A token refresh may hand back a token the redactor already knows.
        redact = Redactor(["first-secret"])
        redact.add("first-secret")
        assert redact("first-secret") == "********"

    def test_pieces_found_one_character_apart_are_both_hidden(self):
        # "aaaaaaaa", a piece of the secret, is in the text at 0 and at 1: the second match reaches the last "a".
        assert Redactor(["aaaaaaaaXY"])("aaaaaaaaa-") == "********-"

    @pytest.mark.parametrize("value", ["a", "pla"])
    def test_values_shorter_than_4_characters_are_not_treated_as_secrets(self, mocked, sleeps, warnings, value):
        mocked.get(API + "/ivrs/abc", status=400, body="a plain message")
        with pytest.raises(RequestError, match="a plain message"):
            make_client(sleeps, warnings, access_token=value).get("/ivrs/abc")


class TestNetrc:
    def test_a_netrc_never_replaces_the_token_nor_reaches_the_pbx(self, mocked, sleeps, warnings, tmp_path, monkeypatch):
        netrc = tmp_path / "netrc"
        netrc.write_text("machine pbx.example.com login someone password netrc-secret\n")
        netrc.chmod(0o600)
        monkeypatch.setenv("NETRC", str(netrc))
        mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        make_client(sleeps, warnings).get("/ivrs/abc")
        assert "Authorization" not in mocked.calls[0].request.headers
        assert mocked.calls[1].request.headers["Authorization"] == "Bearer at-1"

    def test_proxy_variables_still_apply(self, mocked, sleeps, warnings, monkeypatch):
        monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")
        assert mocked.calls[0].request.req_kwargs["proxies"].get("https") == "http://proxy.example.com:3128"


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
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")
        assert str(caught.value) == "GET /ivrs/abc: " + expected
        assert caught.value.status == 400

    def test_a_long_error_text_is_cut_to_300_characters(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", status=400, body="x" * 400)
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")
        assert str(caught.value) == "GET /ivrs/abc: HTTP 400: " + "x" * 300 + "..."

    def test_an_error_text_of_exactly_300_characters_is_kept_whole(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", status=400, body="x" * 300)
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")
        assert str(caught.value) == "GET /ivrs/abc: HTTP 400: " + "x" * 300

    def test_a_success_that_is_not_json_is_an_error(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc", body="<html>login page</html>")
        with pytest.raises(RequestError, match="the answer is not JSON: <html>login page</html>"):
            make_client(sleeps, warnings, access_token="t").get("/ivrs/abc")

    def test_errors_carry_no_credentials(self, mocked, sleeps, warnings):
        mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", status=403, json={"errors": [{"code": "UNAUTHORIZED", "message": "forbidden"}]})
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings).get("/ivrs/abc")
        dump = repr(caught.value.to_result()) + str(caught.value)
        for secret in ("secretpw", "at-1", "rt-1"):
            assert secret not in dump


class TestPaging:
    def _page_server(self, mocked, total, cap=100, first=0, counted=True):
        ivrs = [{"id": "ivr%03d" % n, "name": "IVR %d" % n, "extension_number": str(8000 + n)} for n in range(total)]

        def answer(request):
            query = {key: values[0] for key, values in parse_qs(request.url.split("?", 1)[1]).items()}
            start = max(int(query["skip"]) - first, 0)
            page = ivrs[start:start + min(int(query["top"]), cap)]
            return 200, {}, json.dumps(dict({"items": page}, **({"count": total} if counted else {})))

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

    @pytest.mark.parametrize("cap, pages", [(1, 6), (2, 3), (40, 1)])
    def test_a_server_whose_skip_counts_from_one_with_small_pages(self, mocked, sleeps, warnings, cap, pages):
        # Its second page starts with an item already read; with pages of one item, it holds nothing else.
        ivrs = self._page_server(mocked, 5, cap=cap, first=1)
        assert make_client(sleeps, warnings, access_token="t").list_all("/ivrs") == ivrs
        assert len(mocked.calls) == pages

    def test_keeps_the_filter_on_every_page(self, mocked, sleeps, warnings):
        self._page_server(mocked, 120)
        make_client(sleeps, warnings, access_token="t").list_all("/ivrs", params={"filter": "name eq 'x'"})
        assert all(parse_qs(call.request.url.split("?")[1])["filter"] == ["name eq 'x'"] for call in mocked.calls)

    def test_refuses_a_count_past_the_bound_before_reading_on(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs", json={"count": 20000, "items": [{"id": "a"}]})
        with pytest.raises(RequestError, match="counts 20000 items, more than the 10000 this collection reads"):
            make_client(sleeps, warnings, access_token="t").list_all("/ivrs")
        assert len(mocked.calls) == 1

    def test_the_bound_counts_items_not_pages(self, mocked, sleeps, warnings, monkeypatch):
        monkeypatch.setattr(paging, "MAX_ITEMS", 120)
        self._page_server(mocked, 110, cap=5)
        assert len(make_client(sleeps, warnings, access_token="t").list_all("/ivrs")) == 110
        assert len(mocked.calls) == 22

    def test_a_server_past_the_bound_without_a_count_is_refused(self, mocked, sleeps, warnings, monkeypatch):
        monkeypatch.setattr(paging, "MAX_ITEMS", 12)
        pages = iter(range(100))

        def answer(request):
            page = next(pages)
            return 200, {}, json.dumps({"items": [{"id": "i%d-%d" % (page, n)} for n in range(5)]})

        mocked.add_callback(responses.GET, API + "/ivrs", callback=answer)
        with pytest.raises(RequestError, match="more than 12 items after 15 were read"):
            make_client(sleeps, warnings, access_token="t").list_all("/ivrs")

    def test_without_a_count_reads_until_nothing_new(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs", json={"items": [{"id": "a"}, {"id": "b"}]})
        mocked.get(API + "/ivrs", json={"items": [{"id": "c"}]})
        mocked.get(API + "/ivrs", json={"items": []})
        assert [item["id"] for item in make_client(sleeps, warnings, access_token="t").list_all("/ivrs")] == ["a", "b", "c"]

    def test_asks_for_the_largest_page_the_api_allows(self, mocked, sleeps, warnings):
        self._page_server(mocked, 150)
        make_client(sleeps, warnings, access_token="t").list_all("/ivrs")
        assert [parse_qs(call.request.url.split("?")[1])["top"] for call in mocked.calls] == [["100"], ["100"]]

    def test_an_empty_list_has_no_pages_to_follow(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs", json={"count": 0, "items": []})
        assert make_client(sleeps, warnings, access_token="t").list_all("/ivrs") == []
        assert len(mocked.calls) == 1

    def test_a_list_of_exactly_the_bound_is_read_whole(self, mocked, sleeps, warnings, monkeypatch):
        monkeypatch.setattr(paging, "MAX_ITEMS", 12)
        self._page_server(mocked, 12, cap=5)
        assert len(make_client(sleeps, warnings, access_token="t").list_all("/ivrs")) == 12

    def test_a_list_that_shrinks_while_it_is_read_still_completes(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs", json={"count": 3, "items": [{"id": "a"}, {"id": "b"}]})
        mocked.get(API + "/ivrs", json={"count": 1, "items": []})
        assert [item["id"] for item in make_client(sleeps, warnings, access_token="t").list_all("/ivrs")] == ["a", "b"]

    def test_without_a_count_a_long_list_ends_when_nothing_new(self, mocked, sleeps, warnings):
        ivrs = self._page_server(mocked, 300, counted=False)
        assert within_seconds(5, make_client(sleeps, warnings, access_token="t").list_all, "/ivrs") == ivrs
        assert len(mocked.calls) == 4

    @pytest.mark.parametrize("counted", [True, False])
    def test_a_server_that_ignores_skip_is_an_error_never_the_end(self, mocked, sleeps, warnings, counted):
        # A cache in front of the PBX that answers page 1 again: read as the end, it would make a list of 100 of 301.
        page = [{"id": "ivr%03d" % number} for number in range(100)]
        mocked.get(API + "/ivrs", json=dict({"items": page}, **({"count": 301} if counted else {})))
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings, access_token="t").list_all("/ivrs")
        assert str(caught.value) == ("GET /ivrs: paging stopped after 100%s items: the page at skip=101 brought only items "
                                     "already read (does the server ignore skip?)" % (" of 301" if counted else ""))
        assert len(mocked.calls) == 3

    def test_fails_when_the_server_stops_short_of_its_count(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs", json={"count": 5, "items": [{"id": "a"}]})
        with pytest.raises(RequestError, match="paging stopped after 1 of 5 items: the page at skip=2 brought only items"):
            make_client(sleeps, warnings, access_token="t").list_all("/ivrs")


class TestSession:
    def test_one_session_serves_every_request_of_a_run(self, mocked, sleeps, warnings, monkeypatch):
        sessions = []
        send = requests.sessions.Session.request

        def recording(session, *args, **kwargs):
            sessions.append(session)
            return send(session, *args, **kwargs)

        monkeypatch.setattr(requests.sessions.Session, "request", recording)
        mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", status=401)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        mocked.post(API + "/ivrs/abc/action_urls", status=201, json={"id": "u1"})
        mocked.post(API + "/ivrs/abc/action_urls/u1/destroy", status=204)
        client = make_client(sleeps, warnings)
        client.get("/ivrs/abc")
        client.create("/ivrs/abc/action_urls", {"name": "x"}, lambda: None)
        client.destroy("/ivrs/abc/action_urls/u1")
        assert len(sessions) == len(mocked.calls) == 6  # login, 401, refresh, read, create, destroy
        assert all(session is client.session for session in sessions)

    @pytest.mark.parametrize("timeout", [7, 45])
    def test_the_timeout_reaches_every_request(self, mocked, sleeps, warnings, timeout):
        mocked.post(API + "/login/oauth/token", json=TOKEN_ANSWER)
        mocked.get(API + "/ivrs/abc", json={"id": "abc"})
        make_client(sleeps, warnings, timeout=timeout).get("/ivrs/abc")
        assert [call.request.req_kwargs["timeout"] for call in mocked.calls] == [timeout, timeout]

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


MALFORMED = [
    dict(json={}), dict(json=[]), dict(json={"items": None}), dict(json={"items": {}}), dict(status=204),
    dict(json={"items": [{"name": "no id"}]}), dict(json={"items": ["x"]}), dict(json={"items": [{"id": ""}]}),
]


class TestAnswerShapes:
    @pytest.mark.parametrize("answer", MALFORMED)
    def test_a_malformed_list_is_an_error_never_an_empty_list(self, mocked, sleeps, warnings, answer):
        mocked.get(API + "/ivrs/abc/action_urls", **answer)
        with pytest.raises(RequestError, match="not the documented shape") as caught:
            make_client(sleeps, warnings, access_token="t").get_items("/ivrs/abc/action_urls")
        assert str(caught.value).startswith("GET /ivrs/abc/action_urls: ")

    @pytest.mark.parametrize("answer", MALFORMED + [dict(json={"count": "2", "items": []}), dict(json={"count": True, "items": []}),
                                                    dict(json={"count": -1, "items": []})])
    def test_a_malformed_page_is_an_error(self, mocked, sleeps, warnings, answer):
        mocked.get(API + "/ivrs", **answer)
        with pytest.raises(RequestError, match="not the documented shape"):
            make_client(sleeps, warnings, access_token="t").list_all("/ivrs")

    @pytest.mark.parametrize("answer, got", [(dict(json={}), "{}"), (dict(json=[{"id": "abc"}]), '[{"id": "abc"}]'),
                                             (dict(status=204), "no body"), (dict(json={"id": None}), '{"id": null}')])
    def test_a_malformed_object_is_an_error_that_shows_the_answer(self, mocked, sleeps, warnings, answer, got):
        mocked.get(API + "/ivrs/abc", **answer)
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings, access_token="t").get_object("/ivrs/abc")
        assert str(caught.value).endswith("expected a JSON object with an id, got %s" % got)

    def test_an_empty_list_from_the_pbx_is_empty(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs/abc/action_urls", json={"items": []})
        assert make_client(sleeps, warnings, access_token="t").get_items("/ivrs/abc/action_urls") == []

    def test_a_redirected_read_is_not_followed(self, mocked, sleeps, warnings):
        mocked.get(API + "/ivrs", status=301, headers={"Location": "https://pbx.example.com:8443/api/ivrs"})
        with pytest.raises(RequestError) as caught:
            make_client(sleeps, warnings, access_token="t").list_all("/ivrs")
        assert "set pbx_url to the address the PBX serves its API on" in user_message(caught.value)
        assert len(mocked.calls) == 1

    @pytest.mark.parametrize("answer", [dict(json={}), dict(json=[]), dict(status=204), dict(json={"access_token": 5})])
    def test_a_malformed_login_answer_is_an_error(self, mocked, sleeps, warnings, answer):
        mocked.post(API + "/login/oauth/token", **answer)
        with pytest.raises(RequestError, match="access_token"):
            make_client(sleeps, warnings).get("/ivrs")


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

    @pytest.mark.parametrize("stale", ["stale", "at-0"])  # sorting after and before the renewed "at-1"
    def test_a_token_refused_in_several_threads_is_renewed_once(self, mocked, sleeps, warnings, stale):
        barrier = threading.Barrier(4, timeout=5)

        def ivr(request):
            if request.headers["Authorization"] == "Bearer " + stale:
                barrier.wait()  # every thread has sent the stale token before any renews it
                return 401, {}, json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": "expired"}]})
            return 200, {}, json.dumps({"id": "abc"})

        mocked.add_callback("POST", API + "/login/oauth/token", callback=self.slow_login)
        mocked.add_callback("GET", API + "/ivrs/abc", callback=ivr)
        client = make_client(sleeps, warnings, access_token=stale)
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
