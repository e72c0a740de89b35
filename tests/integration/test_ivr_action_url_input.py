# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bad input fails with a message naming the option, before anything is written."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

GOOD = dict(name="crm-lookup", type="DTMF", dtmf_mask="1;2", url="https://crm.example.com/hook")

# (what is wrong, arguments merged over GOOD (None removes one), option the message must name, and whether the
# module reads first: a value is checked when it would be sent, which the read of the IVR's action URLs tells; what
# cannot be read as the option at all is refused before any request).
INVALID = [
    ("name empty", dict(name=""), "name", True),
    ("name too long", dict(name="n" * 65), "name", True),
    ("type unknown", dict(type="DIGITS"), "type", False),
    ("type lowercase", dict(type="dtmf"), "type", False),
    ("dtmf_mask letters", dict(dtmf_mask="1;abc"), "dtmf_mask", True),
    ("dtmf_mask reversed range", dict(dtmf_mask="400-300"), "dtmf_mask", True),
    ("dtmf_mask double range", dict(dtmf_mask="1-2-3"), "dtmf_mask", True),
    ("dtmf_mask too long", dict(dtmf_mask=";".join(str(12345 + n) for n in range(43))), "dtmf_mask", True),
    ("dtmf_mask repeated entry", dict(dtmf_mask="1;2;1"), "dtmf_mask", True),
    ("caller_mask repeated entry, spaced", dict(type="CALLER", caller_mask="100; 100"), "caller_mask", True),
    ("dtmf_mask missing for DTMF", dict(dtmf_mask=None), "dtmf_mask", True),
    ("caller_mask with plus", dict(type="CALLER", caller_mask="+4930"), "caller_mask", True),
    ("caller_mask missing for CALLER", dict(type="CALLER"), "caller_mask", True),
    ("method unknown", dict(method="PUT"), "method", False),
    ("url without scheme", dict(url="crm.example.com/hook"), "url", True),
    ("url ftp", dict(url="ftp://crm.example.com/hook"), "url", True),
    ("url empty", dict(url=""), "url", True),
    ("url too long", dict(url="https://crm.example.com/" + "a" * 110), "url", True),
    ("headers list", dict(headers=["X-A:1"]), "headers", False),
    ("headers bad name", dict(headers={"X App": "1"}), "headers", True),
    ("headers value with &", dict(headers={"X-A": "a&b"}), "headers", True),
    ("headers string bad name", dict(headers="X(A):1"), "headers", True),
    ("connection_timeout negative", dict(connection_timeout=-1), "connection_timeout", True),
    ("connection_timeout not a number", dict(connection_timeout="soon"), "connection_timeout", False),
    ("request_timeout negative", dict(request_timeout=-3), "request_timeout", True),
    ("enabled not a boolean", dict(enabled="perhaps"), "enabled", False),
    ("auth unknown", dict(auth="NTLM"), "auth", False),
    ("auth BASIC without password", dict(auth="BASIC", username="pbxhook"), "password", True),
    ("auth DIGEST without username", dict(auth="DIGEST", password="secret42"), "username", True),
    ("auth BEARER without token", dict(auth="BEARER"), "token", True),
    ("username too short", dict(username="abc"), "username", True),
    ("username uppercase", dict(username="PbxHook1"), "username", True),
    ("password with symbols", dict(auth="BASIC", username="pbxhook", password="pa$$word"), "password", True),
    ("password too long", dict(auth="BASIC", username="pbxhook", password="p" * 65), "password", True),
    ("token empty", dict(token=""), "token", True),
    ("state unknown", dict(state="gone"), "state", False),
    ("update_secrets unknown", dict(update_secrets="sometimes"), "update_secrets", False),
    ("unknown option", dict(colour="blue"), "colour", False),
    ("both ivr and ivr_id", dict(ivr="8000"), "ivr", False),
    ("neither name nor id", dict(name=None), "name, id", False),
    ("ivr_id empty", dict(ivr_id=""), "ivr_id", False),
    ("id empty", dict(id=""), "id", False),
    ("create without type", dict(type=None, dtmf_mask=None), "type", True),
    ("create without url", dict(url=None), "url", True),
    ("present with an unknown id", dict(id="Tm9TdWNoSWQ="), "id", True),
]


def test_each_invalid_input_fails_naming_the_option_and_writes_nothing(pbx):
    tasks = []
    for what, change, _option, _reads in INVALID:
        args = dict(GOOD, ivr_id=pbx.ivr_id)
        args.update(change)
        args = {key: value for key, value in args.items() if value is not None}
        tasks.append({"name": what, "portsip.pbx.ivr_action_url": args, "ignore_errors": True})
    run = pbx.run(tasks)
    assert len(run.results) == len(INVALID) >= 30, run.output
    for (what, _change, option, _reads), result in zip(INVALID, run.results):
        assert result["task"] == what
        assert result["outcome"] == "failed", what
        assert option in result["msg"], "%s: %s" % (what, result["msg"])
    assert run.writes == []
    # One read of the IVR's action URLs for each value checked where it would be sent.
    assert len(run.log) == sum(1 for entry in INVALID if entry[3])
    assert pbx.action_urls() == []


def test_the_message_is_clear_enough_to_act_on(pbx):
    run = pbx.run([{"name": "Too long", "portsip.pbx.ivr_action_url": dict(GOOD, ivr_id=pbx.ivr_id, name="n" * 70, dtmf_mask="9-1")}])
    assert run.result["msg"] == ("name: must be at most 64 characters long, got 70; "
                                 "dtmf_mask: range '9-1' has its low end above its high end")
    repeated = pbx.run([{"name": "Repeated", "portsip.pbx.ivr_action_url": dict(GOOD, ivr_id=pbx.ivr_id, dtmf_mask="1;2; 1")}])
    assert repeated.result["msg"] == "dtmf_mask: entry '1' appears more than once; the PBX (22.6+) refuses repeated entries"
    assert repeated.writes == [] and len(repeated.log) == 1
    missing = pbx.run([{"name": "Missing", "portsip.pbx.ivr_action_url": dict(ivr_id=pbx.ivr_id, name="crm-lookup", enabled=True)}])
    assert missing.result["msg"] == "action URL 'crm-lookup' does not exist yet; to create it, also set: type, url"


def test_a_pbx_url_without_scheme_or_host_is_refused_before_any_request(pbx):
    for url in ("pbx.example.com:8887", "", "https://"):
        run = pbx.run([{"name": "Bad URL", "portsip.pbx.ivr_action_url": dict(GOOD, ivr_id=pbx.ivr_id)}],
                      env=pbx.connection_env(PORTSIP_URL=url))
        assert run.result["msg"].startswith("pbx_url: must be the PBX's address with http:// or https://"), url
        assert run.log == []
