# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shrunk examples the property tests found, as plain tests.

A strict xfail marks a bug of the engine that is known and not fixed yet: once the engine
refuses the value, the test passes, xfail(strict=True) turns that into a failure, and the
mark must go.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.portsip.pbx.plugins.modules import ivr_action_url

MODE = {"secrets": "masked", "update": "keep", "unknown_id_status": 404, "blank_defaults": False}
CREATE = {"name": "crm", "type": "DTMF", "dtmf_mask": "1", "url": "https://crm.example.com/hook"}


def _refused_before_any_write(pbx, option, params):
    (ivr_id, _number, _stored), = pbx.prepare(MODE, [[]])
    run = pbx.run(ivr_action_url, dict(CREATE, ivr_id=ivr_id, **params))
    assert run.failed and option in run.result["msg"], run.result
    assert run.writes == [], run.log


@pytest.mark.parametrize("option", ["username", "password"])
def test_a_credential_ending_in_a_line_break_is_refused_before_any_write(pbx, option):
    _refused_before_any_write(pbx, option, {"auth": "BASIC", "username": "pbxhook", "password": "zqsecret1", option: "abcdefg\n"})


@pytest.mark.parametrize("headers", [{"X-App-ID": "crm\r\nX-Injected: 1"}, "X-App-ID:crm\nX-Injected:1"])
def test_a_line_break_in_a_header_value_is_refused_before_any_write(pbx, headers):
    _refused_before_any_write(pbx, "headers", {"headers": headers})


@pytest.mark.xfail(strict=True, reason="only the secret the auth uses is guarded: an update leaves a stored secret "
                                       "the PBX does not show out of its body, and a PBX that resets what an update "
                                       "leaves out erases it")
@pytest.mark.parametrize("secrets", ["masked", "omitted"])
def test_an_unused_stored_secret_survives_an_update_on_a_server_that_resets(pbx, secrets):
    stored = dict(CREATE, auth="DISABLE", token="zqunusedtoken", password=None, enabled=False)
    (ivr_id, _number, _stored), = pbx.prepare(dict(MODE, secrets=secrets, update="reset"), [[stored]])
    run = pbx.run(ivr_action_url, {"ivr_id": ivr_id, "name": "crm", "enabled": True})
    assert not run.failed and run.result["changed"], run.result
    assert [obj.get("token") for obj in pbx.raw()[ivr_id].values()] == ["zqunusedtoken"]


@pytest.mark.xfail(strict=True, reason="the url check looks at its scheme and host only: control characters pass "
                                       "and the PBX stores a webhook address it cannot call")
@pytest.mark.parametrize("url", ["https://crm.example.com/hook\n", "https://crm.example.com/a\x7fb"])
def test_a_control_character_in_the_url_is_refused_before_any_write(pbx, url):
    _refused_before_any_write(pbx, "url", {"url": url})
