# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Facts kept in more than one file stay in step."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import os

import yaml

from ansible_collections.portsip.pbx.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.portsip.pbx.plugins.module_utils import fields
from ansible_collections.portsip.pbx.plugins.module_utils.module import CONNECTION_OPTIONS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def modules():
    folder = os.path.join(ROOT, "plugins", "modules")
    return sorted(name[:-3] for name in os.listdir(folder) if name.endswith(".py") and name != "__init__.py")


def test_the_action_group_holds_every_module():
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as handle:
        runtime = yaml.safe_load(handle)
    assert sorted(runtime["action_groups"]["pbx"]) == modules()


def test_every_module_takes_the_shared_connection_options():
    for name in modules():
        with open(os.path.join(ROOT, "plugins", "modules", name + ".py")) as handle:
            source = handle.read()
        assert "portsip.pbx.connection" in source and "PortsipModule(" in source, name


def test_the_doc_fragment_documents_each_connection_option_and_its_variable():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    assert set(documented) == set(CONNECTION_OPTIONS)
    for name, (spec, variable) in CONNECTION_OPTIONS.items():
        assert "E(%s)" % variable in " ".join(documented[name]["description"]), name
        assert documented[name]["type"] == spec["type"], name
        assert documented[name].get("default") == spec.get("default"), name


def documented_options(module):
    with open(os.path.join(ROOT, "plugins", "modules", module + ".py")) as handle:
        tree = ast.parse(handle.read())
    documentation = next(node.value.value for node in tree.body if isinstance(node, ast.Assign) and node.targets[0].id == "DOCUMENTATION")
    return yaml.safe_load(documentation)["options"]


def test_the_documented_action_url_options_follow_the_field_declaration():
    items = documented_options("ivr_action_urls")["config"]["suboptions"]["action_urls"]["suboptions"]
    for options in (documented_options("ivr_action_url"), items):
        for name, spec in fields.argument_spec().items():
            assert options[name]["type"] == spec["type"], name
            assert options[name].get("choices") == spec.get("choices"), name
    assert set(items) == set(fields.argument_spec())


def test_plain_ansible_lint_may_install_the_collection_it_lints():
    # With offline set in .ansible-lint, `ansible-lint` with no arguments cannot resolve portsip.pbx.* in the
    # playbooks (syntax-check[unknown-module]); only `make lint` would pass, with its own collections path.
    with open(os.path.join(ROOT, ".ansible-lint")) as handle:
        assert not yaml.safe_load(handle).get("offline")
