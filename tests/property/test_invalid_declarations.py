# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A declaration with one bad value fails with a message naming the option, writes nothing, and never raises.

Each bad value is declared for an action URL that does not exist yet, so a create would send it: a value is checked
when it would be sent (one equal to what the PBX holds is not; test_ivr_action_urls.py draws such stored values).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.portsip.pbx.plugins.modules import ivr_action_url, ivr_action_urls

from strategies import INVALID_FIELDS, invalid_value, options, server_modes, stored_ivr


@st.composite
def bad_options(draw):
    """Valid options of one action URL, one of them (drawn from every field that has bad values) made bad."""
    given = draw(options(complete=True, exists=False), label="valid options")
    field = draw(st.sampled_from(INVALID_FIELDS), label="bad field")
    given[field.name] = draw(invalid_value(field), label="bad value")
    return field.name, given


def _refused(run, option, place=None):
    assert run.failed, run.result
    assert "exception" not in run.result and "Traceback" not in run.result["msg"]
    assert run.writes == [], run.log
    # Ansible's own type checks name the option and the list it is in; the collection's checks name its place.
    if place and "found in" not in run.result["msg"]:
        option = "%s.%s" % (place, option)
    assert option in run.result["msg"], run.result["msg"]


@given(mode=server_modes(lost_answers=False), stored=stored_ivr(), bad=bad_options())
def test_ivr_action_url_refuses_a_bad_value_naming_it(pbx, mode, stored, bad):
    (ivr_id, _number, _seeded), = pbx.prepare(mode, [stored])
    option, given = bad
    _refused(pbx.run(ivr_action_url, dict(dict({"name": "new"}, **given), ivr_id=ivr_id)), option)


@given(mode=server_modes(lost_answers=False), stored=stored_ivr(), bad=bad_options(), position=st.integers(0, 2),
       state=st.sampled_from(("merged", "replaced", "overridden")))
def test_ivr_action_urls_refuses_a_bad_value_naming_its_place(pbx, mode, stored, bad, position, state):
    (ivr_id, _number, _seeded), = pbx.prepare(mode, [stored])
    option, given = bad
    items = [{"name": "good%d" % index, "type": "DTMF", "dtmf_mask": "1", "url": "https://crm.example.com/"} for index in range(position)]
    items.append(dict({"name": "bad"}, **given))
    run = pbx.run(ivr_action_urls, {"state": state, "config": [{"ivr_id": ivr_id, "action_urls": items}]})
    _refused(run, option, "config[0].action_urls[%d]" % position)
