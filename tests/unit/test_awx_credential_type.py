# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWX credential type injects what the modules read, and AWX would accept it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.portsip.pbx.plugins.module_utils.module import CONNECTION_OPTIONS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CREDENTIAL_TYPE = os.path.join(ROOT, "extensions", "awx", "portsip_credential_type.yml")

# Connection options a credential does not carry, each for a reason; any other option must be an input.
NOT_IN_THE_CREDENTIAL = {
    "pbx_ca_path",  # a file on the machine that runs the job, not a value a credential holds
    "pbx_timeout",  # a property of the job, not of the account
}

# What AWX's credential type API accepts (its CredentialTypeInputField and CredentialTypeInjectorField
# schemas): a file AWX refuses would only be found when someone tries to load it.
FIELD_KEYS = {"id", "label", "type", "help_text", "secret", "default", "choices", "multiline", "format", "ask_at_runtime"}
STRING_ONLY_KEYS = {"secret", "choices", "multiline", "format"}
IDENTIFIER = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")
ENV_BLOCKLIST = {"VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID", "INVENTORY_UPDATE_ID",
                 "AD_HOC_COMMAND_ID", "REST_API_URL", "REST_API_TOKEN", "MAX_EVENT_RES", "CALLBACK_QUEUE", "CALLBACK_CONNECTION",
                 "CACHE", "JOB_CALLBACK_DEBUG", "INVENTORY_HOSTVARS", "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH"}
ANSIBLE_TYPES = {"str": "string", "bool": "boolean"}


@pytest.fixture(scope="module")
def credential_type():
    with open(CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def fields(credential_type):
    return {field["id"]: field for field in credential_type["inputs"]["fields"]}


def test_awx_would_accept_the_credential_type(credential_type, fields):
    assert set(credential_type) <= {"name", "description", "kind", "inputs", "injectors"}
    assert credential_type["name"]
    # AWX takes only cloud or net for a custom type; cloud is the one a job template takes next to a machine credential.
    assert credential_type["kind"] == "cloud"
    assert set(credential_type["inputs"]) <= {"fields", "required"}
    assert len(fields) == len(credential_type["inputs"]["fields"]), "field ids must be unique"
    for field_id, field in fields.items():
        assert set(field) <= FIELD_KEYS, field_id
        assert IDENTIFIER.match(field_id) and field_id != "tower", field_id
        assert field["label"] and field["help_text"], field_id
        assert field["type"] in ("string", "boolean"), field_id
        if field["type"] != "string":
            assert not set(field) & STRING_ONLY_KEYS, field_id
        if "default" in field:
            assert isinstance(field["default"], {"string": str, "boolean": bool}[field["type"]]), field_id
    assert set(credential_type["inputs"]["required"]) <= set(fields)
    assert set(credential_type["injectors"]) <= {"env", "extra_vars", "file"}
    for variable, template in credential_type["injectors"]["env"].items():
        assert IDENTIFIER.match(variable) and not variable.startswith("ANSIBLE_") and variable not in ENV_BLOCKLIST, variable
        assert isinstance(template, str) and all(ord(character) < 128 for character in template), variable


def test_every_connection_option_is_an_input_or_left_out_on_purpose(fields):
    options = {"pbx_" + field_id for field_id in fields}
    assert options <= set(CONNECTION_OPTIONS), "inputs without a connection option: %s" % sorted(options - set(CONNECTION_OPTIONS))
    assert not options & NOT_IN_THE_CREDENTIAL
    assert options | NOT_IN_THE_CREDENTIAL == set(CONNECTION_OPTIONS)


def test_each_input_is_injected_as_the_variable_its_option_reads(credential_type, fields):
    expected = {CONNECTION_OPTIONS["pbx_" + field_id][1]: "{{ %s }}" % field_id for field_id in fields}
    assert credential_type["injectors"]["env"] == expected
    assert "extra_vars" not in credential_type["injectors"] and "file" not in credential_type["injectors"]


def test_inputs_agree_with_their_options_on_type_secrecy_requirement_and_default(credential_type, fields):
    for field_id, field in fields.items():
        spec = CONNECTION_OPTIONS["pbx_" + field_id][0]
        assert field["type"] == ANSIBLE_TYPES[spec["type"]], field_id
        assert field.get("secret", False) is spec.get("no_log", False), field_id
        # pbx_url is required by PortsipModule's own check, so that linters accept tasks relying on PORTSIP_URL.
        assert (field_id in credential_type["inputs"]["required"]) is (field_id == "url"), field_id
        assert field.get("default") == spec.get("default"), field_id
    assert {field_id for field_id, field in fields.items() if field.get("secret")} == {"password", "access_token"}


@pytest.mark.parametrize("value", [True, False])
def test_an_injected_boolean_reads_back_as_the_same_boolean(credential_type, value):
    template = credential_type["injectors"]["env"]["PORTSIP_VALIDATE_CERTS"]
    assert boolean(ImmutableSandboxedEnvironment().from_string(template).render(validate_certs=value)) is value
