# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The glue from module options to the client: each connection option reaches it, bad ones fail first."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import json

import pytest

from ansible.module_utils import basic
from ansible_collections.portsip.pbx.plugins.module_utils import action_url_set
from ansible_collections.portsip.pbx.plugins.module_utils import module as module_utils
from ansible_collections.portsip.pbx.plugins.module_utils.errors import RequestError

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core <= 2.18 reads the arguments from basic._ANSIBLE_ARGS
    patch_module_args = None

URL = "https://pbx.example.com:8887"
ENV = {"PORTSIP_URL": URL, "PORTSIP_USERNAME": "envadmin", "PORTSIP_PASSWORD": "envsecret", "PORTSIP_DOMAIN": "env.example.com",
       "PORTSIP_ACCESS_TOKEN": "envtoken", "PORTSIP_VALIDATE_CERTS": "false", "PORTSIP_CA_PATH": "/env/ca.pem", "PORTSIP_TIMEOUT": "9"}


@contextlib.contextmanager
def module_args(args, monkeypatch):
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
    else:
        monkeypatch.setattr(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode())
        yield


class FakeClient:
    def __init__(self, url, **options):
        self.url = url
        self.options = options


@pytest.fixture(autouse=True)
def no_portsip_environment(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(module_utils, "Client", FakeClient)


@pytest.fixture(name="make_module")
def make_module_fixture(monkeypatch):
    """make_module(argument_spec=None, logs_in=False, **args): a PortsipModule given ``args``, which stay in force until
    the test ends (exit_json and fail_json need them too)."""
    with contextlib.ExitStack() as stack:
        def make_module(argument_spec=None, logs_in=False, **args):
            stack.enter_context(module_args(args, monkeypatch))
            return module_utils.PortsipModule(argument_spec=argument_spec or {}, logs_in=logs_in, supports_check_mode=True)
        yield make_module


@pytest.fixture(name="failure")
def failure_fixture(make_module, capsys):
    """failure(argument_spec=None, **args): the message of a module that fails while starting."""
    def failure(argument_spec=None, **args):
        with pytest.raises(SystemExit):
            make_module(argument_spec, **args)
        return json.loads(capsys.readouterr().out)["msg"]
    return failure


@pytest.fixture(name="ca_file")
def ca_file_fixture(tmp_path):
    path = tmp_path / "pbx-ca.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n")
    return str(path)


def options_without_secrets(client):
    """The client's options but the secrets to redact, which the tests check on their own."""
    return {name: value for name, value in client.options.items() if name != "secrets"}


@pytest.mark.parametrize("validate_certs, with_ca, timeout", [(True, False, 30), (False, True, 7), (True, True, 1)])
def test_every_connection_option_reaches_the_client(make_module, ca_file, validate_certs, with_ca, timeout):
    ca_path = ca_file if with_ca else None
    module = make_module(pbx_url=URL, pbx_username="tenantadmin", pbx_password="s3cret", pbx_domain="tenant.example.com",
                         pbx_access_token="token", pbx_validate_certs=validate_certs, pbx_ca_path=ca_path, pbx_timeout=timeout)
    client = module.client()
    assert client.url == URL
    assert options_without_secrets(client) == dict(username="tenantadmin", password="s3cret", domain="tenant.example.com",
                                                   access_token="token", validate_certs=validate_certs, ca_path=ca_path,
                                                   timeout=timeout, warn=module.warn, timeout_name="pbx_timeout")
    assert {"s3cret", "token"} <= set(client.options["secrets"])


def test_certificates_are_checked_and_requests_time_out_by_default(make_module):
    options = make_module(pbx_url=URL, pbx_access_token="token").client().options
    assert (options["validate_certs"], options["ca_path"], options["timeout"]) == (True, None, 30)
    assert (options["username"], options["password"], options["domain"]) == (None, None, None)


def test_every_option_falls_back_to_its_environment_variable(make_module, monkeypatch, ca_file):
    for name, value in dict(ENV, PORTSIP_CA_PATH=ca_file).items():
        monkeypatch.setenv(name, value)
    module = make_module()
    client = module.client()
    assert client.url == URL
    assert options_without_secrets(client) == dict(username="envadmin", password="envsecret", domain="env.example.com",
                                                   access_token="envtoken", validate_certs=False, ca_path=ca_file, timeout=9,
                                                   warn=module.warn, timeout_name="pbx_timeout")


def test_the_client_knows_every_secret_of_the_task_to_redact(make_module):
    spec = {"config": {"type": "list", "elements": "dict", "options": {
        "token": {"type": "str", "no_log": True}, "headers": {"type": "raw"}}}}
    module = make_module(spec, pbx_url=URL, pbx_access_token="static-token-1", config=[
        {"token": "webhook-token-1", "headers": {"Authorization": "Bearer hdr-1", "X-Env": "prod"}},
        {"token": None, "headers": "X-API-Key:key-2&X-App:crm"}])
    secrets = set(module.client().options["secrets"])
    assert {"static-token-1", "webhook-token-1", "Bearer hdr-1", "key-2"} <= secrets
    assert not {"prod", "crm"} & secrets


