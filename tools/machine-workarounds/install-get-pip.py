"""Place get_pip_standin.py (beside this file) where ansible-test looks for its cached get-pip script.

ansible-test (sanity --venv, units --venv, ...) bootstraps pip into its virtual environments
from ~/.ansible/test/cache/get_pip_<pip version with underscores>.py and otherwise downloads
get-pip.py from a host this network cannot reach. The pip version it wants is read from the
installed ansible-test (_internal/python_requirements.py); the versions pinned by ansible-core
2.16 to 2.21 are covered too. A file there that is not our stand-in (a real get-pip.py) is
left alone. Run with the venv's Python.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

KNOWN_VERSIONS = ('25.2', '24.2', '23.1.2')
MARKER = 'portsip.pbx get-pip stand-in'


def pinned_pip_versions() -> set[str]:
    try:
        import ansible_test
    except ImportError:
        print('install-get-pip: ansible-test is not installed in %s' % sys.executable, file=sys.stderr)
        return set()
    source = Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py'
    text = source.read_text(encoding='utf-8')
    # default_packages = dict(pip='25.2', ...) and any per-Python overrides of it.
    found = set(re.findall(r"""\bpip\s*=\s*['"]([0-9][0-9.]*)['"]""", text))
    found |= set(re.findall(r"""['"]pip['"]\s*:\s*['"]([0-9][0-9.]*)['"]""", text))
    if not found:
        print('install-get-pip: found no pip pin in %s' % source, file=sys.stderr)
    return found


def main() -> int:
    standin = Path(__file__).with_name('get_pip_standin.py')
    cache = Path(os.path.expanduser('~/.ansible/test/cache'))
    cache.mkdir(parents=True, exist_ok=True)
    pinned = pinned_pip_versions()
    for version in sorted(pinned | set(KNOWN_VERSIONS)):
        target = cache / ('get_pip_%s.py' % version.replace('.', '_'))
        if target.exists() and MARKER not in target.read_text(encoding='utf-8', errors='replace'):
            continue  # a real get-pip.py someone put there
        shutil.copyfile(standin, target)
    print('install-get-pip: stand-in for pip %s in %s' % (', '.join(sorted(pinned)) or '?', cache))
    return 0


if __name__ == '__main__':
    sys.exit(main())
