# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Two or three runs against one PBX at once, their requests interleaved in an order hypothesis draws.

A run that pauses after its creates (action_url.settle_at) goes on only once every other run pauses or has ended:
the pause is long enough for what it waits for, which is the bound the collection documents. Whatever the order:
each name declared ends held by exactly one action URL, every run of the same declaration succeeds, and a later run of
any declaration alone succeeds and then changes nothing.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import threading

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from hypothesis import Phase, event, given, settings
from hypothesis import strategies as st

from ansible_collections.portsip.pbx.plugins.module_utils import action_url, action_url_set
from ansible_collections.portsip.pbx.plugins.module_utils.client import Client

from harness import ACCESS_TOKEN, REFUSALS
from invariants import crowded_names
from strategies import options

NAMES = ("crm", "vip")


class Turns:
    """One request at a time, of the run whose turn hypothesis draws; a paused run waits until no run is running."""

    def __init__(self, draw, count):
        self.draw = draw
        self.cond = threading.Condition()
        self.state = ["running"] * count  # running, ready (to send a request), paused, done
        self.turn = None
        self.cancelled = False

    def request(self, index):
        with self.cond:
            self.state[index] = "ready"
            self.cond.notify_all()
            self.cond.wait_for(lambda: self.turn == index or self.cancelled)
            self._go_on()
            self.turn, self.state[index] = None, "running"

    def pause(self, index):
        with self.cond:
            self.state[index] = "paused"
            self.cond.notify_all()
            self.cond.wait_for(lambda: self.state[index] == "running" or self.cancelled)
            self._go_on()

    def _go_on(self):
        if self.cancelled:
            raise RuntimeError("the example ended before this run")

    def cancel(self):
        """End every run still waiting for its turn: the example ended (a failed assertion, hypothesis stopped it)."""
        with self.cond:
            self.cancelled = True
            self.cond.notify_all()

    def done(self, index):
        with self.cond:
            self.state[index] = "done"
            self.cond.notify_all()

    def drive(self):
        """Give turns until every run has ended; the order of the requests is drawn."""
        with self.cond:
            while True:
                self.cond.wait_for(lambda: "running" not in self.state and self.turn is None, timeout=30)
                assert "running" not in self.state, "a run took more than 30 s between two requests"
                if all(state == "done" for state in self.state):
                    return
                ready = [index for index, state in enumerate(self.state) if state == "ready"]
                if ready:
                    self.turn = ready[self.draw(st.integers(0, len(ready) - 1), label="turn")]
                else:
                    self.state = ["running" if state == "paused" else state for state in self.state]
                self.cond.notify_all()


def _client(pbx, turns, index):
    """A client whose requests take turns, and whose pause after creates, however short, lets the others go on."""
    client = Client(pbx.sim.base_url, access_token=ACCESS_TOKEN, timeout=30, sleep=lambda seconds: None)
    send = client.transport.send

    def gated(*args, **kwargs):
        turns.request(index)
        return send(*args, **kwargs)
    client.transport.send = gated
    client.wait = lambda seconds: turns.pause(index)
    return client


def _validated(spec, params):
    """The parameters as Ansible hands them to a module: defaults filled in, types checked, parsed from JSON."""
    result = ArgumentSpecValidator(spec).validate(json.loads(json.dumps(params)))
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


@st.composite
def declarations(draw, ivr_id):
    """What one run declares about the names of NAMES in one IVR: ivr_action_url or ivr_action_urls."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=2, unique=True), label="names")
    whole = draw(st.sampled_from(("ivr_action_url", "merged", "overridden")), label="how")
    items = [dict(draw(options(complete=True, exists=False, whole=whole == "overridden"), label="options"), name=name)
             for name in names]
    if whole == "ivr_action_url":
        return whole, _validated(action_url.argument_spec(), dict(items[0], ivr_id=ivr_id))
    return whole, _validated(action_url_set.argument_spec(), {
        "config": [{"ivr_id": ivr_id, "action_urls": items}], "state": whole, "parallelism": 1})


def _run(client, how, params):
    if how == "ivr_action_url":
        return action_url.ensure(client, params["ivr_id"], params, check_mode=False)
    return action_url_set.run(client, params, check_mode=False, diff=False)


def _declared_names(how, params):
    if how == "ivr_action_url":
        return {params["name"]}
    return {item["name"] for entry in params["config"] for item in entry["action_urls"]}


# Without the explain phase: it traces every line in every thread, which slows the runs' requests a hundredfold.
@settings(phases=[phase for phase in Phase if phase is not Phase.explain])
@given(st.data())
def test_overlapping_runs_leave_one_action_url_per_name(pbx, data):
    (ivr_id, _number, _stored), = pbx.prepare({"secrets": "masked", "update": "keep", "unknown_id_status": 404,
                                               "blank_defaults": False}, [[]])
    count = data.draw(st.integers(2, 3), label="runs")
    same = data.draw(st.booleans(), label="same declaration")
    first = data.draw(declarations(ivr_id), label="declaration")
    runs = [first if same else data.draw(declarations(ivr_id), label="declaration %d" % index) for index in range(count)]
    same = same or all(run == first for run in runs)
    event("overlapping runs: %d, %s" % (count, "same declaration" if same else "different declarations"))

    # The ids the PBX gives, drawn: which copy has the lowest id decides which run deletes its own.
    ids = iter(data.draw(st.lists(st.text("ABCDEFGH", min_size=4, max_size=4), min_size=12, max_size=12, unique=True),
                         label="ids"))
    pbx.sim.state._new_id = lambda taken: next(ids)  # pylint: disable=protected-access
    turns = Turns(data.draw, count)
    outcomes = [None] * count

    def start(index, how, params):
        try:
            outcomes[index] = _run(_client(pbx, turns, index), how, params)
        except Exception as error:  # pylint: disable=broad-except
            outcomes[index] = error
        finally:
            turns.done(index)

    threads = [threading.Thread(target=start, args=(index, how, params), daemon=True) for index, (how, params) in enumerate(runs)]
    for thread in threads:
        thread.start()
    try:
        turns.drive()
    finally:
        turns.cancel()
        for thread in threads:
            thread.join(30)

    held = [obj["name"] for obj in pbx.raw()[ivr_id].values()]
    declared = set().union(*(_declared_names(how, params) for how, params in runs))
    if any(isinstance(outcome, Exception) for outcome in outcomes):
        event("overlapping runs: a run failed")
    if same:
        assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert crowded_names(pbx.raw()) == [], held
    assert declared <= set(held) or not same, held
    for how, params in runs:
        # Alone, each declaration converges: it succeeds (or refuses, as documented, to risk a secret the other
        # declaration set), and then changes nothing.
        client = Client(pbx.sim.base_url, access_token=ACCESS_TOKEN, timeout=30, sleep=lambda seconds: None)
        try:
            _run(client, how, params)
        except action_url.Problem as problem:
            assert not same and REFUSALS.search(str(problem)), problem
            continue
        pbx.sim.log.clear()
        again = _run(client, how, params)
        assert not again["changed"] and not pbx.sim.received()[1:], again
