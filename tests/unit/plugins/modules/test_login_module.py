# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the login module makes of the PBX's expires_in."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.portsip.pbx.plugins.modules.login import seconds


@pytest.mark.parametrize("value, expected", [(1800, 1800), ("1800", 1800), (None, None), ("soon", None), (True, None)])
def test_expires_in_is_an_int_or_none(value, expected):
    assert seconds(value) == expected
