# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Declarations built from the modules' own output after a drawn run: ``before``, ``after`` and ``gathered`` of
ivr_action_urls, ``action_url`` of ivr_action_url and the items of ivr_action_url_info, applied again.

However the first run went, no stored secret is ever replaced by a placeholder, no placeholder is ever sent, and no
stored secret is lost: the second run succeeds, or refuses (as documented) with nothing written.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from hypothesis import event, given
from hypothesis import strategies as st

from ansible_collections.portsip.pbx.plugins.module_utils import fields
from ansible_collections.portsip.pbx.plugins.modules import ivr_action_url, ivr_action_url_info, ivr_action_urls

from harness import IVR_NUMBERS, REFUSALS
from invariants import crowded_names, erased_secrets, leaked, placeholders_sent, placeholders_stored, secret_values
from strategies import IvrId, StoredId, set_examples, single_examples

WHOLE_STATES = ("merged", "replaced", "overridden")


def _assert_safe(pbx, before, runs, params):
    """What every declaration fed back must keep: checked over the runs that built it and the run that applied it."""
    after = pbx.raw()
    for run in runs:
        assert placeholders_sent(run) == [], run.log
    assert placeholders_stored(after) == []
    assert crowded_names(after) == []
    last = runs[-1]
    if last.failed:
        assert REFUSALS.search(last.result["msg"]), last.result
        assert last.writes == [] and after == before
        event("fed back: refused (%s)" % REFUSALS.search(last.result["msg"]).group())
        return
    event("fed back: %s" % ("changed" if last.result.get("changed") else "no change"))
    removed = {url_id for urls in before.values() for url_id in urls if not any(url_id in now for now in after.values())}
    assert erased_secrets(before, after, removed, {}) == []
    secrets = secret_values(before) | secret_values(after) | secret_values({}, params)
    assert leaked(last, secrets) == []


def _set_config(example, ids):
    return [{key: ids[value.index] if isinstance(value, IvrId) else value for key, value in entry.items()}
            for entry in example["declaration"]["config"]]


@given(set_examples(IVR_NUMBERS), st.data())
def test_set_results_applied_again_keep_every_secret(pbx, example, data):
    mode = dict(example["mode"], lost_answer=None)
    ids = [ivr_id for ivr_id, _number, _stored in pbx.prepare(mode, example["stored"])]
    first = pbx.run(ivr_action_urls, dict(example["declaration"], config=_set_config(example, ids)))
    if first.failed:
        event("fed back: first run refused")
        return
    source = data.draw(st.sampled_from(("before", "after", "gathered")), label="fed back")
    runs = [first]
    if source == "gathered":
        listed = [{"ivr_id": ivr_id} for ivr_id in ids]
        runs.append(pbx.run(ivr_action_urls, {"state": "gathered", "config": listed}))
        config = runs[-1].result["gathered"]
    else:
        config = first.result[source]
    params = {"config": config, "state": data.draw(st.sampled_from(WHOLE_STATES), label="state"),
              "update_secrets": data.draw(st.sampled_from(("on_create", "always")), label="update_secrets")}
    event("fed back: %s, %s" % (source, params["state"]))
    before = pbx.raw()
    runs.append(pbx.run(ivr_action_urls, params))
    _assert_safe(pbx, before, runs, params)


def _options_of(shown):
    """The options a playbook copies from a shown action URL: every managed field it shows."""
    return {name: shown[name] for name in fields.BY_NAME if shown.get(name) is not None}


@given(single_examples(), st.data())
def test_single_results_and_info_items_applied_again_keep_every_secret(pbx, example, data):
    mode = dict(example["mode"], lost_answer=None)
    (ivr_id, _number, seeded), = pbx.prepare(mode, [example["stored"]])
    declared = {key: seeded[value.index]["id"] if isinstance(value, StoredId) else value
                for key, value in example["declaration"].items()}
    first = pbx.run(ivr_action_url, dict(declared, ivr_id=ivr_id))
    runs = [first]
    if data.draw(st.booleans(), label="from info items"):
        runs.append(pbx.run(ivr_action_url_info, {"ivr_id": ivr_id}))
        items = runs[-1].result["action_urls"]
        if not items:
            event("fed back: no info item")
            return
        shown = data.draw(st.sampled_from(items), label="info item")
        event("fed back: info item")
    elif first.failed or not first.result["action_url"]:
        event("fed back: no action_url")
        return
    else:
        shown = first.result["action_url"]
        event("fed back: action_url")
    params = dict(_options_of(shown), ivr_id=ivr_id, id=shown["id"],
                  update_secrets=data.draw(st.sampled_from(("on_create", "always")), label="update_secrets"))
    before = pbx.raw()
    runs.append(pbx.run(ivr_action_url, params))
    _assert_safe(pbx, before, runs, params)
