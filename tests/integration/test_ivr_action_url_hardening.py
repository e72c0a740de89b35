# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A slow or odd PBX, or a gateway in front of it: no duplicate, no "absent" from a malformed answer, no secret shown."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

LIST = r"/api/ivrs/[^/]+/action_urls"
PASSWORD = "hookpass7731"
TOKEN = "tok-Zq81-secret-bearer"
LOGIN_PASSWORD = "portsip123"
CRM = dict(name="crm-lookup", type="DTMF", dtmf_mask="1;2", url="https://crm.example.com/hook")
BASIC = dict(CRM, auth="BASIC", username="pbxhook", password=PASSWORD)


def task(pbx, **args):
    return [{"name": "Action URL", "portsip.pbx.ivr_action_url": dict(args, ivr_id=pbx.ivr_id)}]


def named(pbx, name="crm-lookup"):
    return [item for item in pbx.action_urls() if item["name"] == name]


def pieces(secret, size=8):
    return {secret[start:start + size] for start in range(len(secret) - size + 1)} or {secret}


def assert_no_piece_of(run, *secrets):
    folded = "".join(run.output.split())
    for secret in secrets:
        for piece in pieces(secret):
            assert piece not in folded, "a piece of %r is in the output: %r" % (secret, piece)


class TestLateCommit:
    def test_a_create_that_commits_after_the_client_gave_up_is_not_duplicated(self, pbx):
        # The PBX answers (and commits) after 3 s; the client waits 1 s and looks for 1 s more.
        pbx.control.fault(kind="slow_commit", method="POST", path=LIST, commit_after=3, delay=3)
        run = pbx.run(task(pbx, pbx_timeout=1, **CRM))
        assert run.rc != 0
        assert "It is not sent again" in run.result["msg"] and "run the task again" in run.result["msg"]
        # The late create is logged when its answer is due, which may be after the task ended.
        assert pbx.sim.wait_commits() == 0
        assert [entry["method"] for entry in pbx.control.writes()] == ["POST"]
        assert len(named(pbx)) == 1
        rerun = pbx.run(task(pbx, pbx_timeout=1, **CRM))
        assert rerun.rc == 0 and rerun.result["changed"] is False and rerun.writes == []
        assert len(named(pbx)) == 1

    @pytest.mark.parametrize("fault, timeout", [
        (dict(commit_after=2, delay=0.3, status=504), 6),
        (dict(commit_after=4, delay=5), 3),
    ], ids=["gateway 504 before the commit", "read timeout before the commit"])
    def test_a_late_commit_within_the_grace_window_is_found(self, pbx, fault, timeout):
        pbx.control.fault(kind="slow_commit", method="POST", path=LIST, **fault)
        run = pbx.run(task(pbx, pbx_timeout=timeout, **CRM))
        assert run.rc == 0, run.output
        assert pbx.sim.wait_commits() == 0
        [stored] = named(pbx)
        assert run.result["action_url"]["id"] == stored["id"]
        assert "the create is not sent again" in run.text
        assert [entry["method"] for entry in pbx.control.writes()] == ["POST"]


class TestEchoedSecrets:
    @pytest.mark.parametrize("secrets", ["clear", "masked", "omitted"])
    def test_a_server_that_echoes_requests_shows_no_secret_at_vvv(self, pbx, secrets):
        pbx.sim.configure(secrets=secrets)
        env = pbx.connection_env(PORTSIP_ACCESS_TOKEN=None, PORTSIP_USERNAME="admin", PORTSIP_PASSWORD=LOGIN_PASSWORD,
                                 PORTSIP_DOMAIN="demo.portsip.local")
        # Every request the task sends is echoed once: the read (retried), the create, the look for it.
        pbx.control.fault(method="GET", path=LIST, status=503, echo=True)
        pbx.control.fault(method="POST", path=LIST, status=500, echo=True)
        run = pbx.run(task(pbx, pbx_timeout=1, headers={"Authorization": "Bearer hdr-secret-8812"}, **BASIC),
                      env=env, diff=True, verbosity=3)
        assert run.rc != 0 and "while handling POST /api/ivrs/" in run.output
        assert_no_piece_of(run, PASSWORD, LOGIN_PASSWORD, "hdr-secret-8812", *self.issued_tokens(pbx))

    @staticmethod
    def issued_tokens(pbx):
        """The access and refresh tokens the simulator gave the task's login."""
        tokens = pbx.sim.tokens
        assert tokens.access and tokens.refresh
        return list(tokens.access) + list(tokens.refresh)

    def test_login_tokens_and_password_are_removed_from_server_text(self, pbx):
        env = pbx.connection_env(PORTSIP_ACCESS_TOKEN=None, PORTSIP_USERNAME="admin", PORTSIP_PASSWORD=LOGIN_PASSWORD,
                                 PORTSIP_DOMAIN="demo.portsip.local")
        pbx.control.fault(kind="answer", method="GET", path=LIST, status=400,
                          raw="bad request: password=%s&client=x" % LOGIN_PASSWORD, content_type="text/plain")
        run = pbx.run(task(pbx, **CRM), env=env, verbosity=3)
        assert run.rc != 0 and "bad request: password=********" in run.text
        assert_no_piece_of(run, LOGIN_PASSWORD)


