# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs the modules in this process against the simulator, hundreds of times a second.

Each run calls a module's main() with its arguments patched in, as ansible-core
hands them over, and reads the result it prints; the simulator's request log
and its raw stored state (secrets in clear) are read directly.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import copy
import io
import json
import re

from ansible.module_utils import basic
from hypothesis import event

from portsip_sim.state import new_id

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core <= 2.18 reads the arguments from basic._ANSIBLE_ARGS
    patch_module_args = None

ACCESS_TOKEN = "property-access-token-7c2e"
# The IVRs of the simulator (Simulator(ivrs=IVRS) numbers them 8001 up): enough for ivr_action_urls to declare
# several and to gather one onto another.
IVRS = 3
IVR_NUMBERS = tuple(str(8000 + number) for number in range(1, IVRS + 1))
# The refusals the engine documents for a valid declaration, or for one fed back from an older PBX's values that a
# create would send: each is made before any write.
REFUSALS = re.compile(r"does not give back its stored|action URLs are named|cannot rename|does not exist yet|so also set|"
                      r"appears more than once|lowercase letters|exactly as declared")
CREATE_PATH = r"/api/ivrs/[^/]+/action_urls"
DESTROY_PATH = r"/api/ivrs/[^/]+/action_urls/[^/]+/destroy"
# A write whose answer is lost after the simulator applied it: the connection closes unanswered, or a gateway answers
# 500. Each is (fault rule, the path it matches).
LOST_ANSWERS = {
    "create": (dict(kind="commit_drop"), CREATE_PATH),
    "create_500": (dict(kind="answer", status=500, apply=True), CREATE_PATH),
    "destroy": (dict(kind="commit_drop"), DESTROY_PATH),
}


@contextlib.contextmanager
def module_args(args):
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
    else:
        old = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = old


def _write_kind(path):
    if path.endswith("/destroy"):
        return "delete"
    return "create" if re.fullmatch(CREATE_PATH, path) else "update"


def created_in(run):
    """How many IVRs ``run`` created an action URL in: each costs a read more, to look for other runs' copies."""
    return len({entry["path"] for entry in run.writes if re.fullmatch(CREATE_PATH, entry["path"])})


def lost_answer_of(run):
    """The fault that took a write's answer in ``run``, if any."""
    return next((entry["fault"] for entry in run.writes if entry["fault"]), None)


def listing_requests(mode):
    """The requests a listing of the IVRS IVRs takes: a page per max_page_size of them, and with skip counted from 1,
    one more where a page of one IVR only repeats the last one read (client.list_all)."""
    size = mode["max_page_size"] or IVRS
    return -(-IVRS // size) + (mode["skip_base"] == 1 and size == 1)


class Run:
    """One module run: its result and the requests it made."""

    def __init__(self, result, log):
        self.result = result
        self.log = log

    @property
    def failed(self):
        return bool(self.result.get("failed"))

    @property
    def writes(self):
        return [entry for entry in self.log if entry["write"]]

    def lost(self, path):
        """How many of this run's writes to ``path`` (CREATE_PATH, DESTROY_PATH) lost their answer."""
        return sum(1 for entry in self.writes if entry["fault"] in ("commit_drop", "answer") and re.fullmatch(path, entry["path"]))


class Pbx:
    """The simulator, with a few IVRs whose action URLs each example seeds."""

    def __init__(self, sim):
        self.sim = sim
        self.ivrs = [(ivr_id, ivr["extension_number"]) for ivr_id, ivr in sim.state.ivrs.items()]

    def prepare(self, mode, stored_by_ivr):
        """Reset the simulator to ``mode`` and store the action URLs given per IVR, each given a new id.

        Written into the state directly, not through the seed API, so that they may hold what a PBX answers but
        the simulator would refuse: null fields, missing fields, unknown fields. Returns [(ivr_id, number, stored)].
        """
        self.sim.reset()
        # A PBX that holds values only older PBXs accepted is such a PBX: it accepts them sent back in an update.
        legacy = any(obj.get("username") and obj["username"] != obj["username"].lower() for stored in stored_by_ivr for obj in stored)
        self.sim.configure(legacy_values=legacy, **{name: value for name, value in mode.items() if name != "lost_answer"})
        prepared = []
        with self.sim.lock:
            for (ivr_id, number), stored in zip(self.ivrs, stored_by_ivr):
                urls = self.sim.state.action_urls[ivr_id]
                for position, obj in enumerate(stored):
                    url_id = new_id(position + 1, urls)
                    urls[url_id] = dict(copy.deepcopy(obj), id=url_id)
                prepared.append((ivr_id, number, list(copy.deepcopy(urls).values())))
        return prepared

    def raw(self):
        """Every stored action URL, as the PBX holds it (secrets in clear): {ivr id: {action URL id: object}}."""
        with self.sim.lock:
            return copy.deepcopy(self.sim.state.action_urls)

    def run(self, module, params, check=False, diff=True, lost_answer=None):
        """Run ``module`` (its imported Python module) with ``params``; a lost answer for its first write of that kind."""
        args = dict(params, pbx_url=self.sim.base_url, pbx_access_token=ACCESS_TOKEN, pbx_timeout=2,
                    _ansible_check_mode=check, _ansible_diff=diff)
        self.sim.log.clear()
        if lost_answer:
            rule, path = LOST_ANSWERS[lost_answer]
            self.sim.faults.add(method="POST", path=path, **rule)
        out = io.StringIO()
        try:
            with module_args(args), contextlib.redirect_stdout(out):
                module.main()
        except SystemExit:
            pass
        finally:
            self.sim.faults.clear()
        return Run(json.loads(out.getvalue()), self.sim.received())


class Runs:
    """One declaration run three times: in check mode, for real (losing the answer of its first write of the kind
    ``lost_answer`` names, if any), and again; with the raw stored state before and after each."""

    def __init__(self, pbx, module, params, lost_answer=None):
        self.params = params
        self.before = pbx.raw()
        self.check = pbx.run(module, params, check=True)
        self.after_check = pbx.raw()
        self.real = pbx.run(module, params, lost_answer=lost_answer)
        self.after = pbx.raw()
        self.again = pbx.run(module, params)
        self.after_again = pbx.raw()
        self.runs = (self.check, self.real, self.again)
        self._count()

    def _count(self):
        """Hypothesis' statistics (--hypothesis-show-statistics): how often each outcome and write was drawn."""
        if self.refused:
            event("refused: %s" % REFUSALS.search(self.real.result["msg"]).group())
        elif self.real.failed:
            event("failed: %s" % self.real.result["msg"][:40])
        for kind in sorted({_write_kind(entry["path"]) for entry in self.real.writes}):
            event("wrote: %s" % kind)
        if lost_answer_of(self.real):
            event("lost answer: %s" % lost_answer_of(self.real))

    @property
    def refused(self):
        """Whether the real run made one of the refusals the engine documents for a valid declaration."""
        return self.real.failed and REFUSALS.search(self.real.result["msg"])

    def refused_without_change(self):
        """Assert that the real run succeeded, or made a documented refusal that changed nothing; True for a refusal."""
        assert not self.real.failed or self.refused, self.real.result
        if self.refused:
            assert self.after == self.before
        return bool(self.refused)

    def check_failed_alike(self):
        """Assert that check mode wrote nothing and, if the real run failed, failed with the same message; True then."""
        assert self.check.writes == [] and self.after_check == self.before
        if self.real.failed:
            assert self.check.failed and self.check.result["msg"] == self.real.result["msg"], (self.check.result, self.real.result)
        return self.real.failed
