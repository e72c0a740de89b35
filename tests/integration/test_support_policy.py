# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The support policy README.md states is what tox.ini tests and meta/runtime.yml requires."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import configparser
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def matrix_pairs():
    """{(ansible-core, Python)} of tox.ini's version matrix, from each env's base_python."""
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(os.path.join(ROOT, "tox.ini"))
    pairs = set()
    for line in tox["testenv"]["base_python"].strip().splitlines():
        envs, python = line.split(":")
        for env in envs.split(","):
            core = re.match(r"core(\d)(\d+)", env.strip()).groups()
            pairs.add(("%s.%s" % core, python.strip()[len("python"):]))
    return pairs


def readme_pairs():
    with open(os.path.join(ROOT, "README.md")) as handle:
        rows = re.findall(r"^\| (2\.\d+) \| ([\d., ]+) \|$", handle.read(), re.MULTILINE)
    return {(core, python.strip()) for core, pythons in rows for python in pythons.split(",")}


def test_the_readme_table_is_the_tested_matrix():
    assert readme_pairs() == matrix_pairs()


def test_the_oldest_supported_core_is_the_one_runtime_yml_requires():
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as handle:
        requires = yaml.safe_load(handle)["requires_ansible"]
    oldest = min((core for core, _python in matrix_pairs()), key=lambda core: tuple(map(int, core.split("."))))
    assert requires == ">=%s.0" % oldest