class TestMalformedAnswers:
    @pytest.mark.parametrize("answer", [dict(status=200, body={}), dict(status=200, body={"items": None}),
                                        dict(status=204), dict(status=200, body=[])],
                             ids=["{}", "items null", "204", "[]"])
    @pytest.mark.parametrize("state", ["present", "absent"])
    def test_a_malformed_list_is_never_read_as_empty(self, pbx, answer, state):
        pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM]}])
        pbx.control.fault(kind="answer", method="GET", path=LIST, **answer)
        args = dict(CRM, request_timeout=9) if state == "present" else dict(name="crm-lookup", state="absent")
        run = pbx.run(task(pbx, **args))
        assert run.rc != 0
        assert "GET /ivrs/" in run.result["msg"] and "not the documented shape" in run.result["msg"]
        assert run.writes == [] and len(named(pbx)) == 1

    @pytest.mark.parametrize("path, args", [
        ("/api/ivrs", dict()),
        (r"/api/ivrs/[^/]+", dict(ivr_id="IVR")),
        (LIST, dict(ivr_id="IVR")),
    ])
    def test_the_info_module_refuses_malformed_answers(self, pbx, path, args):
        args = {key: pbx.ivr_id if value == "IVR" else value for key, value in args.items()}
        pbx.control.fault(kind="answer", method="GET", path=path, status=200, body={"unexpected": True})
        run = pbx.run([{"name": "Read", "portsip.pbx.ivr_action_url_info": args}])
        assert run.rc != 0 and "not the documented shape" in run.result["msg"]

    def test_a_create_answered_without_an_id_that_created_nothing_fails(self, pbx):
        pbx.control.fault(kind="answer", method="POST", path=LIST, status=201, body={})
        run = pbx.run(task(pbx, **CRM))
        assert run.rc != 0 and "gave no id, and no such object exists: nothing was created" in run.result["msg"]
        assert pbx.action_urls() == []

    def test_a_create_answered_without_an_id_that_did_create_finds_its_id(self, pbx):
        pbx.control.fault(kind="answer", method="POST", path=LIST, status=201, body={}, apply=True)
        run = pbx.run(task(pbx, **CRM))
        assert run.rc == 0, run.output
        [stored] = named(pbx)
        assert run.result["action_url"]["id"] == stored["id"]

    @pytest.mark.parametrize("status", [302, 307])
    def test_a_redirected_create_is_not_followed(self, pbx, status):
        pbx.control.fault(kind="redirect", method="POST", path=LIST, status=status, location="/api/ivrs")
        run = pbx.run(task(pbx, **CRM))
        assert run.rc != 0 and "redirect" in run.result["msg"] and "set pbx_url" in run.result["msg"]
        assert len(run.log) == 2 and pbx.action_urls() == []


class TestCrashesBecomeErrors:
    @pytest.mark.parametrize("value", ["soon", "nan", "inf"])
    def test_a_retry_after_that_is_no_time_falls_back_to_backoff(self, pbx, value):
        pbx.control.fault(kind="status", method="GET", path=LIST, status=503, retry_after=value)
        run = pbx.run(task(pbx, **CRM))
        assert run.rc == 0, run.output
        assert "Traceback" not in run.output and "retrying in" in run.text

    def test_a_truncated_read_is_retried(self, pbx):
        pbx.control.fault(kind="truncate", method="GET", path=LIST)
        run = pbx.run(task(pbx, **CRM))
        assert run.rc == 0, run.output
        assert "no answer from %s/api (ChunkedEncodingError)" % pbx.sim.base_url in run.text and len(named(pbx)) == 1

    def test_a_truncated_create_answer_is_settled_without_a_duplicate(self, pbx):
        pbx.control.fault(kind="truncate", method="POST", path=LIST)
        run = pbx.run(task(pbx, **CRM))
        assert run.rc == 0, run.output
        [stored] = named(pbx)
        assert run.result["action_url"]["id"] == stored["id"]

    def test_a_ca_path_that_does_not_exist_names_the_option(self, pbx, tmp_path):
        run = pbx.run(task(pbx, pbx_ca_path=str(tmp_path / "missing.pem"), **CRM))
        assert run.rc != 0 and run.result["msg"].startswith("pbx_ca_path: ")
        assert run.log == []


