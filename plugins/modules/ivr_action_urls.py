#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
module: ivr_action_urls
short_description: Declare every action URL of whole PortSIP PBX virtual receptionists
version_added: 1.0.0
description:
  - Manages the action URLs of one or more virtual receptionists (IVRs) of a PortSIP PBX as a set, in one task,
    in the style of Ansible's network resource modules.
  - Reads back the action URLs of IVRs in the shape of O(config) (O(state=gathered)), so a PBX can be exported,
    reviewed, committed and applied again, to the same PBX or to another that numbers its IVRs alike.
  - The scope is always the IVRs listed in O(config). No other IVR's action URLs are read or changed, so a loop
    over IVRs, or several tasks for different IVRs, cannot undo one another.
  - Each action URL is decided as M(portsip.pbx.ivr_action_url) decides it. Action URLs are matched by O(config[].action_urls[].name)
    within their IVR, and values are compared after normalising both sides.
  - The whole of O(config) is checked, and every lookup and read is done, before the first write. A bad value
    anywhere, a name or IVR listed twice, an unknown or ambiguous IVR, an incomplete item or a refusal to risk a
    secret fails the task with nothing written, every problem named by its place.
  - A value is checked against the API's constraints when it would be sent, and one equal to what the PBX holds is
    not sent, so an export from a PBX that accepted it applies again. The masks this collection shows in place of a secret
    (V(********) and its forms, in RV(before), RV(after) and info items) keep the stored secret, as in
    M(portsip.pbx.ivr_action_url).
  - Each IVR's writes are made in order, deletes first; up to O(parallelism) IVRs are written at the same time. They
    are not a transaction. RV(changes) lists them in the order of O(config) whatever order they finish in.
  - Runs may overlap (forks over several hosts that reach one PBX, jobs at the same time). After creating in an IVR, a run
    waits a moment (at least a second) and reads it again. A name now held more than once keeps the copy with the
    lowest ID; each run deletes only the copy it created, updates the one that stays to its declaration if needed, and
    warns. Each name ends with one action URL and every run succeeds, as long as no run takes longer from its read of
    the IVR to its create than that wait, which is a second or the run's own time from read to create if longer. Use
    C(run_once) where one task serves many hosts; see the localhost guide.
  - A run that reads a declared name held more than once may have read between other runs' creates and their
    clean-up, so it reads that IVR again a second later, up to twice, before it takes the copies as stored.
  - O(state=overridden) also repairs a name the PBX holds more than once (from earlier overlapping runs, or the web
    console). It keeps the copy that needs the fewest changes (on a tie, the lowest ID), updates it if needed and deletes the
    others. O(state=deleted) deletes every copy. O(state=merged) and O(state=replaced) refuse such a name, naming the IDs.
author:
  - portsip.pbx maintainers (@portsip)
extends_documentation_fragment:
  - portsip.pbx.connection
attributes:
  check_mode:
    description: Makes the same reads and the same plan as a real run and stops before the first write; C(changes),
      the diff and C(after) predict the real run.
    support: full
  diff_mode:
    description: One entry per action URL that changes, secrets masked.
    support: full
