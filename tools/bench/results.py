# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a run measured, by scenario name: per-task times, medians over the rounds, ratios and latency differences."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import dataclasses
import statistics
import typing

from bench.processes import Timing
from bench.scenarios import LoopLengths


@dataclasses.dataclass(frozen=True)
class Round:
    """One round of one scenario: the playbook with an empty loop, with its items, and the requests the latter made."""

    empty: Timing
    full: Timing
    requests: int


@dataclasses.dataclass
class Measured:
    """A scenario's measurements; n: its loop's items, tasks and urls as in scenarios.Scenario."""

    name: str
    label: str
    family: str
    n: int
    tasks: int
    urls: int
    rounds: typing.List[Round] = dataclasses.field(default_factory=list)

    def per_object(self, kind="wall"):
        """Each round's seconds per loop item (kind "wall" or "cpu"): the start-up of the empty loop taken off."""
        return [(getattr(done.full, kind) - getattr(done.empty, kind)) / self.n for done in self.rounds]

    def per_url(self, kind="wall"):
        return [seconds / self.urls for seconds in self.per_object(kind)]

    def median(self, kind="wall"):
        """The median seconds per loop item."""
        return statistics.median(self.per_object(kind))

    def requests(self):
        """The median requests per loop item."""
        return statistics.median(done.requests for done in self.rounds) / float(self.n)

    def startup(self):
        """The median wall seconds of the empty loop."""
        return statistics.median(done.empty.wall for done in self.rounds)

    def with_items(self):
        """The median wall seconds of the loop with its items."""
        return statistics.median(done.full.wall for done in self.rounds)


@dataclasses.dataclass
class RunInfo:
    """Where and how the run was made; parallelism: ivr_action_urls's default, when a scenario used it."""

    date: str
    cores: int
    cpu_model: str
    python: str
    ansible_core: str
    requests: str
    lengths: LoopLengths
    rounds: int
    parallelism: typing.Optional[int] = None
    duration: float = 0.0
    load_start: float = 0.0
    load_end: float = 0.0


class Results:
    """The measured scenarios by name (in the report's order), the start-up profile (None for a partial run), RunInfo."""

    def __init__(self, measured, profile, info):
        self.by_name = {scenario.name: scenario for scenario in measured}
        self.profile = profile
        self.info = info

    def __contains__(self, name):
        return name in self.by_name

    def __getitem__(self, name):
        return self.by_name[name]

    def family(self, family):
        return [scenario for scenario in self.by_name.values() if scenario.family == family]

    def per(self, name, kind="wall"):
        return self.by_name[name].median(kind)

    def requests(self, name):
        return self.by_name[name].requests()

    def ratios(self, top, bottom, kind="wall"):
        """Each round's ratio of the time per action URL: the two runs of a ratio are measured back to back."""
        pairs = zip(self.by_name[top].per_url(kind), self.by_name[bottom].per_url(kind))
        return [numerator / denominator for numerator, denominator in pairs]

    def ratio(self, top, bottom, kind="wall"):
        """The median over the rounds of each round's ratio."""
        return statistics.median(self.ratios(top, bottom, kind))

    def added(self, slower, faster):
        """Each round's wall seconds per task that scenario `slower` takes over `faster`, measured in the same round."""
        return [one - other for one, other in zip(self.by_name[slower].per_object(), self.by_name[faster].per_object())]

    def added_ratios(self, top, bottom):
        """Each round's ratio of two such differences; top and bottom are (slower, faster) pairs."""
        return [numerator / denominator for numerator, denominator in zip(self.added(*top), self.added(*bottom))]
