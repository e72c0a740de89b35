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
from ansible_collections.portsip.pbx.plugins.module_utils import module as module_utils
from ansible_collections.portsip.pbx.plugins.module_utils.client import PortsipError

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
    """make_module(argument_spec=None, **args): a PortsipModule given ``args``, which stay in force until the test ends
    (exit_json and fail_json need them too)."""
    with contextlib.ExitStack() as stack:
        def make_module(argument_spec=None, **args):
            stack.enter_context(module_args(args, monkeypatch))
            return module_utils.PortsipModule(argument_spec=argument_spec or {}, supports_check_mode=True)
        yield make_module


@pytest.fixture(name="failure")
def failure_fixture(make_module, capsys):
    """failure(argument_spec=None, **args): the message of a module that fails while starting."""
    def failure(argument_spec=None, **args):
        with pytest.raises(SystemExit):
            make_module(argument_spec, **args)
        return json.loads(capsys.readouterr().out)["msg"]
    return failure


@pytest.mark.parametrize("validate_certs, ca_path, timeout", [(True, None, 30), (False, "/etc/pbx-ca.pem", 7), (True, "/etc/pbx-ca.pem", 1)])
def test_every_connection_option_reaches_the_client(make_module, validate_certs, ca_path, timeout):
    module = make_module(pbx_url=URL, pbx_username="tenantadmin", pbx_password="s3cret", pbx_domain="tenant.example.com",
                         pbx_access_token="token", pbx_validate_certs=validate_certs, pbx_ca_path=ca_path, pbx_timeout=timeout)
    client = module.client()
    assert client.url == URL
    assert client.options == dict(username="tenantadmin", password="s3cret", domain="tenant.example.com", access_token="token",
                                  validate_certs=validate_certs, ca_path=ca_path, timeout=timeout, warn=module.warn)


def test_certificates_are_checked_and_requests_time_out_by_default(make_module):
    options = make_module(pbx_url=URL, pbx_access_token="token").client().options
    assert (options["validate_certs"], options["ca_path"], options["timeout"]) == (True, None, 30)
    assert (options["username"], options["password"], options["domain"]) == (None, None, None)


def test_every_option_falls_back_to_its_environment_variable(make_module, monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    module = make_module()
    client = module.client()
    assert client.url == URL
    assert client.options == dict(username="envadmin", password="envsecret", domain="env.example.com", access_token="envtoken",
                                  validate_certs=False, ca_path="/env/ca.pem", timeout=9, warn=module.warn)


def test_the_connection_spec_hides_credentials_and_names_each_variable():
    spec = module_utils.connection_argument_spec()
    assert {name for name, option in spec.items() if option.get("no_log")} == {"pbx_password", "pbx_access_token"}
    assert {name: option["fallback"][1][0] for name, option in spec.items()} == {
        name: variable for name, (_option, variable) in module_utils.CONNECTION_OPTIONS.items()}


@pytest.mark.parametrize("args, message", [
    (dict(pbx_url="pbx.example.com:8887", pbx_access_token="static-token-1"), "pbx_url: must be the PBX's https:// address"),
    (dict(pbx_access_token="static-token-1"), "pbx_url: must be the PBX's https:// address"),
    (dict(pbx_url=URL, pbx_access_token="static-token-1", pbx_timeout=0), "pbx_timeout: must be a number of seconds greater than 0"),
    (dict(pbx_url=URL), "one of the following is required: pbx_username, pbx_access_token"),
    (dict(pbx_url=URL, pbx_username="admin"), "parameters are required together: pbx_username, pbx_password"),
    (dict(pbx_url=URL, pbx_access_token="static-token-1", ivr_id=""), "ivr_id: must not be empty"),
])
def test_bad_connection_options_fail_naming_the_option(failure, args, message):
    assert failure({"ivr_id": {"type": "str"}}, **args).startswith(message)


def test_a_missing_requests_library_is_reported(failure, monkeypatch):
    monkeypatch.setattr(module_utils, "HAS_REQUESTS", False)
    assert "requests" in failure(pbx_url=URL, pbx_access_token="static-token-1")


@pytest.mark.parametrize("error, message", [
    (PortsipError("forbidden", "GET", "/ivrs", 403), "GET /ivrs: HTTP 403: forbidden; " + module_utils.HINTS[403]),
    (PortsipError("login refused", "POST", "/login/oauth/token", 400, hint="check pbx_username"),
     "POST /login/oauth/token: HTTP 400: login refused; check pbx_username"),
    (PortsipError("VALIDATE_FAILED name", "POST", "/ivrs/a/action_urls", 400), "POST /ivrs/a/action_urls: HTTP 400: VALIDATE_FAILED name"),
])
def test_fail_on_reports_the_request_and_what_to_do(make_module, capsys, error, message):
    module = make_module(pbx_url=URL, pbx_access_token="static-token-1")
    capsys.readouterr()
    with pytest.raises(SystemExit):
        module.fail_on(error, ivr_id="i1")
    result = json.loads(capsys.readouterr().out)
    assert result["msg"] == message
    assert (result["method"], result["path"], result["status"], result["ivr_id"]) == (error.method, error.path, error.status, "i1")
