# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every portsip.pbx module shares: connection options, the client, error reporting."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import os
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.portsip.pbx.plugins.module_utils.client import Client
from ansible_collections.portsip.pbx.plugins.module_utils.headers import (
    CREDENTIAL_HEADER_WORDS,
    SECRET_HEADERS,
    credential_headers,
    is_credential_header,
)
from ansible_collections.portsip.pbx.plugins.module_utils.placeholders import is_placeholder
from ansible_collections.portsip.pbx.plugins.module_utils.redaction import MIN_SECRET
from ansible_collections.portsip.pbx.plugins.module_utils.transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.portsip.pbx.plugins.module_utils.values import empty_problems, is_whole_number

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

_DOMAIN = "pbx_domain (a tenant admin needs the tenant's SIP domain)"
# What a user can do about a failed request: by the error's kind, else by its HTTP status. The errors carry facts; the
# options to change are named here only.
HINTS = {
    "tls": "if the PBX uses a private CA, set pbx_ca_path to its certificate, or pbx_validate_certs to false on a trusted "
           "network",
    "redirect": "set pbx_url to the address the PBX serves its API on",
    "no_credentials": "set pbx_access_token, or pbx_username and pbx_password",
    "two_factor": "use an automation account without 2FA or pass pbx_access_token",
    "login_refused": "check pbx_username, pbx_password and " + _DOMAIN,
    401: "the PBX refused the credentials: check pbx_username and pbx_password, " + _DOMAIN + ", or pbx_access_token",
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

    def __init__(self, argument_spec, required_one_of=(), required_together=(), logs_in=False, **kwargs):
        """``logs_in``: the module always logs in, so an access token does not replace the account."""
        spec = connection_argument_spec()
        spec.update(argument_spec)
        account = [] if logs_in else [("pbx_username", "pbx_access_token")]
        super(PortsipModule, self).__init__(
            argument_spec=spec,
            required_one_of=account + list(required_one_of),
            required_together=[("pbx_username", "pbx_password")] + list(required_together),
            **kwargs
        )
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self._check_connection(logs_in)
        self._guard_headers()
        empty = empty_problems({name: self.params.get(name) for name in ("ivr_id", "ivr", "id")})
        if empty:
            self.fail_json(msg=empty[0])

    def _check_connection(self, logs_in):
        """Refuse connection options that cannot work; warn of credentials sent unencrypted."""
        url = urlsplit(self.params["pbx_url"] or "")
        if url.scheme not in ("http", "https") or not url.netloc:
            self.fail_json(msg="pbx_url: must be the PBX's address with http:// or https://, for example "
                               "https://pbx.example.com:8887 (set the option or the PORTSIP_URL environment variable)")
        # Empty is what an AWX credential injects for a field left blank: as good as unset.
        if logs_in and not (self.params["pbx_username"] and self.params["pbx_password"]):
            self.fail_json(msg="pbx_username and pbx_password: both are required, this module logs in with them "
                               "(set the options or the PORTSIP_USERNAME and PORTSIP_PASSWORD environment variables)")
        if not is_whole_number(self.params["pbx_timeout"], 1):
            self.fail_json(msg="pbx_timeout: must be a number of seconds greater than 0")
        ca_path = self.params["pbx_ca_path"]
        if ca_path and not os.path.isfile(ca_path):
            self.fail_json(msg="pbx_ca_path: %s is not a file; give the path of the PBX's CA certificate (PEM)" % ca_path)
        if url.scheme == "http" and not _is_loopback(url.hostname) and (self.params["pbx_password"] or self.params["pbx_access_token"]):
            self.warn("pbx_url uses http://, so the PBX credentials and access token cross the network unencrypted; "
                      "use the PBX's https:// address")

    def _guard_headers(self):
        """Hide credentials given in the plain headers option, and warn where headers or secret_headers leak them."""
        # Credential values in the plain headers option are hidden from the result (its invocation too) and from the
        # log entry (_log_invocation) as no_log values are; Ansible itself may still show them where it shows a task's
        # arguments, as it does not know them for secrets.
        self.no_log_values.update(self._header_credentials())
        plain = sorted({name for headers in _values_named(self.params, "headers") for name, _text in credential_headers(headers)})
        if plain:
            self.warn("headers: %s carries a credential, and headers is not a secret option, so Ansible may show it "
                      "where it shows a task's arguments; give it in secret_headers instead" % ", ".join(plain))
        unrecognised = sorted({str(name) for secret in _values_named(self.params, SECRET_HEADERS) if isinstance(secret, dict)
                               for name in secret if not is_credential_header(str(name))})
        if unrecognised:
            self.warn("secret_headers: %s is hidden in this task's output, but its name does not contain %s, so "
                      "ivr_action_url_info and gathered exports show its value, and a task that sets headers without it "
                      "removes it" % (", ".join(unrecognised), " or ".join(CREDENTIAL_HEADER_WORDS)))

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
            secrets=self.secrets(),
            timeout_name="pbx_timeout",
        )

    def secrets(self):
        """Every secret of this task, so the client can remove them from whatever the server echoes."""
        return list(self.no_log_values) + self._header_credentials()

    def _header_credentials(self):
        # As short as the client's redaction allows: Ansible would mask a 3-letter value in every word of the output.
        return [text for headers in _values_named(self.params, "headers") for _name, text in credential_headers(headers)
                if len(text) >= MIN_SECRET and not is_placeholder(text)]

    def _log_invocation(self):
        self.no_log_values.update(self._header_credentials())
        # A placeholder given for a secret (a registered result applied again) is no secret. As a no_log value, Ansible
        # would turn every mask in the result into VALUE_SPECIFIED_IN_NO_LOG_PARAMETER, which the next task fed it
        # would have to know for a mask too.
        self.no_log_values.difference_update([value for value in self.no_log_values if is_placeholder(value)])
        super(PortsipModule, self)._log_invocation()

    def fail_on(self, error, context=None, **result):
        """Report a PortsipError with what the user can do about it; ``context`` says what was being done."""
        result.update(error.to_result())
        self.fail_json(msg=message(error, context), **result)


def message(error, context=None):
    """A PortsipError as a user reads it: what failed, then what to do about it, after ``context`` if given."""
    msg = str(error)
    hint = HINTS.get(getattr(error, "kind", None)) or HINTS.get(getattr(error, "status", None))
    if hint:
        msg += "; " + hint
    return "%s: %s" % (context, msg) if context else msg


def _values_named(value, name):
    """Every value of the key ``name`` in nested options (a module's own and its suboptions')."""
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            if key == name and item is not None:
                found.append(item)
            else:
                found += _values_named(item, name)
        return found
    if isinstance(value, list):
        return [found for item in value for found in _values_named(item, name)]
    return []


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False
