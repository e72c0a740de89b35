#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
module: login
short_description: Log in to a PortSIP PBX once and get an access token for the other tasks
version_added: 1.0.0
description:
  - Logs in to a PortSIP PBX with O(pbx_username), O(pbx_password) and O(pbx_domain), exactly as every module of the
    collection does on its own, and returns the access token.
  - Give the token to the other tasks as O(pbx_access_token), for example through C(module_defaults); each of them then
    skips its own login, which saves one request per task.
  - Changes nothing on the PBX.
  - The task's result holds the token, so it is hidden from the console at every verbosity, as if the task had
    C(no_log). Registering it still works.
author:
  - portsip.pbx maintainers (@portsip)
extends_documentation_fragment:
  - portsip.pbx.connection
attributes:
  check_mode:
    description: Logging in changes nothing, so it logs in the same way in check mode.
    support: full
  diff_mode:
    description: Changes nothing, so there is no diff.
    support: none
notes:
  - O(pbx_username) and O(pbx_password) are required, from the task or from E(PORTSIP_USERNAME) and
    E(PORTSIP_PASSWORD). An O(pbx_access_token) also set, for example by C(module_defaults) for the whole group, is not
    used.
  - C(module_defaults) set at a block or task level replace those of the same group set at an outer level, they do not
    add to them. So set O(pbx_access_token) next to the other connection options, as in the example.
  - Keep O(pbx_username) and O(pbx_password) set for the tasks that use the token. When the token expires in the middle
    of a play (after RV(expires_in) seconds, about 30 minutes), the PBX refuses it and each of those tasks logs in again
    on its own, so a play longer than the token's life still runs.
  - Like every module of the collection, it logs in with the OAuth password grant and, on a PBX without that endpoint,
    with the sign-in endpoint of PBX 22.2 and later. An account with two-factor authentication is refused.
seealso:
  - module: portsip.pbx.ivr_action_url
  - module: portsip.pbx.ivr_action_url_info
"""

EXAMPLES = r"""
- name: Log in once and give the token to every task of the block
  module_defaults:
    group/portsip.pbx.pbx:
      pbx_url: "{{ portsip_url }}"
      pbx_username: "{{ portsip_username }}"
      pbx_password: "{{ portsip_password }}"
      pbx_domain: "{{ portsip_domain }}"
      # Unset for the login task itself, the token of its result for every task after it.
      pbx_access_token: "{{ portsip_login.access_token | default(omit) }}"
  block:
    - name: Get an access token
      portsip.pbx.login:
      register: portsip_login

    - name: Send callers who key 9 to the support desk's hook
      portsip.pbx.ivr_action_url:
        ivr: Main Menu
        name: support-desk
        type: DTMF
        dtmf_mask: "9"
        method: POST
        url: https://support.example.com/portsip/route

    - name: Read back the main menu's action URLs
      portsip.pbx.ivr_action_url_info:
        ivr: Main Menu
      register: main_menu

    - name: Say when the token expires
      ansible.builtin.debug:
        msg: "The token expires at {{ portsip_login.expires_at }}; later tasks log in again by themselves."
"""

RETURN = r"""
access_token:
  description:
    - The access token, for O(pbx_access_token) of the other tasks.
    - Hidden from the console; use it through a registered variable.
  returned: success
  type: str
  sample: eyJhbGciOiJIUzI1NiJ9.example
token_type:
  description: The kind of token, as the PBX names it.
  returned: success
  type: str
  sample: Bearer
expires_in:
  description: Seconds the token is valid from the login, as the PBX says; null if the PBX does not say.
  returned: success
  type: int
  sample: 1800
expires_at:
  description:
    - When the token expires, in UTC (ISO 8601), counted from just before the login; null if the PBX does not say.
  returned: success
  type: str
  sample: "2026-12-01T10:30:00Z"
"""

import datetime

from ansible_collections.portsip.pbx.plugins.module_utils.errors import PortsipError
from ansible_collections.portsip.pbx.plugins.module_utils.module import PortsipModule


def seconds(value):
    """The answer's expires_in as an int, or None when it is missing or not a number."""
    try:
        return None if isinstance(value, bool) else int(value)
    except (TypeError, ValueError):
        return None


def main():
    module = PortsipModule(argument_spec={}, logs_in=True, supports_check_mode=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    try:
        answer = module.client().log_in()
    except PortsipError as error:
        module.fail_on(error)
    expires_in = seconds(answer.get("expires_in"))
    expires_at = None
    if expires_in is not None:
        expires_at = (started + datetime.timedelta(seconds=expires_in)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # Only these: the answer's refresh token would outlive the access token, and no task needs it.
    module.exit_json(changed=False, access_token=answer["access_token"], token_type=answer.get("token_type"),
                     expires_in=expires_in, expires_at=expires_at)


if __name__ == "__main__":
    main()
