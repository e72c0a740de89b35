#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
module: ivr_action_url
short_description: Manage one action URL of a PortSIP PBX virtual receptionist
version_added: 0.1.0
description:
  - Creates, updates or deletes one action URL of a virtual receptionist (IVR) on a PortSIP PBX.
  - An action URL is a webhook the PBX calls when the caller's keyed digits (O(type=DTMF)) or the caller's
    number (O(type=CALLER)) match a mask; the webhook's answer routes the call.
  - Only the options you set are managed. Options you leave out keep their value on the PBX when the
    action URL is updated, and get the PBX's defaults when it is created.
  - Values are compared after normalising both sides, so V(1;2) equals V(2; 1) for masks and header names
    compare without regard to case. The module writes only when a managed value differs.
  - A value is checked against the API's constraints when it would be sent (a create, or a change). A value equal to
    the one the PBX holds is not sent, so one an older PBX accepted (such as a mask that repeats an entry) does not
    fail the task.
  - A secret given as one of the masks this collection shows (V(********), V(******** (new value)),
    V(******** (sent)), or a PBX's run of V(*)), as a registered result or an info item applied again gives it,
    keeps the stored secret and is never sent. If the action URL holds no such secret to keep, the task fails
    before any write, naming the option.
author:
  - portsip.pbx maintainers (@portsip)
extends_documentation_fragment:
  - portsip.pbx.connection
attributes:
  check_mode:
    description: Follows the same path as a real run and stops just before the write.
    support: full
  diff_mode:
    description: Shows the action URL before and after the change, with secrets masked.
    support: full
options:
  ivr_id:
    description:
      - The ID of the virtual receptionist.
      - Exactly one of O(ivr_id) and O(ivr) is required. O(ivr_id) saves the request that looks the IVR up.
    type: str
  ivr:
    description:
      - The extension number or the name of the virtual receptionist.
      - It is an error if the value matches more than one virtual receptionist; the message lists them.
    type: str
  name:
    description:
      - The name of the action URL, its natural key within the virtual receptionist (1 to 64 characters).
      - With O(id), the name the action URL should have, which renames it.
      - It is an error if more than one action URL of the virtual receptionist has this name; the message lists their IDs.
    type: str
  id:
    description:
      - The ID of an existing action URL. Use it to rename an action URL, or to pick one of several with the same name.
      - With O(state=present), an action URL with this ID must exist.
    type: str
  enabled:
    description:
      - Whether the PBX calls this action URL. The PBX's default is V(false).
    type: bool
  type:
    description:
      - What triggers the call. V(DTMF) when the digits the caller keys match O(dtmf_mask), V(CALLER) when the
        caller's number matches O(caller_mask).
      - Required to create an action URL; the mask that matches the type is then required too.
    type: str
    choices: [DTMF, CALLER]
  dtmf_mask:
    description:
      - The digits that trigger a O(type=DTMF) action URL, as a V(;)-separated list of entries, at most 255 characters.
      - "An entry is digits (V(1000)), a range V(lo-hi) with lo <= hi (V(3000-4000)), digits with V(*) for any one
        digit (V(1**), PBX 22.2.19 and later), or V(ALL) for any input (PBX 22.6 and later)."
      - Each entry may appear only once, as the PBX requires; entries are compared with white space trimmed and
        V(ALL) in any case, so V(1; 1) repeats V(1).
      - A DTMF match overrides the virtual receptionist's own key menu for those digits.
    type: str
  caller_mask:
    description:
      - The caller numbers that trigger a O(type=CALLER) action URL, in the same list syntax as O(dtmf_mask).
    type: str
  method:
    description:
      - How the PBX calls the webhook. With V(GET) the call details travel in the query string, with V(POST) in a JSON body.
    type: str
    choices: [GET, POST]
  url:
    description:
      - The webhook the PBX calls, an V(http://) or V(https://) URL of 1 to 128 characters.
      - Required to create an action URL.
    type: str
  headers:
    description:
      - Extra HTTP headers the PBX sends to the webhook.
      - "Either a dict (V({X-App-ID: crm})) or the API's string form V(X-App-ID:crm&X-Env:prod); both compare equal.
        Header names compare without regard to case. A value may not contain V(&)."
      - Set it to an empty dict or string to remove all headers but the credential ones (see O(secret_headers)).
      - "Each value must be a string: quote V(yes), V(no) and numbers in YAML (V(X-Debug: \"yes\")), or the task fails."
      - A header whose name contains V(key), V(auth), V(token), V(secret), V(pass), V(signature), V(credential),
        V(session), V(cookie) or V(hmac), in any case, is a credential header. It belongs in O(secret_headers); given
        here, it gets a warning. Its value is masked in the results and diffs either way.
    type: raw
  secret_headers:
    description:
      - HTTP headers that carry the webhook's credentials, as a dict of names to values, for example an
        C(Authorization) header. Never logged or shown. Sent to the PBX together with O(headers), in its one
        C(headers) field.
      - Any valid header name is accepted; a name may not be in both options. A name that is not a credential
        header's (see O(headers)) gets a warning, as it is hidden in this task's results only. Reads by other tasks
        (M(portsip.pbx.ivr_action_url_info), exports) show its value, and it is not kept when a task sets O(headers)
        without it.
      - A value the PBX gives back is compared; a masked one is compared as O(update_secrets) says.
      - A credential header the PBX holds is kept when a task leaves it out, like O(password) and O(token); to remove
        one, give its name with an empty value (C(Authorization) mapped to V("")).
      - If an update is needed and the PBX masks the value of a credential header it holds, the task must give that
        header here; the module refuses to update without it rather than erase it.
    type: dict
    version_added: 1.0.0
  connection_timeout:
    description:
      - Seconds the PBX waits to connect to the webhook (0 or more). The PBX's default is V(2).
    type: int
  request_timeout:
    description:
      - Seconds the PBX waits for the webhook's answer (0 or more). The PBX's default is V(2).
    type: int
  auth:
    description:
      - How the PBX authenticates to the webhook. The PBX's default is V(DISABLE).
      - V(BASIC) and V(DIGEST) need O(username) and O(password); V(BEARER) needs O(token).
    type: str
    choices: [DISABLE, BASIC, DIGEST, BEARER]
  username:
    description:
      - User name for V(BASIC) or V(DIGEST) authentication to the webhook, 6 to 64 characters of V(a-z) and V(0-9).
    type: str
  password:
    description:
      - Password for V(BASIC) or V(DIGEST) authentication to the webhook, 6 to 64 characters of V(a-z) and V(0-9).
      - Never shown in results, diffs or logs. See O(update_secrets) for how it is compared.
    type: str
  token:
    description:
      - Token for V(BEARER) authentication to the webhook.
      - Never shown in results, diffs or logs. See O(update_secrets) for how it is compared.
    type: str
  state:
    description:
      - V(present) creates the action URL or updates it to match; V(absent) deletes it.
      - Deleting an action URL that does not exist is not an error.
    type: str
    choices: [present, absent]
    default: present
  update_secrets:
    description:
      - What to do with O(password) and O(token) when the PBX does not give back the stored value (it masks it
        or leaves it out), so the module cannot tell whether it differs.
      - If the PBX gives back the stored value, it is compared like any other option and this setting does not matter.
      - V(on_create) sets the secret when the action URL is created and otherwise does not count it as a change, so
        runs stay idempotent. When another option needs an update, the secret you give is sent along with it.
      - V(always) sends the secret on every run and reports a change each time; use it to rotate a secret.
    type: str
    choices: [on_create, always]
    default: on_create
notes:
  - Every update sends the whole action URL, so options you did not set keep their values whether the PBX
    keeps or resets the fields an update leaves out. A masked secret is never sent back.
  - If the PBX does not give back a secret that the action URL's O(auth) uses, and an update is needed, set
    O(password) or O(token) in the task; the module refuses to update without it rather than risk erasing it.
  - When O(auth) is given, the options it needs (O(username) and O(password), or O(token)) must be set, or be held
    by the existing action URL, which keeps them.
  - With O(ivr_id) and O(pbx_access_token), a run that changes nothing makes exactly one request; an update or
    delete adds only the write, a create its write and one read more.
  - Runs may overlap (forks over several hosts that reach one PBX, jobs at the same time). After a create, the module
    waits a moment (at least a second) and reads again; if the name is now held more than once, the copy with the lowest
    ID stays, each run deletes only the copy it created and updates the one that stays if needed, with a warning. Use
    C(run_once) where one task serves many hosts; see the localhost guide.
  - If the PBX holds the name more than once, the module reads again a second later, up to twice, in case other
    runs are about to delete their copies. If it still does, the module refuses, naming the IDs;
    M(portsip.pbx.ivr_action_urls) with O(portsip.pbx.ivr_action_urls#module:state=overridden) repairs it.
seealso:
  - module: portsip.pbx.ivr_action_url_info
  - module: portsip.pbx.ivr_action_urls
    description: Every action URL of whole virtual receptionists in one task, and their export.
"""

EXAMPLES = r"""
- name: Send callers who key 1 to 3 to the CRM
  portsip.pbx.ivr_action_url:
    pbx_url: "{{ portsip_url }}"
    pbx_username: "{{ portsip_username }}"
    pbx_password: "{{ portsip_password }}"
    pbx_domain: "{{ portsip_domain }}"
    ivr: "8000"
    name: crm-lookup
    enabled: true
    type: DTMF
    dtmf_mask: "1;2;3"
    method: POST
    url: https://crm.example.com/portsip/route
    headers:
      X-App-ID: crm
    secret_headers:
      X-API-Key: "{{ crm_webhook_api_key }}"
    auth: BASIC
    username: pbxhook
    password: "{{ crm_webhook_password }}"

- name: Route VIP callers, with the connection options set once for the group
  module_defaults:
    group/portsip.pbx.pbx:
      pbx_url: "{{ portsip_url }}"
      pbx_username: "{{ portsip_username }}"
      pbx_password: "{{ portsip_password }}"
      pbx_domain: "{{ portsip_domain }}"
  block:
    - name: Declare the VIP lookup
      portsip.pbx.ivr_action_url:
        ivr: Main Menu
        name: vip-callers
        type: CALLER
        caller_mask: "4930100-4930199"
        method: GET
        url: https://crm.example.com/portsip/vip
        auth: BEARER
        token: "{{ crm_webhook_token }}"
      register: vip

    - name: Rotate the bearer token (the PBX does not give it back to compare)
      portsip.pbx.ivr_action_url:
        ivr: Main Menu
        name: vip-callers
        auth: BEARER
        token: "{{ crm_webhook_token }}"
        update_secrets: always

    - name: Rename an action URL by its ID (the token goes along, so no PBX can drop it)
      portsip.pbx.ivr_action_url:
        ivr: Main Menu
        id: "{{ vip.action_url.id }}"
        name: vip-routing
        token: "{{ crm_webhook_token }}"

    - name: Remove the old CRM lookup
      portsip.pbx.ivr_action_url:
        ivr: Main Menu
        name: crm-lookup
        state: absent
"""

RETURN = r"""
action_url:
  description:
    - The action URL after the task, as the PBX holds it (or, in check mode, as it would hold it).
    - Secrets are replaced by V(********). A secret this task changes shows as V(******** (new value)); one it sends
      along with another change, without being able to compare it, as V(******** (sent)).
    - Empty after O(state=absent).
  returned: success
  type: dict
  sample:
    id: NzAwNTUxOTA5NzczMTQ4MTYw
    name: crm-lookup
    enabled: true
    type: DTMF
    dtmf_mask: "1;2;3"
    method: POST
    url: https://crm.example.com/portsip/route
    headers: "X-App-ID:crm"
    connection_timeout: 2
    request_timeout: 2
    auth: BASIC
    username: pbxhook
    password: "********"
ivr_id:
  description: The ID of the virtual receptionist.
  returned: success
  type: str
  sample: NzAwNTUxOTA5NzczMTQ4MTYx
diff:
  description: The action URL before and after, secrets masked; V({}) before a create and after a delete.
  returned: success, in diff mode
  type: dict
  sample:
    before: {}
    after:
      name: crm-lookup
      type: DTMF
      dtmf_mask: "1;2;3"
      url: https://crm.example.com/portsip/route
"""

from ansible_collections.portsip.pbx.plugins.module_utils import action_url
from ansible_collections.portsip.pbx.plugins.module_utils.errors import PortsipError
from ansible_collections.portsip.pbx.plugins.module_utils.module import PortsipModule


def main():
    module = PortsipModule(
        argument_spec=action_url.argument_spec(),
        mutually_exclusive=[("ivr_id", "ivr")],
        required_one_of=[("ivr_id", "ivr"), ("name", "id")],
        supports_check_mode=True,
    )
    try:
        result = action_url.run(module.client(), module.params, module.check_mode, module._diff)
    except PortsipError as error:
        module.fail_on(error)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
