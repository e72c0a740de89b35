"""Fail unless every version_added of the modules' documentation names a released version or VERSION.

usage: tools/check-version-added.py VERSION    (tools/release.sh, before it changes anything)

antsibull-changelog lists a module or an option under a release only when its version_added is
that release's version; one that names a version never released (set while the next version was
unknown) would be left out of every changelog, silently.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def documentation(path):
    for node in ast.parse(path.read_text(encoding='utf-8')).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'DOCUMENTATION':
            return yaml.safe_load(node.value.value)
    return {}


def versions_added(doc, where):
    """(where, version_added) of the documented thing and of each of its options, suboptions included."""
    if 'version_added' in doc:
        yield where, str(doc['version_added'])
    for name, option in (doc.get('options') or doc.get('suboptions') or {}).items():
        yield from versions_added(option, '%s option %s' % (where, name))


def main(version):
    changelog = yaml.safe_load((ROOT / 'changelogs' / 'changelog.yaml').read_text(encoding='utf-8'))
    known = set(changelog.get('releases') or {}) | {version}
    unknown = ['%s: version_added %s' % found
               for path in sorted((ROOT / 'plugins' / 'modules').glob('*.py'))
               for found in versions_added(documentation(path), 'module ' + path.stem)
               if found[1] not in known]
    if unknown:
        sys.exit('check-version-added: neither released nor %s, so no changelog would list them:\n  %s'
                 % (version, '\n  '.join(unknown)))
    return 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
