#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
module: ivr_action_url_info
short_description: Read the action URLs of PortSIP PBX virtual receptionists
version_added: 0.1.0
description:
  - Reads the action URLs of one virtual receptionist (IVR), or of every virtual receptionist, on a PortSIP PBX.
  - Never writes. Always returns a list, empty when nothing matches.
author:
  - portsip.pbx maintainers (@portsip)
extends_documentation_fragment:
  - portsip.pbx.connection
attributes:
  check_mode:
    description: Only reads, so it runs the same in check mode.
    support: full
  diff_mode:
    description: Changes nothing, so there is no diff.
    support: none
options:
  ivr_id:
    description:
      - The ID of the virtual receptionist to read.
      - Leave out both O(ivr_id) and O(ivr) to read every virtual receptionist.
    type: str
  ivr:
    description:
      - The extension number or the name of the virtual receptionist to read.
      - It is an error if the value matches more than one virtual receptionist, or none.
    type: str
  name:
    description:
      - Return only the action URLs with this name.
    type: str
  id:
    description:
      - Return only the action URL with this ID.
    type: str
seealso:
  - module: portsip.pbx.ivr_action_url
  - module: portsip.pbx.ivr_action_urls
    description: Its O(portsip.pbx.ivr_action_urls#module:state=gathered) exports action URLs in a form that applies again.
"""

EXAMPLES = r"""
- name: Read the action URLs of the main menu
  portsip.pbx.ivr_action_url_info:
    pbx_url: "{{ portsip_url }}"
    pbx_username: "{{ portsip_username }}"
    pbx_password: "{{ portsip_password }}"
    pbx_domain: "{{ portsip_domain }}"
    ivr: "8000"
  register: main_menu

- name: Audit every virtual receptionist for webhooks that still call the old CRM host
  portsip.pbx.ivr_action_url_info:
    pbx_url: "{{ portsip_url }}"
    pbx_username: "{{ portsip_username }}"
    pbx_password: "{{ portsip_password }}"
    pbx_domain: "{{ portsip_domain }}"
  register: every_ivr

- name: Show the IVRs that still use the old host
  ansible.builtin.debug:
    msg: "{{ every_ivr.action_urls | selectattr('url', 'search', 'old-crm.example.com') | map(attribute='ivr_name') | unique }}"

- name: Move those action URLs to the new host, keeping everything else
  portsip.pbx.ivr_action_url:
    pbx_url: "{{ portsip_url }}"
    pbx_username: "{{ portsip_username }}"
    pbx_password: "{{ portsip_password }}"
    pbx_domain: "{{ portsip_domain }}"
    ivr_id: "{{ item.ivr_id }}"
    id: "{{ item.id }}"
    url: "{{ item.url | replace('old-crm.example.com', 'crm.example.com') }}"
    # An update sends the whole action URL. A PBX that does not give secrets back needs the secret of each one that
    # authenticates, or the module refuses rather than risk erasing it: here from a vault dict keyed by name. The
    # masks of the info items (item.password, item.token) cannot stand in for it: they keep nothing the PBX hides.
    password: "{{ webhook_secrets[item.name] if item.auth in ['BASIC', 'DIGEST'] else omit }}"
    token: "{{ webhook_secrets[item.name] if item.auth == 'BEARER' else omit }}"
  loop: "{{ every_ivr.action_urls | selectattr('url', 'search', 'old-crm.example.com') }}"
  loop_control:
    label: "{{ item.ivr_name }}: {{ item.name }}"
"""

RETURN = r"""
action_urls:
  description:
    - The action URLs found, each with the fields the PBX returns plus the virtual receptionist it belongs to.
    - An empty list when nothing matches.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The ID of the action URL.
      type: str
      sample: NzAwNTUxOTA5NzczMTQ4MTYw
    name:
      description: The name of the action URL.
      type: str
      sample: crm-lookup
    enabled:
      description: Whether the PBX calls this action URL.
      type: bool
      sample: true
    type:
      description: What triggers the call, V(DTMF) or V(CALLER).
      type: str
      sample: DTMF
    dtmf_mask:
      description: The digits that trigger a V(DTMF) action URL.
      type: str
      sample: "1;2;3"
    caller_mask:
      description: The caller numbers that trigger a V(CALLER) action URL.
      type: str
      sample: "4930100-4930199"
    method:
      description: How the PBX calls the webhook, V(GET) or V(POST).
      type: str
      sample: POST
    url:
      description: The webhook the PBX calls.
      type: str
      sample: https://crm.example.com/portsip/route
    headers:
      description:
        - Extra headers sent to the webhook, in the API's V(Name:value&Name2:value2) form.
        - The value of each credential header (a name containing V(key), V(auth), V(token), V(secret), V(pass),
          V(signature), V(credential), V(session), V(cookie) or V(hmac)) is masked, as is any value the PBX masks.
      type: str
      sample: "X-App-ID:crm"
    connection_timeout:
      description: Seconds the PBX waits to connect to the webhook.
      type: int
      sample: 2
    request_timeout:
      description: Seconds the PBX waits for the webhook's answer.
      type: int
      sample: 2
    auth:
      description: How the PBX authenticates to the webhook.
      type: str
      sample: BASIC
    username:
      description: User name for V(BASIC) or V(DIGEST) authentication.
      type: str
      sample: pbxhook
    password:
      description: V(********) when the PBX reports a stored password; never the password itself.
      type: str
      sample: "********"
    token:
      description: V(********) when the PBX reports a stored token; never the token itself.
      type: str
      sample: "********"
    ivr_id:
      description: The ID of the virtual receptionist.
      type: str
      sample: NzAwNTUxOTA5NzczMTQ4MTYx
    ivr_name:
      description: The name of the virtual receptionist.
      type: str
      sample: Main Menu
    ivr_extension_number:
      description: The extension number of the virtual receptionist.
      type: str
      sample: "8000"
"""

from ansible_collections.portsip.pbx.plugins.module_utils.errors import PortsipError
from ansible_collections.portsip.pbx.plugins.module_utils.forms import masked
from ansible_collections.portsip.pbx.plugins.module_utils.ivr import action_urls, find_ivr, get_ivr, list_ivrs
from ansible_collections.portsip.pbx.plugins.module_utils.module import PortsipModule


def read(client, params):
    if params["ivr_id"] is not None:
        ivrs = [get_ivr(client, params["ivr_id"])]
    elif params["ivr"] is not None:
        ivrs = [find_ivr(client, params["ivr"])]
    else:
        ivrs = list_ivrs(client)
    found = []
    for ivr in ivrs:
        ivr_id = params["ivr_id"] or ivr["id"]
        number = ivr.get("extension_number")
        for item in action_urls(client, ivr_id):
            if params["id"] not in (None, item.get("id")) or params["name"] not in (None, item.get("name")):
                continue
            found.append(dict(masked(item), ivr_id=ivr_id, ivr_name=ivr.get("name"),
                              ivr_extension_number=None if number is None else str(number)))
    return found


def main():
    module = PortsipModule(
        argument_spec=dict(
            ivr_id=dict(type="str"),
            ivr=dict(type="str"),
            name=dict(type="str"),
            id=dict(type="str"),
        ),
        mutually_exclusive=[("ivr_id", "ivr")],
        supports_check_mode=True,
    )
    try:
        action_url_list = read(module.client(), module.params)
    except PortsipError as error:
        module.fail_on(error)
    module.exit_json(changed=False, action_urls=action_url_list)


if __name__ == "__main__":
    main()
