# -*- coding: utf-8 -*-
# portsip.pbx get-pip stand-in (this line marks the file as ours: install-get-pip.py beside it
# replaces only files that carry it).
#
# ansible-test bootstraps pip into each virtual environment it creates by running a cached
# get-pip.py (~/.ansible/test/cache/get_pip_<version>.py) or by downloading one from a host this
# network cannot reach. This stand-in does the same job with what Python ships and the package
# index: `ensurepip`, then `pip install <the arguments ansible-test passes>` (e.g. pip==25.2).
# ansible-test runs it through runpy as __main__, with get-pip's own options in sys.argv.
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel', '--no-pip')


def has_module(name):
    return subprocess.call([sys.executable, '-c', 'import %s' % name],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0


def main():
    args = sys.argv[1:]
    pip_args = [a for a in args if a not in GET_PIP_ONLY_OPTIONS]
    had_setuptools = has_module('setuptools')

    if not has_module('ensurepip'):
        sys.exit('get-pip stand-in: %s has no ensurepip module, cannot bootstrap pip offline' % sys.executable)

    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
    if pip_args:
        subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + pip_args)

    # ensurepip also installs setuptools on Python < 3.12; get-pip would not have with --no-setuptools.
    if '--no-setuptools' in args and not had_setuptools and has_module('setuptools'):
        subprocess.check_call([sys.executable, '-m', 'pip', 'uninstall', '--yes', '--quiet', 'setuptools'])


if __name__ == '__main__':
    main()
