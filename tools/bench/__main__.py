# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""`python tools/bench [options]`: what `make bench` runs; `--help` lists the options."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import sys

# Run as a directory, Python puts tools/bench itself on the path: put tools/ there instead, so the files
# import each other as the package `bench`, and the simulator's package, so it runs without PYTHONPATH.
TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[0:1] = [TOOLS, os.path.join(os.path.dirname(TOOLS), "tests", "simulator")]

from bench.cli import run  # noqa: E402  pylint: disable=wrong-import-position

if __name__ == "__main__":
    sys.exit(run())
