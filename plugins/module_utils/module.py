# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every portsip.pbx module shares: connection options, the client, error reporting."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.portsip.pbx.plugins.module_utils.client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    Client,
)

# Option name -> (argument spec, environment variable). The variable names are the ones the
# collection's AWX credential type injects.
CONNECTION_OPTIONS = {
    # Not "required": linters cannot see the environment fallback and would flag every task that relies on it.
    "pbx_url": ({"type": "str"}, "PORTSIP_URL"),
    "pbx_username": ({"type": "str"}, "PORTSIP_USERNAME"),
    "pbx_password": ({"type": "str", "no_log": True}, "PORTSIP_PASSWORD"),
    "pbx_domain": ({"type": "str"}, "PORTSIP_DOMAIN"),
    "pbx_access_token": ({"type": "str", "no_log": True}, "PORTSIP_ACCESS_TOKEN"),
    "pbx_validate_certs": ({"type": "bool", "default": True}, "PORTSIP_VALIDATE_CERTS"),
    "pbx_ca_path": ({"type": "path"}, "PORTSIP_CA_PATH"),
    "pbx_timeout": ({"type": "int", "default": 30}, "PORTSIP_TIMEOUT"),
}

HINTS = {
    401: "the PBX refused the credentials: check pbx_username and pbx_password, pbx_domain (a tenant "
         "admin needs the tenant's SIP domain), or pbx_access_token",
    403: "the account is not allowed to do this: virtual receptionists are tenant resources, so use a "
         "tenant admin account (with pbx_domain) whose role may manage them",
    429: "the PBX's API rate limit was reached and retries did not get through: run fewer tasks in parallel",
}


def connection_argument_spec():
    spec = {}
    for name, (option, variable) in CONNECTION_OPTIONS.items():
        spec[name] = dict(option, fallback=(env_fallback, [variable]))
    return spec


class PortsipModule(AnsibleModule):
    """An AnsibleModule with the connection options and a PortSIP client."""

    def __init__(self, argument_spec, required_one_of=(), required_together=(), **kwargs):
        spec = connection_argument_spec()
        spec.update(argument_spec)
        super(PortsipModule, self).__init__(
            argument_spec=spec,
            required_one_of=[("pbx_username", "pbx_access_token")] + list(required_one_of),
            required_together=[("pbx_username", "pbx_password")] + list(required_together),
            **kwargs
        )
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        url = urlsplit(self.params["pbx_url"] or "")
        if url.scheme not in ("http", "https") or not url.netloc:
            self.fail_json(msg="pbx_url: must be the PBX's https:// address, for example https://pbx.example.com:8887 "
                               "(set the option or the PORTSIP_URL environment variable)")
        if self.params["pbx_timeout"] <= 0:
            self.fail_json(msg="pbx_timeout: must be a number of seconds greater than 0")
        # IDs and the IVR's name or number become URL path segments or filters: empty would address another object.
        for name in ("ivr_id", "ivr", "id"):
            if self.params.get(name) == "":
                self.fail_json(msg="%s: must not be empty" % name)

    def client(self):
        params = self.params
        return Client(
            params["pbx_url"],
            username=params["pbx_username"],
            password=params["pbx_password"],
            domain=params["pbx_domain"],
            access_token=params["pbx_access_token"],
            validate_certs=params["pbx_validate_certs"],
            ca_path=params["pbx_ca_path"],
            timeout=params["pbx_timeout"],
            warn=self.warn,
        )

    def fail_on(self, error, context=None, **result):
        """Report a PortsipError with what the user can do about it; ``context`` says what was being done."""
        msg = str(error)
        hint = error.hint or HINTS.get(error.status)
        if hint:
            msg += "; " + hint
        if context:
            msg = "%s: %s" % (context, msg)
        result.update(error.to_result())
        self.fail_json(msg=msg, **result)
