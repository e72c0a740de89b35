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

BUILD = os.path.join(ROOT, "tools", "build.sh")

# Tracked files that stay in the repository: how it is built, linted, tested and released.
DEVELOPMENT = (".ansible-lint", ".gitignore", ".ci/", "Makefile", "tox.ini", "requirements-dev.txt", "constraints-dev.txt",
               "CONTRIBUTING.md", "tools/", "demo/", "changelogs/config.yaml", "changelogs/.plugin-cache.yaml",
               "changelogs/fragments/", "tests/requirements.txt", "tests/unit/", "tests/integration/", "tests/property/",
               "tests/simulator/tests/", "tests/ee/")
# An execution environment, AWX and the docs need these in the tarball.
SHIPPED = [
    "LICENSE",
    "meta/runtime.yml",
    "meta/execution-environment.yml",
    "requirements.txt",
    "extensions/awx/portsip_credential_type.yml",
    "plugins/modules/ivr_action_url.py",
    "plugins/modules/ivr_action_url_info.py",
    "plugins/modules/login.py",
    "plugins/action/login.py",
    # Galaxy shows docs/*.md; documentation sites render the user guide from docs/docsite/.
    "docs/guide.md",
    "docs/docsite/extra-docs.yml",
    "docs/docsite/links.yml",
    "docs/docsite/rst/guide.rst",
    # The guide's "Testing offline" page runs the simulator from the installed collection.
    "tests/simulator/portsip_sim/__main__.py",
]
# The tarball's own metadata: galaxy.yml becomes MANIFEST.json, which names FILES.json.
METADATA = {"MANIFEST.json", "FILES.json"}


def is_development(path):
    return path.startswith(DEVELOPMENT)


def run(command, cwd=None, env=None):
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, "%s\n%s%s" % (" ".join(command), completed.stdout, completed.stderr)
    return completed.stdout


def build_command(checkout, dist):
    """`make build` of ``checkout`` into ``dist``, with this test's ansible-galaxy and Python."""
    return subprocess.run([os.path.join(str(checkout), "tools", "build.sh"), str(dist)], capture_output=True, text=True,
                          timeout=300, check=False, env=dict(os.environ, PATH=BIN + os.pathsep + os.environ["PATH"]))


def build(checkout, dist):
    completed = build_command(checkout, dist)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    [tarball] = [name for name in os.listdir(str(dist)) if name.endswith(".tar.gz")]
    return os.path.join(str(dist), tarball)


def shipped_files(tarball):
    with tarfile.open(tarball) as archive:
        return {member.name for member in archive.getmembers() if member.isfile()}


def tracked_files(checkout):
    return set(run(["git", "ls-files"], cwd=str(checkout)).splitlines())


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    """The collection built from this checkout, as a release would be."""
    return build(ROOT, tmp_path_factory.mktemp("dist"))


def test_every_tracked_file_either_ships_or_is_development_tooling(tarball):
    shipped = shipped_files(tarball) - METADATA
    tracked = tracked_files(ROOT)
    assert sorted(shipped - tracked) == [], "only files git tracks may ship"
    assert sorted(path for path in shipped if is_development(path)) == [], "development tooling must not ship"
    unsorted = tracked - shipped - {"galaxy.yml"} - {path for path in tracked if is_development(path)}
    assert sorted(unsorted) == [], "ship these (galaxy.yml's manifest) or name them as development tooling here"
    assert set(SHIPPED) <= shipped, sorted(set(SHIPPED) - shipped)
    with tarfile.open(tarball) as archive:
        manifest = json.load(archive.extractfile("MANIFEST.json"))
        # The build machine's workarounds stay with the tooling, notes about them included.
        about_workarounds = sorted(name for name in shipped if b"get-pip" in archive.extractfile(name).read())
    assert (manifest["collection_info"]["namespace"], manifest["collection_info"]["name"]) == ("portsip", "pbx")
    assert about_workarounds == []


def test_a_file_git_does_not_track_never_ships(tracked_checkout, tmp_path):
    # Where a user's export lands when a playbook runs from the checkout, and untracked files in
    # every folder galaxy.yml's manifest ships from.
    planted = ["menus.yml", "docs/playbooks/menus.yml", "docs/notes.md", "docs/docsite/rst/draft.rst", "meta/local.yml",
               "plugins/modules/scratch.py", "tests/simulator/portsip_sim/local.py", "extensions/awx/local.yml"]
    for path in planted:
        (tracked_checkout / path).write_text("untracked\n")
    assert not set(planted) & tracked_files(tracked_checkout)

    shipped = shipped_files(build(tracked_checkout, tmp_path / "dist"))
    assert sorted(set(planted) & shipped) == []
    assert "plugins/modules/ivr_action_url.py" in shipped


def test_a_guide_page_that_docs_guide_md_lacks_stops_the_build(tracked_checkout, tmp_path):
    with open(str(tracked_checkout / "docs" / "docsite" / "rst" / "install.rst"), "a") as page:
        page.write("\nA paragraph added after the last `make guide`.\n")
    completed = build_command(tracked_checkout, tmp_path / "dist")
    assert completed.returncode != 0
    assert "docs/guide.md is not what docs/docsite/rst/ gives: run `make guide`" in completed.stderr
    assert not (tmp_path / "dist").exists()


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
