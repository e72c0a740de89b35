# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # The options of plugins/module_utils/module.py CONNECTION_OPTIONS; a unit test keeps both in step. Every module
    # with these options is in the action group of meta/runtime.yml.
    DOCUMENTATION = r"""
attributes:
  action_group:
    description: Use C(group/portsip.pbx.pbx) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - portsip.pbx.pbx
options:
  pbx_url:
    description:
      - Address of the PortSIP PBX REST API, for example V(https://pbx.example.com:8887).
      - The C(/api) suffix may be given or left out.
      - Required. If not set, the value of the E(PORTSIP_URL) environment variable is used.
    type: str
  pbx_username:
    description:
      - Account to log in with. A tenant admin (with O(pbx_domain)) is the natural account for virtual receptionists.
      - Required unless O(pbx_access_token) is given.
      - If not set, the value of the E(PORTSIP_USERNAME) environment variable is used.
    type: str
  pbx_password:
    description:
      - Password of O(pbx_username).
      - If not set, the value of the E(PORTSIP_PASSWORD) environment variable is used.
    type: str
  pbx_domain:
    description:
      - SIP domain of the tenant that O(pbx_username) belongs to. Leave it out for the system administrator.
      - If not set, the value of the E(PORTSIP_DOMAIN) environment variable is used.
    type: str
  pbx_access_token:
    description:
      - An access token to use instead of logging in, which saves one request per task.
      - If the PBX refuses it and O(pbx_username) and O(pbx_password) are set, the module logs in with those.
      - If not set, the value of the E(PORTSIP_ACCESS_TOKEN) environment variable is used.
    type: str
  pbx_validate_certs:
    description:
      - Whether to verify the PBX's TLS certificate.
      - Set it to V(false) only on a trusted network; prefer O(pbx_ca_path) for a private CA.
      - If not set, the value of the E(PORTSIP_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  pbx_ca_path:
    description:
      - A PEM file with the CA certificate(s) to trust for the PBX's TLS certificate.
      - Without it, the file named by E(REQUESTS_CA_BUNDLE) is used, or else the CA bundle that C(requests) trusts (certifi's).
      - If not set, the value of the E(PORTSIP_CA_PATH) environment variable is used.
    type: path
  pbx_timeout:
    description:
      - Seconds to wait for the PBX to answer one request.
      - Also how long a create whose answer was lost (no answer, a read timeout, a 5xx) is looked for
        on the PBX before the task fails without sending it again, so that a PBX that commits late
        never gets a duplicate. Raise it for a PBX that is slow under load.
      - If not set, the value of the E(PORTSIP_TIMEOUT) environment variable is used.
    type: int
    default: 30
notes:
  - Requests that read, update or delete are retried up to 3 times on connection errors and on HTTP 429, 502,
    503 and 504, with jittered exponential backoff; a C(Retry-After) header is honoured (up to 60 seconds).
    Each retry is reported as a warning.
  - A create is sent again only when it cannot have reached the PBX (no connection, or HTTP 429). When its
    fate is unknown (no answer after sending, a truncated answer, any 5xx), the module looks for the object
    for up to O(pbx_timeout) seconds; if it does not appear, the task fails without creating it again, and a
    rerun converges.
  - Any text the PBX sends is cleared of the task's secrets before it is shown. Redirects are not followed.
  - HTTP proxies and CA bundles from E(HTTPS_PROXY), E(NO_PROXY) and E(REQUESTS_CA_BUNDLE) are honoured;
    C(~/.netrc) is not read.
requirements:
  - requests >= 2.25 on the host that runs the module (usually C(localhost))
"""