options:
  config:
    description:
      - The virtual receptionists and their action URLs, one entry per IVR.
      - Required unless O(state=gathered). With O(state=gathered), the IVRs to read; leave it out to read every IVR.
      - The RV(gathered) result of this module is accepted here as it is.
    type: list
    elements: dict
    suboptions:
      ivr:
        description:
          - The extension number or the name of the virtual receptionist.
          - Exactly one of O(config[].ivr) and O(config[].ivr_id) is required. All names and numbers of a task are
            looked up in one listing of the PBX's IVRs.
          - It is an error if the value matches no IVR, or more than one; the message lists them.
        type: str
      ivr_id:
        description:
          - The ID of the virtual receptionist. Saves the listing of the PBX's IVRs.
        type: str
      action_urls:
        description:
          - The action URLs of the virtual receptionist, each identified by its O(config[].action_urls[].name).
          - With O(state=overridden), required; V([]) means the IVR has no action URL at all.
          - With O(state=deleted), required, and the action URLs to delete (only O(config[].action_urls[].name) is needed). A
            missing or null list is refused, so that a commented-out last item or a template's V(default(omit)) cannot
            delete every action URL; to empty an IVR on purpose, use O(state=overridden) with V([]).
          - The options are those of M(portsip.pbx.ivr_action_url), with the same types, syntax and checks.
        type: list
        elements: dict
        suboptions:
          name:
            description:
              - The name of the action URL, its key within the virtual receptionist (1 to 64 characters).
              - It is an error to list a name twice for one IVR, or to list a name that two stored action URLs share.
            type: str
            required: true
          enabled:
            description: Whether the PBX calls this action URL. The PBX's default is V(false).
            type: bool
          type:
            description:
              - What triggers the call, V(DTMF) (O(config[].action_urls[].dtmf_mask)) or V(CALLER) (O(config[].action_urls[].caller_mask)).
              - Required to create an action URL, and with O(state=replaced) or O(state=overridden).
            type: str
            choices: [DTMF, CALLER]
          dtmf_mask:
            description:
              - The digits that trigger a V(DTMF) action URL, for example V(1;2;3000-4000;1**;ALL); see
                O(portsip.pbx.ivr_action_url#module:dtmf_mask).
            type: str
          caller_mask:
            description: The caller numbers that trigger a V(CALLER) action URL, in the same syntax.
            type: str
          method:
            description: How the PBX calls the webhook.
            type: str
            choices: [GET, POST]
          url:
            description:
              - The webhook, an V(http://) or V(https://) URL of 1 to 128 characters.
              - Required to create an action URL, and with O(state=replaced) or O(state=overridden).
            type: str
          headers:
            description:
              - Extra HTTP headers, a dict or the API's string V(Name1:value1&Name2:value2); see
                O(portsip.pbx.ivr_action_url#module:headers). Credential headers belong in
                O(config[].action_urls[].secret_headers).
            type: raw
          secret_headers:
            description:
              - HTTP headers that carry the webhook's credentials, never logged or shown; any valid header name; see
                O(portsip.pbx.ivr_action_url#module:secret_headers).
              - Kept when left out, in every state; a name with an empty value removes that header.
            type: dict
          connection_timeout:
            description: Seconds the PBX waits to connect to the webhook. The PBX's default is V(2).
            type: int
          request_timeout:
            description: Seconds the PBX waits for the webhook's answer. The PBX's default is V(2).
            type: int
          auth:
            description:
              - How the PBX authenticates to the webhook. The PBX's default is V(DISABLE).
              - V(BASIC) and V(DIGEST) use O(config[].action_urls[].username) and O(config[].action_urls[].password), V(BEARER) uses
                O(config[].action_urls[].token). To create an action URL they must be set; an existing one keeps its stored secret.
            type: str
            choices: [DISABLE, BASIC, DIGEST, BEARER]
          username:
            description: User name for V(BASIC) or V(DIGEST), 6 to 64 characters of V(a-z) and V(0-9).
            type: str
          password:
            description:
              - Password for V(BASIC) or V(DIGEST). Never shown; compared as O(update_secrets) says.
            type: str
          token:
            description:
              - Token for V(BEARER). Never shown; compared as O(update_secrets) says.
            type: str
  state:
    description:
      - V(merged) creates the listed action URLs that are missing and, for existing ones, changes only the options
        given, as M(portsip.pbx.ivr_action_url) does for each. Never deletes.
      - V(replaced) makes each listed action URL exactly as declared. An option left out gets the value a fresh
        action URL created from the declaration would have, the PBX's default (V(enabled=false), timeouts V(2),
        V(auth=DISABLE)) or empty (O(config[].action_urls[].headers) and the mask the type does not use). Each item needs what a create needs
        (O(config[].action_urls[].type), O(config[].action_urls[].url), the mask of the type). Action URLs not listed are left alone.
      - V(overridden) is V(replaced), and also deletes every action URL of a listed IVR that is not listed.
      - V(deleted) deletes the listed action URLs. Deleting what does not exist is not a change.
      - V(gathered) reads the IVRs and returns them as RV(gathered). Never writes.
      - In every state, O(config[].action_urls[].username), O(config[].action_urls[].password), O(config[].action_urls[].token)
        and the credential headers of O(config[].action_urls[].secret_headers) are never erased by leaving them out, and
        O(config[].action_urls[].method), which has no default, keeps its value.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  update_secrets:
    description:
      - What to do with a password or token that the PBX does not give back, so it cannot be compared; as
        O(portsip.pbx.ivr_action_url#module:update_secrets).
      - V(on_create) sends it when the action URL is created, and along with any other change; otherwise it is
        not a change. V(always) sends it every run, as a change.
      - If the PBX does not give back a secret that an action URL's auth uses and that action URL needs an update,
        the secret must be set in its item; the task refuses, before any write, rather than risk erasing it.
    type: str
    choices: [on_create, always]
    default: on_create
  parallelism:
    description:
      - How many IVRs are read, and written, at the same time. Each IVR's own writes keep their order. V(1) sends one
        request at a time.
    type: int
    default: 4
notes:
  - With O(config[].ivr_id), O(pbx_access_token) and nothing to change, a task makes one read per listed IVR. O(config[].ivr) adds
    one listing of the PBX's IVRs for all entries together (one request per 100 IVRs); O(pbx_username) and
    O(pbx_password) add one login. Each change adds exactly one write, and each IVR where the task creates adds one
    read more, to look for copies that other runs created at the same time.
  - If a write fails, the task starts no new write, lets those under way finish, and fails, naming the IVR, the action
    URL and the PBX's error; C(changed) and C(changes) report exactly the writes that went through. Run it again; it
    reads first, so it converges.
  - O(state=overridden) deletes what the PBX holds beyond the declaration, for example an action URL added in the web
    console, or one renamed in the playbook (a new name is a delete and a create, and gets a new ID). Review it with
    C(--check --diff) first.
seealso:
  - module: portsip.pbx.ivr_action_url
  - module: portsip.pbx.ivr_action_url_info
"""

EXAMPLES = r"""
- name: Declare the main menu's action URLs (others it may have are left alone)
  portsip.pbx.ivr_action_urls:
    pbx_url: "{{ portsip_url }}"
    pbx_username: "{{ portsip_username }}"
    pbx_password: "{{ portsip_password }}"
    pbx_domain: "{{ portsip_domain }}"
    config:
      - ivr: "8000"
        action_urls:
          - name: crm-lookup
            enabled: true
            type: DTMF
            dtmf_mask: "1;2;3"
            method: POST
            url: https://crm.example.com/portsip/route
            auth: BASIC
            username: pbxhook
            password: "{{ crm_webhook_password }}"
          - name: vip-callers
            type: CALLER
            caller_mask: "4930100-4930199"
            method: GET
            url: https://crm.example.com/portsip/vip

- name: Export the action URLs of every IVR
  portsip.pbx.ivr_action_urls:
    pbx_url: "{{ portsip_url }}"
    pbx_username: "{{ portsip_username }}"
    pbx_password: "{{ portsip_password }}"
    pbx_domain: "{{ portsip_domain }}"
    state: gathered
  register: export

- name: Apply the export as the whole truth of its IVRs (here to the same PBX, so nothing changes)
  portsip.pbx.ivr_action_urls:
    pbx_url: "{{ portsip_url }}"
    pbx_username: "{{ portsip_username }}"
    pbx_password: "{{ portsip_password }}"
    pbx_domain: "{{ portsip_domain }}"
    config: "{{ export.gathered }}"
    state: overridden

- name: Make the main menu's VIP lookup exactly this, defaults for what is left out
  portsip.pbx.ivr_action_urls:
    pbx_url: "{{ portsip_url }}"
    pbx_username: "{{ portsip_username }}"
    pbx_password: "{{ portsip_password }}"
    pbx_domain: "{{ portsip_domain }}"
    config:
      - ivr: Main Menu
        action_urls:
          - name: vip-callers
            type: CALLER
            caller_mask: "4930100-4930199"
            url: https://crm.example.com/portsip/vip
    state: replaced

- name: Remove the VIP lookup
  portsip.pbx.ivr_action_urls:
    pbx_url: "{{ portsip_url }}"
    pbx_username: "{{ portsip_username }}"
    pbx_password: "{{ portsip_password }}"
    pbx_domain: "{{ portsip_domain }}"
    config:
      - ivr: "8000"
        action_urls:
          - name: vip-callers
    state: deleted
"""

RETURN = r"""
gathered:
  description:
    - The IVRs read, in the shape of O(config); each IVR is named by its extension number in C(ivr).
    - Holds no secret, not even a mask; so no O(config[].action_urls[].password), O(config[].action_urls[].token) and
      no credential header in O(config[].action_urls[].headers). Applied to a PBX, it keeps the ones that PBX holds.
    - Options that are not set are left out.
  returned: O(state=gathered)
  type: list
  elements: dict
  sample:
    - ivr: "8000"
      action_urls:
        - name: crm-lookup
          enabled: true
          type: DTMF
          dtmf_mask: "1;2;3"
          method: POST
          url: https://crm.example.com/portsip/route
          connection_timeout: 2
          request_timeout: 2
          auth: BASIC
          username: pbxhook
before:
  description:
    - The listed IVRs' action URLs before the task, in the shape of O(config), each IVR named as in O(config).
    - A stored secret shows as V(********).
  returned: success, or a failed write, unless O(state=gathered)
  type: list
  elements: dict
  sample:
    - ivr: "8000"
      action_urls: []
after:
  description:
    - The listed IVRs' action URLs after the task (in check mode, as they would be), in the shape of O(config).
    - A secret the task changes shows as V(******** (new value)); one sent along with another change without being
      compared, as V(******** (sent)).
  returned: success, unless O(state=gathered)
  type: list
  elements: dict
  sample:
    - ivr: "8000"
      action_urls:
        - name: crm-lookup
          enabled: false
          type: DTMF
          dtmf_mask: "1"
          url: https://crm.example.com/portsip/route
          connection_timeout: 2
          request_timeout: 2
          auth: DISABLE
changes:
  description: One entry per write, in the order the writes were made (in check mode, would be made).
  returned: success, or a failed write, unless O(state=gathered)
  type: list
  elements: dict
  contains:
    ivr_id:
      description: The ID of the virtual receptionist.
      type: str
      sample: NzAwNTUxOTA5NzczMTQ4MTYx
    name:
      description: The name of the action URL.
      type: str
      sample: crm-lookup
    id:
      description: The ID of the action URL. Absent for a create in check mode.
      type: str
      sample: NzAwNTUxOTA5NzczMTQ4MTYw
    action:
      description: V(create), V(update) or V(delete).
      type: str
      sample: update
    fields:
      description: The options the write sets (a create) or changes (an update); empty for a delete.
      type: list
      elements: str
      sample: [url]
diff:
  description:
    - One entry per action URL that changes, with C(before_header) and C(after_header) naming the IVR and the
      action URL, and C(before) and C(after) holding its options, secrets masked; V({}) before a create and after a delete.
  returned: in diff mode, unless O(state=gathered)
  type: list
  elements: dict
"""

from ansible_collections.portsip.pbx.plugins.module_utils import action_url_set
from ansible_collections.portsip.pbx.plugins.module_utils.errors import PortsipError, WriteFailed
from ansible_collections.portsip.pbx.plugins.module_utils.module import PortsipModule


def main():
    module = PortsipModule(argument_spec=action_url_set.argument_spec(), required_if=action_url_set.REQUIRED_IF,
                           supports_check_mode=True)
    try:
        result = action_url_set.run(module.client(), module.params, module.check_mode, module._diff)
    except WriteFailed as failed:
        module.fail_on(failed.error, context=failed.where, **failed.result)
    except PortsipError as error:
        module.fail_on(error)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
