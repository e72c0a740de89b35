# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What ships: the collection tarball, and an execution environment built from it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
GALAXY = os.path.join(BIN, "ansible-galaxy")
BUILDER = os.path.join(BIN, "ansible-builder")
EE_DEFINITION = os.path.join(ROOT, "tests", "ee", "execution-environment.yml")

# What a working checkout gathers besides the collection: venvs, tool caches, test output, earlier builds.
DEBRIS_DIRS = {".git", ".build", ".ansible", ".pytest_cache", ".benchmarks", ".tox", ".nox", "__pycache__"}
DEBRIS_PATHS = ("tests/output", "tests/integration/inventory", "docs/_build")
PLANTED = [
    ".venv/lib/python3.12/site-packages/requests/__init__.py",
    ".venv-2.16/bin/activate",
    ".build/portsip-pbx-0.1.0.tar.gz",
    ".ansible/collections/ansible_collections/portsip/pbx/galaxy.yml",
    ".pytest_cache/v/cache/nodeids",
    ".benchmarks/Linux-CPython-3.12-64bit/0001_baseline.json",
    "tests/simulator/.benchmarks/Linux-CPython-3.12-64bit/0001_baseline.json",
    ".tox/py312/pyvenv.cfg",
    ".nox/tests/pyvenv.cfg",
    ".git/HEAD",
    "portsip-pbx-0.0.9.tar.gz",
    "tests/output/junit/python3.12-units.xml",
    "tests/integration/inventory",
    "docs/_build/html/index.html",
    "plugins/modules/__pycache__/ivr_action_url.cpython-312.pyc",
    "tests/unit/__pycache__/test_metadata.cpython-312-pytest-9.2.0.pyc",
]
# An execution environment, AWX and the docs need these in the tarball.
SHIPPED = [
    "meta/runtime.yml",
    "meta/execution-environment.yml",
    "requirements.txt",
    "extensions/awx/portsip_credential_type.yml",
    "plugins/modules/ivr_action_url.py",
    "plugins/modules/ivr_action_url_info.py",
    "plugins/modules/login.py",
    "plugins/action/login.py",
    # Galaxy and docs.ansible.com render the user guide from these.
    "docs/docsite/extra-docs.yml",
    "docs/docsite/links.yml",
    "docs/docsite/rst/guide.rst",
]


def is_debris(path):
    parts = path.split("/")
    return (any(part in DEBRIS_DIRS or part.startswith(".venv") for part in parts)
            or any(path == prefix or path.startswith(prefix + "/") for prefix in DEBRIS_PATHS)
            or path.endswith((".tar.gz", ".pyc")))


def run(command, cwd=None, env=None):
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, "%s\n%s%s" % (" ".join(command), completed.stdout, completed.stderr)
    return completed.stdout


def build(source, output_path):
    os.makedirs(str(output_path), exist_ok=True)
    run([GALAXY, "collection", "build", str(source), "--output-path", str(output_path)])
    [tarball] = [name for name in os.listdir(str(output_path)) if name.endswith(".tar.gz")]
    return os.path.join(str(output_path), tarball)


def files_under(top):
    found = set()
    for directory, _dirs, names in os.walk(str(top)):
        for name in names:
            found.add(os.path.relpath(os.path.join(directory, name), str(top)).replace(os.sep, "/"))
    return found


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    """The collection built from this checkout, as a release would be."""
    return build(ROOT, tmp_path_factory.mktemp("dist"))


def test_the_tarball_ships_the_collection_and_no_debris_of_the_checkout(tmp_path):
    checkout = tmp_path / "checkout"

    def leave_debris_behind(directory, names):
        # Debris already in the real checkout stays there (a venv is large): the test plants its own.
        relative = os.path.relpath(directory, ROOT)
        return [name for name in names if is_debris(os.path.normpath(os.path.join(relative, name)).replace(os.sep, "/"))]

    shutil.copytree(ROOT, str(checkout), symlinks=True, ignore=leave_debris_behind)
    collection_files = files_under(checkout)
    for path in PLANTED:
        assert is_debris(path), path
        (checkout / path).parent.mkdir(parents=True, exist_ok=True)
        (checkout / path).write_text("debris\n")

    with tarfile.open(build(checkout, tmp_path / "dist")) as archive:
        members = archive.getnames()
        manifest = json.load(archive.extractfile("MANIFEST.json"))

    debris = sorted(member for member in members if is_debris(member))
    assert debris == [], "these would ship; add them to build_ignore in galaxy.yml: %s" % debris
    assert (manifest["collection_info"]["namespace"], manifest["collection_info"]["name"]) == ("portsip", "pbx")
    assert set(SHIPPED) <= set(members)
    # build_ignore drops only debris: every other file of the checkout ships (galaxy.yml becomes MANIFEST.json).
    assert sorted(collection_files - set(members) - {"galaxy.yml"}) == []


def test_an_execution_environment_installs_the_collection_and_its_python_requirements(tarball, tmp_path):
    shutil.copy(EE_DEFINITION, str(tmp_path / "execution-environment.yml"))
    shutil.copy(tarball, str(tmp_path / "portsip-pbx.tar.gz"))
    # `create` only writes the build context; no container engine runs and no image is pulled.
    run([BUILDER, "create", "--file", "execution-environment.yml", "--context", "context", "--output-filename", "Containerfile"],
        cwd=str(tmp_path))
    context = tmp_path / "context"
    containerfile = (context / "Containerfile").read_text()
    # The galaxy stage installs what _build/requirements.yml lists, working inside _build...
    assert "COPY _build /build" in containerfile and "WORKDIR /build" in containerfile
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile
    # ...the builder stage asks the installed collections for their Python requirements, the final stage installs them.
    assert "introspect.py introspect" in containerfile and "--write-pip=" in containerfile
    assert "/output/scripts/install-from-bindep" in containerfile

    # The galaxy stage, replayed here: the context must hold everything the install needs. The portsip.pbx this
    # test runs from must not be seen, or ansible-galaxy would call the collection installed and do nothing.
    collections = tmp_path / "collections"
    isolated = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false")
    run([GALAXY, "collection", "install", "--offline", "-r", "requirements.yml", "--collections-path", str(collections)],
        cwd=str(context / "_build"), env=isolated)
    installed = collections / "ansible_collections" / "portsip" / "pbx"
    assert (installed / "plugins" / "modules" / "ivr_action_url.py").is_file()
    assert (installed / "meta" / "execution-environment.yml").is_file()

    # The builder stage's introspection, replayed on what the galaxy stage installed.
    pip_file = tmp_path / "requirements.txt"
    run([BUILDER, "introspect", str(collections), "--write-pip", str(pip_file)])
    # No file at all when introspection finds no Python requirements.
    lines = pip_file.read_text().splitlines() if pip_file.exists() else []
    gathered = {line.split("#")[0].strip(): line.split("#", 1)[1].strip() for line in lines if line}
    with open(os.path.join(ROOT, "requirements.txt")) as handle:
        declared = {line.split("#")[0].strip() for line in handle if line.split("#")[0].strip()}
    assert set(gathered) == declared
    assert set(gathered.values()) == {"from collection portsip.pbx"}
    assert any(requirement.startswith("requests") for requirement in gathered)
