# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""make release (tools/release.sh) refuses what would make a wrong release, before it changes anything."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import subprocess
import sys

BIN = os.path.dirname(sys.executable)


def release(checkout, version):
    return subprocess.run([str(checkout / "tools" / "release.sh"), version], capture_output=True, text=True, timeout=60,
                          check=False, env=dict(os.environ, PATH=BIN + os.pathsep + os.environ["PATH"]))


def refused(checkout, version, reason):
    """Run the release; it must fail saying ``reason``, and leave the repository as it was."""
    head = subprocess.check_output(["git", "-C", str(checkout), "rev-parse", "HEAD"], text=True)
    status = subprocess.check_output(["git", "-C", str(checkout), "status", "--porcelain"], text=True)
    completed = release(checkout, version)
    assert completed.returncode != 0
    assert reason in completed.stderr, completed.stdout + completed.stderr
    assert subprocess.check_output(["git", "-C", str(checkout), "rev-parse", "HEAD"], text=True) == head
    assert subprocess.check_output(["git", "-C", str(checkout), "status", "--porcelain"], text=True) == status


def test_a_version_that_is_not_x_y_z_is_refused(tracked_checkout):
    for version in ["", "1.2", "v1.2.3", "1.2.3-rc1", "01.2.3"]:
        refused(tracked_checkout, version, "VERSION must be x.y.z")


def test_a_work_tree_with_changes_or_untracked_files_is_refused(tracked_checkout):
    (tracked_checkout / "menus.yml").write_text("an export left in the checkout\n")
    refused(tracked_checkout, "9.0.0", "the work tree has changes or untracked files")
    (tracked_checkout / "menus.yml").unlink()
    with open(str(tracked_checkout / "README.md"), "a") as readme:
        readme.write("An edit not committed.\n")
    refused(tracked_checkout, "9.0.0", "the work tree has changes or untracked files")


def test_a_version_not_newer_than_the_last_release_is_refused(tracked_checkout):
    # changelogs/changelog.yaml holds 0.1.0 at least.
    refused(tracked_checkout, "0.1.0", "is not newer than")
    refused(tracked_checkout, "0.0.9", "is not newer than")


def test_a_version_already_tagged_is_refused(tracked_checkout):
    subprocess.check_call(["git", "-C", str(tracked_checkout), "tag", "v9.0.0"])
    refused(tracked_checkout, "9.0.0", "tag v9.0.0 exists")


def test_a_version_added_that_no_changelog_would_list_is_refused(tracked_checkout):
    login = tracked_checkout / "plugins" / "modules" / "login.py"
    text = login.read_text()
    assert text.count("\nversion_added: ") == 1
    login.write_text(re.sub(r"\nversion_added: .*", "\nversion_added: 8.8.8", text))
    subprocess.check_call(["git", "-C", str(tracked_checkout), "-c", "user.name=test", "-c", "user.email=test@example.com",
                           "commit", "--quiet", "--all", "-m", "unreleased version_added"])
    refused(tracked_checkout, "9.0.0", "module login: version_added 8.8.8")
