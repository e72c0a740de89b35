"""Write docs/guide.md: the user guide of docs/docsite/ as one Markdown page, for Galaxy.

Galaxy and Automation Hub show a collection's top-level docs/*.md in its Documentation tab and
nothing of docs/docsite/, and a link from one of those pages to another has no address that works
on both. So the guide becomes one page: every page that docs/docsite/extra-docs.yml lists, in its
order, converted by Sphinx's Markdown builder (sphinx-markdown-builder); each cross reference
becomes a link within the page. A reference to a module's documentation becomes the module's name
(Galaxy lists the modules beside the page). Any Sphinx warning, or a link to an anchor the page
lacks, fails the conversion.

usage: tools/guide-md.py [--check]    (run with .venv's Python: make guide)
--check: write nothing; fail when docs/guide.md is not what the sources give (tools/build.sh).
"""
from __future__ import annotations

import io
import re
import shutil
import sys
import tempfile
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parent.parent
DOCSITE = ROOT / 'docs' / 'docsite'
GUIDE = ROOT / 'docs' / 'guide.md'
HEADER = ('<!-- Made by `make guide` from docs/docsite/rst/ (the pages of docs/docsite/extra-docs.yml):'
          ' edit those, not this file. -->\n\n')
MODULE_LABEL = re.compile(r'ansible_collections\.portsip\.pbx\.\w+_module')


def pages():
    sections = yaml.safe_load((DOCSITE / 'extra-docs.yml').read_text(encoding='utf-8'))['sections']
    return [page for section in sections for page in section['toctree']]


def module_name(app, env, node, contnode):
    """Sphinx's missing-reference handler: a module reference becomes the module's name as code."""
    if MODULE_LABEL.fullmatch(node.get('reftarget', '')):
        return nodes.literal('', contnode.astext())
    return None


def convert(work):
    source = work / 'source'
    (source / 'pages').mkdir(parents=True)
    includes = []
    for page in pages():
        shutil.copy(DOCSITE / 'rst' / ('%s.rst' % page), source / 'pages')
        includes.append('.. include:: pages/%s.rst\n' % page)
    (source / 'index.rst').write_text('\n'.join(includes), encoding='utf-8')

    warnings = io.StringIO()
    app = Sphinx(str(source), None, str(work / 'md'), str(work / 'doctrees'), 'markdown',
                 confoverrides={'extensions': ['sphinx_markdown_builder'], 'root_doc': 'index',
                                'exclude_patterns': ['pages'], 'smartquotes': False},
                 status=None, warning=warnings, freshenv=True)
    app.connect('missing-reference', module_name)
    app.build()
    if warnings.getvalue():
        sys.exit('guide-md: the conversion warned:\n%s' % warnings.getvalue())

    text = (work / 'md' / 'index.md').read_text(encoding='utf-8')
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    broken = sorted({target for target in re.findall(r'\]\(#?([^)]*)\)', text)
                     if target not in anchors and not target.startswith(('http://', 'https://'))})
    if broken:
        sys.exit('guide-md: links to no anchor of the page: %s' % ', '.join(repr(target) for target in broken))
    return HEADER + text


def main():
    check = sys.argv[1:] == ['--check']
    with tempfile.TemporaryDirectory() as work:
        guide = convert(Path(work))
    if not check:
        GUIDE.write_text(guide, encoding='utf-8')
        print('guide-md: wrote %s' % GUIDE.relative_to(ROOT))
    elif not GUIDE.is_file() or GUIDE.read_text(encoding='utf-8') != guide:
        sys.exit('guide-md: docs/guide.md is not what docs/docsite/rst/ gives: run `make guide` and commit it')
    return 0


if __name__ == '__main__':
    sys.exit(main())
