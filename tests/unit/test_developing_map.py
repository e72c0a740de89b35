# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/developing.md's layer map names exactly the files of plugins/module_utils, in an order each file's imports keep."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE_UTILS = os.path.join(ROOT, "plugins", "module_utils")
PACKAGE = "ansible_collections.portsip.pbx.plugins.module_utils"


def mapped():
    """The files the "Layer map" section of docs/developing.md names, in its order."""
    with open(os.path.join(ROOT, "docs", "developing.md")) as handle:
        text = handle.read()
    section = text.split("## Layer map", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `plugins/module_utils/([a-z_]+\.py)` \|", section, re.MULTILINE)


def imported(name):
    """The module_utils files that ``name`` imports."""
    with open(os.path.join(MODULE_UTILS, name)) as handle:
        tree = ast.parse(handle.read())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
            found.update(alias.name + ".py" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE + "."):
            found.add(node.module[len(PACKAGE) + 1:] + ".py")
    return found


def test_the_layer_map_names_every_module_utils_file_once_and_no_other():
    names = mapped()
    assert len(names) == len(set(names)), names
    assert sorted(names) == sorted(name for name in os.listdir(MODULE_UTILS) if name.endswith(".py") and name != "__init__.py")


def test_each_file_imports_only_files_above_it_on_the_map():
    names = mapped()
    for position, name in enumerate(names):
        below = imported(name) - set(names[:position])
        assert not below, "%s imports %s, which the map puts below it" % (name, ", ".join(sorted(below)))
