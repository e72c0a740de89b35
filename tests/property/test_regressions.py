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


# Only the secret the auth uses is guarded (docs/docsite/rst/secrets.rst): a token left over after a switch to
# DISABLE or BASIC is not needed for an update, and a PBX that hides it and resets what an update leaves out drops it.
@pytest.mark.parametrize("secrets", ["masked", "omitted"])
def test_a_secret_the_auth_does_not_use_is_not_needed_for_an_update(pbx, secrets):
    stored = dict(CREATE, auth="DISABLE", token="zqunusedtoken", password=None, enabled=False)
    (ivr_id, _number, _stored), = pbx.prepare(dict(MODE, secrets=secrets, update="reset"), [[stored]])
    run = pbx.run(ivr_action_url, {"ivr_id": ivr_id, "name": "crm", "enabled": True})
    assert not run.failed and run.result["changed"], run.result
    assert [obj["enabled"] for obj in pbx.raw()[ivr_id].values()] == [True]


@pytest.mark.parametrize("url", ["https://crm.example.com/hook\n", "https://crm.example.com/a\x7fb", "https://crm.example.com/a b"])
def test_a_control_character_in_the_url_is_refused_before_any_write(pbx, url):
    _refused_before_any_write(pbx, "url", {"url": url})