@pytest.fixture(name="warned")
def warned_fixture(monkeypatch):
    warned = []
    monkeypatch.setattr(module_utils.PortsipModule, "warn", lambda module, message: warned.append(message))
    return warned


HEADER_SPEC = {"headers": {"type": "raw"}, "secret_headers": {"type": "dict", "no_log": True}}


def test_a_credential_in_plain_headers_is_warned_about_and_hidden_like_a_no_log_value(make_module, warned):
    module = make_module(HEADER_SPEC, pbx_url=URL, pbx_access_token="static-token-1",
                         headers={"authorization": "Bearer hdr-1", "X-Env": "prod", "Cookie": "c=1"})
    assert warned == ["headers: Cookie, authorization carries a credential, and headers is not a secret option, so Ansible "
                      "may show it where it shows a task's arguments; give it in secret_headers instead"]
    # A 3-letter value would be masked in every word of the output: too short to count, as for the client's redaction.
    assert "Bearer hdr-1" in module.no_log_values and "c=1" not in module.no_log_values and "prod" not in module.no_log_values


def test_secret_headers_are_no_log_values_without_a_warning(make_module, warned):
    module = make_module(HEADER_SPEC, pbx_url=URL, pbx_access_token="static-token-1",
                         headers={"X-Env": "prod"}, secret_headers={"Authorization": "Bearer hdr-2"})
    assert warned == [] and "Bearer hdr-2" in module.no_log_values and "Bearer hdr-2" in module.client().options["secrets"]


def test_a_secret_header_whose_name_a_read_would_show_is_warned_about(make_module, warned):
    spec = {"config": {"type": "list", "elements": "dict", "options": HEADER_SPEC}}
    make_module(spec, pbx_url=URL, pbx_access_token="static-token-1",
                config=[{"secret_headers": {"X-Tenant": "t3nant-secret", "Authorization": "Bearer b"}, "headers": None}])
    assert warned == ["secret_headers: X-Tenant is hidden in this task's output, but its name does not contain key or auth "
                      "or token or secret or pass or signature or credential or session or cookie or hmac, so "
                      "ivr_action_url_info and gathered exports show its value, and a task that sets headers without it "
                      "removes it"]


def test_the_update_secrets_choice_is_no_secret(make_module):
    module = make_module(action_url_set.argument_spec(), pbx_url=URL, pbx_access_token="static-token-1", config=[],
                         update_secrets="always")
    assert "always" not in module.no_log_values


@pytest.mark.parametrize("url", ["http://pbx.example.com", "http://crm.example.com", "http://10.0.0.5:8887"])
def test_credentials_over_http_to_another_host_are_warned_about(make_module, warned, url):
    make_module(pbx_url=url, pbx_access_token="t1234")
    assert len(warned) == 1 and "unencrypted" in warned[0]


@pytest.mark.parametrize("url", ["http://127.0.0.1:8887", "http://localhost", "http://[::1]:8887", "https://pbx.example.com"])
def test_no_warning_for_loopback_or_https(make_module, warned, url):
    make_module(pbx_url=url, pbx_access_token="t1234")
    assert warned == []


@pytest.mark.parametrize("args, message", [
    (dict(pbx_url="pbx.example.com:8887", pbx_access_token="static-token-1"), "pbx_url: must be the PBX's address with http:// or https://"),
    (dict(pbx_access_token="static-token-1"), "pbx_url: must be the PBX's address with http:// or https://"),
    (dict(pbx_url="ftp://pbx.example.com:8887", pbx_access_token="static-token-1"), "pbx_url: must be the PBX's address with http:// or https://"),
    (dict(pbx_url="https://", pbx_access_token="static-token-1"), "pbx_url: must be the PBX's address with http:// or https://"),
    (dict(pbx_url=URL, pbx_access_token="static-token-1", pbx_timeout=0), "pbx_timeout: must be a number of seconds greater than 0"),
    (dict(pbx_url=URL, pbx_access_token="static-token-1", pbx_timeout=-5), "pbx_timeout: must be a number of seconds greater than 0"),
    (dict(pbx_url=URL), "one of the following is required: pbx_username, pbx_access_token"),
    (dict(pbx_url=URL, pbx_username="admin"), "parameters are required together: pbx_username, pbx_password"),
    (dict(pbx_url=URL, pbx_access_token="static-token-1", ivr_id=""), "ivr_id: must not be empty"),
    (dict(pbx_url=URL, pbx_access_token="static-token-1", pbx_ca_path="/no/such/ca.pem"), "pbx_ca_path: /no/such/ca.pem is not a file"),
    (dict(pbx_url=URL, pbx_access_token="static-token-1", pbx_timeout=True), "pbx_timeout: must be a number of seconds"),
])
def test_bad_connection_options_fail_naming_the_option(failure, args, message):
    assert failure({"ivr_id": {"type": "str"}}, **args).startswith(message)


