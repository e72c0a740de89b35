# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTML documentation site (tools/docs.sh, as make docs builds it) holds every guide page and module page."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)

pytestmark = pytest.mark.skipif(not os.path.exists(os.path.join(BIN, "antsibull-docs")),
                                reason="antsibull-docs is not installed next to this Python (it is in make's .venv)")

# Offline, Sphinx cannot load the inventories of docs.ansible.com and docs.python.org, so the labels the
# generated module pages take from there (common_return_values, ...) stay unresolved. Any other warning is ours.
OFFLINE = re.compile(r"WARNING: (failed to reach any of the inventories|.*undefined label: '(?!ansible_collections\.portsip\.)[^']*')")


class Page(HTMLParser):
    def __init__(self):
        HTMLParser.__init__(self)
        self.links = []
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    dest = tmp_path_factory.mktemp("docs")
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ["PATH"])
    build = subprocess.run([os.path.join(ROOT, "tools", "docs.sh"), str(dest)], env=env, capture_output=True, text=True,
                           timeout=600, check=False)
    output = build.stdout + build.stderr
    assert build.returncode == 0, output
    html = dest / "build" / "html"
    pages = {}
    for directory, _dirs, names in os.walk(str(html)):
        for name in names:
            if name.endswith(".html"):
                path = os.path.join(directory, name)
                page = Page()
                with open(path, encoding="utf-8") as handle:
                    page.feed(handle.read())
                pages[os.path.relpath(path, str(html)).replace(os.sep, "/")] = page
    return output, pages


def test_every_guide_page_and_every_module_is_in_the_site(site):
    _output, pages = site
    with open(os.path.join(ROOT, "docs", "docsite", "extra-docs.yml")) as handle:
        sections = yaml.safe_load(handle)["sections"]
    guide = {entry for section in sections for entry in section["toctree"]}
    on_disk = {name[:-4] for name in os.listdir(os.path.join(ROOT, "docs", "docsite", "rst")) if name.endswith(".rst")}
    assert guide == on_disk, "every page in docs/docsite/rst/ belongs in the table of contents of extra-docs.yml"
    modules = {name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules")) if name.endswith(".py")}
    expected = {"docsite/%s.html" % name for name in guide} | {"%s_module.html" % name for name in modules}
    assert expected <= set(pages), sorted(expected - set(pages))
    index_links = {urlsplit(link).path for link in pages["index.html"].links}
    assert expected <= index_links, "not linked from the index: %s" % sorted(expected - index_links)


def test_no_broken_internal_link_and_no_warning_of_ours(site):
    output, pages = site
    warnings = [line for line in output.splitlines() if "WARNING" in line and not OFFLINE.search(line)]
    assert warnings == []
    broken = []
    for name, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            # Other sites, and the theme's links to the root of the host that serves the site (docs.ansible.com).
            if parts.scheme or parts.netloc or parts.path.startswith("/"):
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(name), unquote(parts.path))).replace(os.sep, "/") if parts.path else name
            if target not in pages and not target.startswith("_"):
                broken.append("%s: %s" % (name, link))
            elif parts.fragment and target in pages and parts.fragment not in pages[target].ids:
                broken.append("%s: %s (no such anchor)" % (name, link))
    assert broken == [], "\n".join(broken)
