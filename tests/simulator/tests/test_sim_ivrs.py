# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from portsip_sim import Simulator
from portsip_sim.odata import FilterError, compile_filter


def names(answer):
    assert answer.status_code == 200, answer.text
    return [item['name'] for item in answer.json()['items']]


def test_list_answers_count_and_summaries(api):
    body = api.get('/ivrs').json()
    assert body['count'] == 4
    assert [sorted(item) for item in body['items']] == [['extension_number', 'id', 'name']] * 4
    assert [item['name'] for item in body['items']] == ['Main Menu', 'Sales', "O'Brien Desk", 'Support']


@pytest.mark.parametrize('expression, expected', [
    ("name eq 'Sales'", ['Sales']),
    ("extension_number eq '8200'", ['Support']),
    ("name eq 'O''Brien Desk'", ["O'Brien Desk"]),
    ("name eq 'Sales' or extension_number eq '8000'", ['Main Menu', 'Sales']),
    ("name eq 'Sales' and extension_number eq '8000'", []),
    ("startswith(name,'S') and (extension_number eq '8200' or name eq 'nobody')", ['Support']),
    ("name ne 'Sales' and endswith(name, 'Desk')", ["O'Brien Desk"]),
    ("contains(name,'u')", ['Main Menu', 'Support']),
    ("name eq 'sales'", []),
    ('', ['Main Menu', 'Sales', "O'Brien Desk", 'Support']),
])
def test_filter(api, expression, expected):
    answer = api.get('/ivrs', params={'filter': expression})
    assert names(answer) == expected
    assert answer.json()['count'] == len(expected)


@pytest.mark.parametrize('expression', ["name eq Sales", "pin eq '1'", "name eq 'x' and", "name eq 'unterminated", "name gt 'a'"])
def test_bad_filter_is_refused(api, expression):
    answer = api.get('/ivrs', params={'filter': expression})
    assert answer.status_code == 400
    assert answer.json()['errors'][0]['code'] == 'VALIDATE_FAILED'


def test_filter_on_a_missing_field_is_false_not_an_error():
    assert compile_filter("name eq 'x'", ('name',))({}) is False
    with pytest.raises(FilterError):
        compile_filter("name eq 'x')", ('name',))


def test_ignore_filter(api, control):
    control.configure(ignore_filter=True)
    assert len(names(api.get('/ivrs', params={'filter': "name eq 'Sales'"}))) == 4


@pytest.mark.parametrize('params', [{'top': '0'}, {'top': '101'}, {'top': 'ten'}, {'skip': '-1'}])
def test_paging_parameters_are_checked(api, params):
    answer = api.get('/ivrs', params=params)
    assert answer.status_code == 400
    assert answer.json()['errors'][0]['code'] == 'VALIDATE_FAILED'


def test_skip_and_top_page_through_everything(api, control):
    control.seed(ivrs=[{'name': 'Extra %02d' % number, 'extension_number': '9%03d' % number} for number in range(20)])
    pages = [api.get('/ivrs', params={'skip': skip, 'top': 10}).json() for skip in (0, 10, 20)]
    assert [page['count'] for page in pages] == [24] * 3
    assert [len(page['items']) for page in pages] == [10, 10, 4]
    assert len({item['id'] for page in pages for item in page['items']}) == 24


def test_max_page_size_caps_top(api, control):
    control.configure(max_page_size=3)
    answer = api.get('/ivrs', params={'top': 100}).json()
    assert answer['count'] == 4 and len(answer['items']) == 3
    assert names(api.get('/ivrs', params={'skip': 3})) == ['Support']


def test_skip_base_one(api, control):
    control.configure(skip_base=1)
    assert names(api.get('/ivrs', params={'skip': 0, 'top': 2})) == ['Main Menu', 'Sales']
    assert names(api.get('/ivrs', params={'skip': 1, 'top': 2})) == ['Main Menu', 'Sales']
    assert names(api.get('/ivrs', params={'skip': 2, 'top': 2})) == ['Sales', "O'Brien Desk"]


def test_get_one_ivr(api, ivr_id):
    answer = api.get('/ivrs/' + ivr_id)
    assert answer.status_code == 200
    body = answer.json()
    assert (body['id'], body['name'], body['extension_number']) == (ivr_id, 'Sales', '8100')
    assert body['dtmf_interval'] == 2


@pytest.mark.parametrize('status, code', [(404, 'NOT_FOUND'), (400, 'VALIDATE_FAILED')])
def test_unknown_ivr_id(api, control, status, code):
    control.configure(unknown_id_status=status)
    for path in ('/ivrs/Tm9TdWNoSXZy', '/ivrs/Tm9TdWNoSXZy/action_urls'):
        answer = api.get(path)
        assert answer.status_code == status
        assert answer.json()['errors'][0]['code'] == code
        assert answer.json()['errors'][0]['detail'] == {'field': 'id'}


def test_generated_and_demo_ivrs():
    with Simulator(demo=True, ivrs=3) as sim:
        assert [(ivr['name'], ivr['extension_number']) for ivr in sim.state.dump()['ivrs']] == [
            ('Main Menu', '8000'), ('IVR 001', '8001'), ('IVR 002', '8002'), ('IVR 003', '8003')]


def test_ids_are_opaque_base64(api):
    ids = [item['id'] for item in api.get('/ivrs').json()['items']]
    assert len(set(ids)) == len(ids)
    assert all(len(ivr_id) == 24 and ivr_id.isalnum() for ivr_id in ids)


def test_routing_errors(api):
    assert api.get('/nothing').status_code == 404
    answer = api.session.delete(api.base + '/ivrs', timeout=5)
    assert answer.status_code == 405 and answer.headers['Allow'] == 'GET'