@pytest.mark.parametrize("credentials", [dict(pbx_username="admin", pbx_password=""), dict(pbx_username="", pbx_password="s3cret"),
                                         dict(pbx_access_token="static-token-1")])
def test_a_module_that_logs_in_needs_a_username_and_a_password(failure, credentials):
    assert failure(logs_in=True, pbx_url=URL, **credentials).startswith("pbx_username and pbx_password: both are required")


def test_a_module_that_logs_in_takes_a_username_and_a_password(make_module):
    options = make_module(logs_in=True, pbx_url=URL, pbx_username="admin", pbx_password="s3cret").client().options
    assert (options["username"], options["password"]) == ("admin", "s3cret")


def test_a_missing_requests_library_is_reported(failure, monkeypatch):
    monkeypatch.setattr(module_utils, "HAS_REQUESTS", False)
    assert "requests" in failure(pbx_url=URL, pbx_access_token="static-token-1")


@pytest.mark.parametrize("error, message", [
    (RequestError("forbidden", "GET", "/ivrs", 403), "GET /ivrs: HTTP 403: forbidden; " + module_utils.HINTS[403]),
    (RequestError("expired", "GET", "/ivrs", 401), "GET /ivrs: HTTP 401: expired; the PBX refused the credentials: check "
     "pbx_username and pbx_password, pbx_domain (a tenant admin needs the tenant's SIP domain), or pbx_access_token"),
    (RequestError("slow down", "GET", "/ivrs", 429), "GET /ivrs: HTTP 429: slow down; the PBX's API rate limit was reached and "
     "retries did not get through: run fewer tasks in parallel"),
    (RequestError("login refused", "POST", "/login/oauth/token", 400, kind="login_refused"),
     "POST /login/oauth/token: HTTP 400: login refused; check pbx_username, pbx_password and pbx_domain (a tenant admin "
     "needs the tenant's SIP domain)"),
    (RequestError("the account has two-factor authentication enabled", "POST", "/auth/sign_in", kind="two_factor"),
     "POST /auth/sign_in: the account has two-factor authentication enabled; use an automation account without 2FA or "
     "pass pbx_access_token"),
    (RequestError("TLS failed (certificate verify failed)", "GET", "/ivrs", kind="tls"),
     "GET /ivrs: TLS failed (certificate verify failed); if the PBX uses a private CA, set pbx_ca_path to its "
     "certificate, or pbx_validate_certs to false on a trusted network"),
    (RequestError("the PBX answered with a redirect to https://pbx.example.com:8443/api/ivrs, which is not followed", "GET",
                  "/ivrs", 301, kind="redirect"),
     "GET /ivrs: HTTP 301: the PBX answered with a redirect to https://pbx.example.com:8443/api/ivrs, which is not followed; "
     "set pbx_url to the address the PBX serves its API on"),
    (RequestError("no credentials", kind="no_credentials"),
     "no credentials; set pbx_access_token, or pbx_username and pbx_password"),
    (RequestError("VALIDATE_FAILED name", "POST", "/ivrs/a/action_urls", 400), "POST /ivrs/a/action_urls: HTTP 400: VALIDATE_FAILED name"),
])
def test_fail_on_reports_the_request_and_what_to_do(make_module, capsys, error, message):
    module = make_module(pbx_url=URL, pbx_access_token="static-token-1")
    capsys.readouterr()
    with pytest.raises(SystemExit):
        module.fail_on(error, ivr_id="i1")
    result = json.loads(capsys.readouterr().out)
    assert result["msg"] == message
    assert (result["method"], result["path"], result["status"], result["ivr_id"]) == (error.method, error.path, error.status, "i1")


def test_fail_on_starts_with_what_was_being_done(make_module, capsys):
    module = make_module(pbx_url=URL, pbx_access_token="static-token-1")
    capsys.readouterr()
    with pytest.raises(SystemExit):
        module.fail_on(RequestError("VALIDATE_FAILED url", "POST", "/ivrs/a/action_urls", 400), "the create of action URL 'crm' failed")
    assert json.loads(capsys.readouterr().out)["msg"] == \
        "the create of action URL 'crm' failed: POST /ivrs/a/action_urls: HTTP 400: VALIDATE_FAILED url"


def test_placeholders_given_for_secrets_are_no_no_log_values(make_module):
    # Ansible turns a result value equal to a no_log value into VALUE_SPECIFIED_IN_NO_LOG_PARAMETER: a mask fed back
    # must stay a mask in the result, so that the next task can tell it for one.
    spec = dict(HEADER_SPEC, token={"type": "str", "no_log": True})
    module = make_module(spec, pbx_url=URL, pbx_access_token="static-token-1", token="********",
                         headers="X-Api-Key:******** (sent)", secret_headers={"Authorization": "********"})
    assert not [value for value in module.no_log_values if "****" in value]
    assert "static-token-1" in module.no_log_values
