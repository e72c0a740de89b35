# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The legacy_values switch: values PBXs before 22.6 accepted, which a PBX upgraded since still holds.

import pytest

LEGACY = dict(name='old', type='DTMF', dtmf_mask='1;2;1', url='https://old.example.com/', auth='BASIC',
              username='Pbxhook1', password='Hookpass1')


def test_values_of_older_pbxs_are_refused_by_default(control):
    assert control.config()['legacy_values'] is False
    with pytest.raises(Exception, match='entries must be unique'):
        control.seed(ivrs=[{'name': 'Old', 'extension_number': '8100', 'action_urls': [LEGACY]}])


def test_the_switch_takes_them_and_the_pbx_keeps_them_after_it_is_off(control):
    control.configure(legacy_values=True)
    control.seed(ivrs=[{'name': 'Old', 'extension_number': '8100', 'action_urls': [LEGACY]}])
    control.configure(legacy_values=False)
    [stored] = next(ivr for ivr in control.state()['ivrs'] if ivr['name'] == 'Old')['action_urls']
    assert (stored['dtmf_mask'], stored['username'], stored['password']) == ('1;2;1', 'Pbxhook1', 'Hookpass1')
