"""Check the documentation galaxy-importer rendered, as Galaxy and Automation Hub will show it.

usage: check-docs.py IMPORTER_RESULT_JSON    (import-check.sh)

Galaxy shows README.md on the collection's page and each docs/*.md in its Documentation tab, at
addresses of its own, outside the repository: a relative link there leads nowhere. So every link
of the README must be absolute, and every link of a docs page absolute or to an anchor of that
same page. The user guide (docs/guide.md, tools/guide-md.py) must be among the pages.
"""
from __future__ import annotations

import json
import sys
from html.parser import HTMLParser

ABSOLUTE = ('https://', 'http://')


class Page(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.links = []
        self.ids = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get('id'):
            self.ids.add(attrs['id'])
        if tag == 'a' and 'href' in attrs:
            self.links.append(attrs['href'] or '')


def dead_links(name, html, anchors_allowed):
    page = Page(html)
    for link in page.links:
        if link.startswith(ABSOLUTE):
            continue
        if anchors_allowed and link.startswith('#') and link[1:] in page.ids:
            continue
        yield '%s: %r' % (name, link)


def main(path):
    docs = json.load(open(path, encoding='utf-8'))['docs_blob']
    readme = docs['collection_readme']
    problems = list(dead_links(readme['name'], readme['html'], anchors_allowed=False))
    pages = {page['name']: page['html'] for page in docs['documentation_files']}
    for name, html in sorted(pages.items()):
        problems.extend(dead_links('docs/' + name, html, anchors_allowed=True))
    if 'guide.md' not in pages:
        problems.append('docs/guide.md: not among the documentation pages %s' % sorted(pages))
    if problems:
        sys.exit('check-docs: links that lead nowhere on Galaxy, or a missing page:\n  ' + '\n  '.join(problems))
    print('check-docs: README.md and %s: every link absolute or to an anchor of its page' % ', '.join('docs/' + name for name in sorted(pages)))
    return 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
