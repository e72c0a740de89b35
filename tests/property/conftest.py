# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Hypothesis profiles and the in-process simulator of the property tests.

``ci`` (the default, what ``make test`` runs) draws the same examples on every run; ``fuzz``
(HYPOTHESIS_PROFILE=fuzz, ``make fuzz``) draws many more, new ones each run. Neither writes an
example database into the tree: ``fuzz`` keeps one in .build/hypothesis/, so a failure it
found is tried first on the next fuzz run.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import functools
import os
import sys
from unittest import mock

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "simulator"))

from portsip_sim import Simulator  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.portsip.pbx.plugins.module_utils import module as module_utils  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.portsip.pbx.plugins.module_utils.client import Client  # noqa: E402  pylint: disable=wrong-import-position

from harness import ACCESS_TOKEN, IVRS, Pbx  # noqa: E402  pylint: disable=wrong-import-position

# Hypothesis keeps caches (and fuzz's examples) in .hypothesis/ of the working directory unless told otherwise.
STORAGE = os.path.join(ROOT, ".build", "hypothesis")
set_hypothesis_home_dir(STORAGE)

# The simulator answers in well under a millisecond, but a loaded machine can stall any one example.
COMMON = dict(deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", derandomize=True, database=None, max_examples=20, **COMMON)
settings.register_profile("fuzz", max_examples=1000,
                          database=DirectoryBasedExampleDatabase(os.path.join(STORAGE, "examples")), **COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def pbx():
    """The simulator with IVRS IVRs; the client's retries and waits do not sleep, so lost answers cost no time."""
    with mock.patch.object(module_utils, "Client", functools.partial(Client, sleep=lambda seconds: None)):
        with Simulator(ivrs=IVRS, access_token=ACCESS_TOKEN) as sim:
            yield Pbx(sim)
