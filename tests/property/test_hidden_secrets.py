# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""An update the PBX would apply by resetting what it leaves out, of an action URL whose secret the PBX hides, and a
declaration that does not give that secret (or gives only a placeholder): refused before any write, secret kept.

The case the other property tests draw only now and then, drawn every time here."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from hypothesis import event, given
from hypothesis import strategies as st

from ansible_collections.portsip.pbx.plugins.module_utils import fields, placeholders
from ansible_collections.portsip.pbx.plugins.modules import ivr_action_url, ivr_action_urls

from strategies import credentials, stored_action_url, tokens

# A new value for each of a few options, whatever the stored one: an update is needed.
CHANGES = {
    "url": lambda stored: stored["url"].rstrip("/") + "/changed",
    "enabled": lambda stored: not fields.BY_NAME["enabled"].normalise_have(stored.get("enabled")),
    "request_timeout": lambda stored: fields.BY_NAME["request_timeout"].normalise_have(stored.get("request_timeout")) + 1,
}


@st.composite
def hidden_secret_examples(draw):
    stored = draw(stored_action_url("crm"), label="stored")
    secret = draw(st.sampled_from(("password", "token")), label="secret")
    stored["auth"] = draw(st.sampled_from(sorted(auth for auth, used in fields.SECRET_FOR_AUTH.items() if used == secret)), label="auth")
    stored[secret] = draw(tokens() if secret == "token" else credentials(True), label=secret)
    if secret == "password":
        stored["username"] = draw(credentials(False), label="username")
    option = draw(st.sampled_from(sorted(CHANGES)), label="changed option")
    declared = {"name": "crm", option: CHANGES[option](stored)}
    if draw(st.booleans(), label="with a placeholder"):
        declared[secret] = draw(st.sampled_from(sorted(placeholders.PLACEHOLDERS)), label="placeholder")
    mode = {"secrets": draw(st.sampled_from(("masked", "omitted")), label="secrets"), "update": "reset",
            "unknown_id_status": 404, "blank_defaults": False}
    return dict(mode=mode, stored=stored, secret=secret, declared=declared, whole=draw(st.booleans(), label="ivr_action_urls"))


@given(hidden_secret_examples())
def test_an_update_that_could_erase_a_hidden_secret_is_refused(pbx, example):
    (ivr_id, _number, _seeded), = pbx.prepare(example["mode"], [[example["stored"]]])
    before = pbx.raw()
    if example["whole"]:
        run = pbx.run(ivr_action_urls, {"config": [{"ivr_id": ivr_id, "action_urls": [example["declared"]]}]})
    else:
        run = pbx.run(ivr_action_url, dict(example["declared"], ivr_id=ivr_id))
    event("hidden secret: %s, %s" % (example["secret"], "placeholder" if example["secret"] in example["declared"] else "left out"))
    assert run.failed and "does not give back its stored %s" % example["secret"] in run.result["msg"], run.result
    assert run.writes == [] and pbx.raw() == before
