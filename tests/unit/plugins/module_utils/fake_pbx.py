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

from ansible_collections.portsip.pbx.plugins.module_utils import decision, fields
from ansible_collections.portsip.pbx.plugins.module_utils.errors import RequestError

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
        self.in_flight = {"GET": 0, "POST": 0}
        self.most_in_flight = {"GET": 0, "POST": 0}  # reads, and writes, under way at once
        self.waits = []  # each pause a run asked for, in seconds
        self.warnings = []
        self._lock = threading.Lock()
        self._ids = 0

    def seed(self, number, *items):
        for item in items:
            self._ids += 1
            self.urls["ivr-%s" % number].append(dict(decision.predicted_create(item), id="u%d" % self._ids))

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
            raise RequestError("VALIDATE_FAILED url: refused", method, path, 400)

    def _busy(self, method, path):
        """Record a call and take a little time over it, counting the calls of its method under way at once."""
        with self._lock:
            self.in_flight[method] += 1
            self.most_in_flight[method] = max(self.most_in_flight[method], self.in_flight[method])
            try:
                self._record(method, path)
            except RequestError:
                self.in_flight[method] -= 1
                raise
        time.sleep(0.02)
        with self._lock:
            self.in_flight[method] -= 1

    def get_items(self, path):
        self._busy("GET", path)
        ivr_id = path.split("/")[2]
        # Parsed from JSON, as the client hands them over: no key or value is the same object as a constant of the code.
        return json.loads(json.dumps([self._shown(item) for item in self.urls[ivr_id]]))

    def list_all(self, path, params=None):
        self._record("GET", path)
        return copy.deepcopy(self.ivrs)

    def create(self, path, body, find_created):
        self._busy("POST", path)
        with self._lock:
            self._ids += 1
            url_id = "u%d" % self._ids
            self.urls[path.split("/")[2]].append(dict(decision.predicted_create(body), id=url_id))
        self.on_create(path.split("/")[2], body)
        return url_id

    def on_create(self, ivr_id, body):
        """What else happens on the PBX as a create commits: another run's create, in the race tests."""

    def update(self, path, body):
        self._busy("POST", path)
        with self._lock:
            items = self.urls[path.split("/")[2]]
            index = next(index for index, item in enumerate(items) if item["id"] == path.split("/")[4])
            items[index] = dict(items[index], **body)

    def destroy(self, path):
        self._busy("POST", path + "/destroy")
        ivr_id, url_id = path.split("/")[2], path.split("/")[4]
        with self._lock:
            self.urls[ivr_id] = [item for item in self.urls[ivr_id] if item["id"] != url_id]

    def wait(self, seconds):
        self.waits.append(seconds)

    def warn(self, message):
        self.warnings.append(message)

    @property
    def writes(self):
        return [call for call in self.calls if call[0] == "POST"]


class RacingPbx(FakePbx):
    """Another run creates the same action URL as each create of this run commits, with an id sorting before or after."""

    def __init__(self, other_id, other=None, **kwargs):
        super(RacingPbx, self).__init__(**kwargs)
        self.other_id = other_id
        self.other = other or {}

    def on_create(self, ivr_id, body):
        with self._lock:
            others = sum(1 for items in self.urls.values() for item in items if item["id"].startswith(self.other_id))
            url_id = self.other_id + ("-%d" % others if others else "")
            self.urls[ivr_id].append(dict(decision.predicted_create(dict(body, **self.other)), id=url_id))
