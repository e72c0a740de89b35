# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# A stateful PortSIP PBX REST API simulator for testing the portsip.pbx collection and playbooks offline.
# Run it with `python -m portsip_sim --help`, or in-process: `with Simulator(demo=True) as sim: ...`.

from .control import Control
from .server import Simulator

__all__ = ['Control', 'Simulator']
