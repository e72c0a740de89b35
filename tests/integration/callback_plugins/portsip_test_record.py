# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: portsip_test_record
type: aggregate
short_description: Record each task result as a JSON line, for the integration tests
description:
  - Appends one JSON object per task result to the file named by E(PORTSIP_TEST_RECORD).
  - When E(PORTSIP_TEST_SIM_URL) names the simulator, each result also gets C(sim_requests), the entries of the
    simulator's request log made while its task ran; E(PORTSIP_TEST_SIM_CA) is its CA when it serves HTTPS.
requirements:
  - enabled in the test run's ANSIBLE_CALLBACKS_ENABLED
"""

import json
import os
import ssl
import urllib.request

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "portsip_test_record"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._seen = 0

    @staticmethod
    def _sim_log():
        context = ssl.create_default_context(cafile=os.environ.get("PORTSIP_TEST_SIM_CA") or None)
        with urllib.request.urlopen(os.environ["PORTSIP_TEST_SIM_URL"] + "/_sim/log", timeout=10, context=context) as answer:
            return json.loads(answer.read())["entries"]

    def v2_playbook_on_task_start(self, task, is_conditional):
        if os.environ.get("PORTSIP_TEST_SIM_URL"):
            self._seen = max([entry["seq"] for entry in self._sim_log()] or [self._seen])

    def _record(self, result, outcome):
        entry = dict(result._result, task=result._task.get_name(), host=result._host.get_name(), outcome=outcome)
        if os.environ.get("PORTSIP_TEST_SIM_URL"):
            entry["sim_requests"] = [logged for logged in self._sim_log() if logged["seq"] > self._seen]
        with open(os.environ["PORTSIP_TEST_RECORD"], "a") as handle:
            handle.write(json.dumps(entry, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")
