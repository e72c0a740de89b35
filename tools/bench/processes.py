# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Running a command and timing it: wall time and the CPU time of the whole process tree."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import dataclasses
import glob
import os
import resource
import signal
import subprocess
import time

from bench import BenchError


@dataclasses.dataclass(frozen=True)
class Timing:
    """Seconds of one command: wall time, and CPU time (user + system) of it and every process under it."""

    wall: float
    cpu: float


class Clock:
    """Wall time, and the CPU time of the child processes that ended meanwhile.

    ansible-playbook waits for its workers and they wait for the module processes, so its CPU time covers
    the whole tree. The simulator runs in this process and is not counted.
    """

    def __init__(self):
        self.wall = time.perf_counter()
        self.cpu = self._children()

    @staticmethod
    def _children():
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def read(self):
        return Timing(wall=time.perf_counter() - self.wall, cpu=self._children() - self.cpu)


def timed(command, env=None, cwd=None):
    """Run a command; returns (Timing, stdout, stderr). Raises BenchError if it fails.

    If the benchmark is interrupted, the command and every process under it (an ansible-playbook, its
    workers, which start their own sessions, and their module processes) are killed with it.
    """
    clock = Clock()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    try:
        out, err = process.communicate()
    except BaseException:
        kill_tree(process)
        raise
    timing = clock.read()
    if process.returncode != 0:
        raise BenchError("%s failed (rc %d):\n%s" % (" ".join(command), process.returncode, (out + err)[-4000:]))
    return timing, out, err


def kill_tree(process):
    """Kill a process and everything under it; the workers' own sessions keep them out of its process group."""
    for pid in [process.pid] + descendants(process.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass  # already gone
    process.wait()


def descendants(root):
    """The PIDs of every process under `root`, from /proc (empty where there is no /proc)."""
    children = collections.defaultdict(list)
    for entry in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(entry, encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children[int(fields[1])].append(int(entry.split("/")[2]))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found
