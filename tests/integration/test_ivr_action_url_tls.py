# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Certificate checking, against the simulator over HTTPS with a certificate its own test CA signs."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def info(name, **connection):
    return {"name": name, "portsip.pbx.ivr_action_url_info": dict(ivr="8000", **connection), "ignore_errors": True}


def test_certificates_are_checked_unless_told_otherwise(tls_pbx):
    assert tls_pbx.sim.base_url.startswith("https://")
    run = tls_pbx.run([
        info("Checked by default: the test CA is not trusted"),
        info("Trusting the test CA", pbx_ca_path=tls_pbx.sim.ca_file),
        info("Not checked", pbx_validate_certs=False),
    ])
    untrusted, trusted, unchecked = run.results
    assert untrusted["outcome"] == "failed"
    assert untrusted["msg"].startswith("GET /ivrs: TLS failed (") and "set pbx_ca_path to its certificate" in untrusted["msg"]
    assert trusted["outcome"] == "ok", trusted.get("msg")
    assert unchecked["outcome"] == "ok", unchecked.get("msg")
    assert trusted["action_urls"] == [] == unchecked["action_urls"]
    # Each of the two that got through found the IVR; the first never passed the handshake.
    assert [entry["path"] for entry in run.log].count("/api/ivrs") == 2
