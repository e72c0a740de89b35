# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""An in-memory PBX behind the client calls the action URL engines make."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import json
import threading
import time

from ansible_collections.portsip.pbx.plugins.module_utils import action_url_fields as fields
from ansible_collections.portsip.pbx.plugins.module_utils.client import PortsipError

# Two action URLs as a user declares them.
CRM = dict(name="crm", enabled=True, type="DTMF", dtmf_mask="1;2", method="POST", url="https://crm.example.com/hook",
           headers="X-App-ID:crm", connection_timeout=2, request_timeout=5, auth="BASIC", username="pbxhook",
           password="hookpass1")
VIP = dict(name="vip", type="CALLER", caller_mask="100-199", url="https://crm.example.com/vip", auth="BEARER", token="tok-1")


class FakePbx:
    """The PBX's IVRs and action URLs behind the client calls the engine makes; records every call."""

    def __init__(self, secrets="masked", ivrs=("8000", "8200", "8300")):
        self.secrets = secrets
        self.ivrs = [{"id": "ivr-%s" % number, "name": "IVR %s" % number, "extension_number": number} for number in ivrs]
        self.urls = {ivr["id"]: [] for ivr in self.ivrs}
        self.calls = []
        self.fail_on = None  # (method, path) answered with HTTP 400
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        self._ids = 0

    def seed(self, number, *items):
        for item in items:
            self._ids += 1
            self.urls["ivr-%s" % number].append(dict(fields.predicted_create(item), id="u%d" % self._ids))

    def names(self, number):
        return [item["name"] for item in self.urls["ivr-%s" % number]]

    def _shown(self, item):
        shown = dict(item)
        for name in fields.SECRETS:
            if self.secrets == "omitted":
                shown.pop(name, None)
            elif self.secrets == "masked" and shown.get(name):
                shown[name] = "******"
        return shown

    def _record(self, method, path):
        self.calls.append((method, path))
        if self.fail_on == (method, path):
            raise PortsipError("VALIDATE_FAILED url: refused", method, path, 400)

    def get_items(self, path):
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self._record("GET", path)
        time.sleep(0.02)
        with self._lock:
            self.in_flight -= 1
        ivr_id = path.split("/")[2]
        # Parsed from JSON, as the client hands them over: no key or value is the same object as a constant of the code.
        return json.loads(json.dumps([self._shown(item) for item in self.urls[ivr_id]]))

    def list_all(self, path, params=None):
        self._record("GET", path)
        return copy.deepcopy(self.ivrs)

    def create(self, path, body, find_created):
        self._record("POST", path)
        self._ids += 1
        self.urls[path.split("/")[2]].append(dict(fields.predicted_create(body), id="u%d" % self._ids))
        return "u%d" % self._ids

    def update(self, path, body):
        self._record("POST", path)
        items = self.urls[path.split("/")[2]]
        index = next(index for index, item in enumerate(items) if item["id"] == path.split("/")[4])
        items[index] = dict(items[index], **body)

    def destroy(self, path):
        self._record("POST", path + "/destroy")
        ivr_id, url_id = path.split("/")[2], path.split("/")[4]
        self.urls[ivr_id] = [item for item in self.urls[ivr_id] if item["id"] != url_id]

    @property
    def writes(self):
        return [call for call in self.calls if call[0] == "POST"]
