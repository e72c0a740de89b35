# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the run ran on: the machine and the versions that set the numbers."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import platform
import sys

from bench import BenchError


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def cores():
    """The cores this process may run on, which a container or taskset may make fewer than the machine's."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def versions():
    """{"python", "ansible_core", "requests"}: the versions the modules run with (this Python's)."""
    from ansible.release import __version__ as ansible_core  # pylint: disable=import-outside-toplevel
    try:
        import requests  # pylint: disable=import-outside-toplevel
    except ImportError as error:
        raise BenchError("the modules need requests, which %s cannot import" % sys.executable) from error
    return {"python": platform.python_version(), "ansible_core": ansible_core, "requests": requests.__version__}