def test_a_netrc_on_the_controller_neither_breaks_nor_leaks(pbx, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("default login someone password netrc-secret-4410\n")
    netrc.chmod(0o600)
    for env in (pbx.connection_env(NETRC=str(netrc)),
                pbx.connection_env(NETRC=str(netrc), PORTSIP_ACCESS_TOKEN=None, PORTSIP_USERNAME="admin",
                                   PORTSIP_PASSWORD=LOGIN_PASSWORD, PORTSIP_DOMAIN="demo.portsip.local")):
        pbx.sim.reset()
        run = pbx.run(task(pbx, **CRM), env=env)
        assert run.rc == 0, run.output
        assert len(named(pbx)) == 1


@pytest.mark.parametrize("update", ["keep", "reset"])
def test_a_pbx_that_answers_null_for_defaults_is_not_changed_every_run(pbx, update):
    pbx.sim.configure(blank_defaults=True, update=update)
    defaults = dict(CRM, enabled=False, connection_timeout=2, request_timeout=2, auth="DISABLE")
    assert pbx.run(task(pbx, **defaults)).result["changed"] is True
    again = pbx.run(task(pbx, **defaults))
    assert again.rc == 0 and again.result["changed"] is False and again.writes == []


def test_state_absent_needs_only_the_identity(pbx):
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM]}])
    run = pbx.run(task(pbx, name="crm-lookup", state="absent", type="DTMF", auth="BASIC"))
    assert run.rc == 0, run.output
    assert run.result["changed"] is True and named(pbx) == []


def test_present_still_needs_what_the_type_and_auth_use(pbx):
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [CRM]}])
    run = pbx.run(task(pbx, name="crm-lookup", type="DTMF", url="https://crm.example.com/hook", auth="BEARER"))
    assert run.rc != 0
    assert run.result["msg"] == "type is DTMF and auth is BEARER, so also set: dtmf_mask, token"
    assert run.writes == [] and len(run.log) == 1, "decided on the one read, before any write"


@pytest.mark.parametrize("secrets", ["clear", "masked", "omitted"])
def test_basic_without_password_keeps_the_stored_one(pbx, secrets):
    pbx.control.configure(secrets=secrets, update="reset")
    pbx.control.seed(ivrs=[{"id": pbx.ivr_id, "action_urls": [BASIC]}])
    run = pbx.run(task(pbx, name="crm-lookup", auth="BASIC", username="pbxhook", dtmf_mask="2;1"))
    assert run.rc == 0 and run.result["changed"] is False, run.output
    assert named(pbx)[0]["password"] == PASSWORD


@pytest.mark.parametrize("value, message", [(True, "got a boolean"), (2 ** 31, "2147483647 or less")])
def test_timeouts_refuse_booleans_and_values_past_int32(pbx, value, message):
    run = pbx.run(task(pbx, request_timeout=value, **CRM))
    assert run.rc != 0 and run.result["msg"].startswith("request_timeout: ") and message in run.result["msg"]
    assert run.writes == []


def test_credentials_over_plain_http_to_another_host_are_warned_about(pbx):
    env = pbx.connection_env(PORTSIP_URL="http://pbx.example.invalid:8887")
    run = pbx.run(task(pbx, request_timeout=True, **CRM), env=env)
    assert "pbx_url uses http://, so the PBX credentials and access token cross the network unencrypted" in run.text
    quiet = pbx.run(task(pbx, request_timeout=True, **CRM))
    assert "unencrypted" not in quiet.text


def test_a_late_commit_under_ivr_action_urls_is_not_duplicated(pbx):
    declared = [{"ivr_id": pbx.ivr_id, "action_urls": [CRM, dict(CRM, name="vip-lookup", dtmf_mask="9")]}]
    tasks = [{"name": "Whole IVR", "portsip.pbx.ivr_action_urls": {"config": declared, "state": "merged", "pbx_timeout": 1}}]
    pbx.control.fault(kind="slow_commit", method="POST", path=LIST, commit_after=3, delay=3)
    run = pbx.run(tasks)
    assert run.rc != 0
    assert "It is not sent again" in run.result["msg"] and "crm-lookup" in run.result["msg"]
    assert run.result["changed"] is False and run.result["changes"] == []
    # The late create is logged when its answer is due, which may be after the task ended.
    assert pbx.sim.wait_commits() == 0
    assert [entry["method"] for entry in pbx.control.writes()] == ["POST"]
    rerun = pbx.run(tasks)
    assert rerun.rc == 0, rerun.output
    assert [(change["name"], change["action"]) for change in rerun.result["changes"]] == [("vip-lookup", "create")]
    assert sorted(item["name"] for item in pbx.action_urls()) == ["crm-lookup", "vip-lookup"]
    assert pbx.run(tasks).result["changed"] is False
