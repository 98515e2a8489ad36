"""Service contracts started and ended through the API, with the admin's rules: one
active contract per compound, the compound's mode follows, dirty months marked, scope
and permissions checked, structured errors in Chinese, nothing changed on refusal."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from communities.models import Compound, DirtyCompoundMonth
from properties import services
from properties.models import ServiceContract

pytestmark = pytest.mark.django_db

URL = "/api/v1/service-contracts/"


def _state():
    return (
        sorted(ServiceContract.objects.values_list("pk", "compound_id", "status", "end_date")),
        sorted(Compound.objects.values_list("pk", "management_mode")),
        DirtyCompoundMonth.objects.count(),
    )


def _start_body(fw, **overrides):
    body = {
        "compound": fw.compounds["A1a-c-p"].pk, "firm": fw.firms["甲"].pk,
        "mode": "co_building", "start_date": "2026-06-01", "fee_standard": "1.20",
    }
    body.update(overrides)
    return body


def test_start_through_the_api_ends_the_old_contract_and_sets_the_mode(client, fw):
    DirtyCompoundMonth.objects.all().delete()
    compound = fw.compounds["A1a-c-p"]
    client.force_login(fw.users["district_official"])
    response = client.post(URL, _start_body(fw), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "active" and data["mode"] == "co_building"
    assert data["compound_name"] == compound.name and data["firm_name"] == fw.firms["甲"].name
    old = fw.contracts["A1a-c-p"]
    old.refresh_from_db()
    assert old.status == "ended" and old.end_date == datetime.date(2026, 5, 31)
    compound.refresh_from_db()
    assert compound.management_mode == "co_building"
    assert DirtyCompoundMonth.objects.filter(compound=compound).exists()
    assert not DirtyCompoundMonth.objects.exclude(compound=compound).exists()


def test_end_through_the_api_leaves_no_management(client, fw):
    DirtyCompoundMonth.objects.all().delete()
    contract = fw.contracts["A1a-c-p"]
    client.force_login(fw.users["district_official"])
    response = client.post(f"{URL}{contract.pk}/end/", {"end_date": "2026-10-31"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ended" and response.json()["end_date"] == "2026-10-31"
    compound = Compound.objects.get(pk=contract.compound_id)
    assert compound.management_mode == "none"
    assert DirtyCompoundMonth.objects.filter(compound=compound).exists()
    # Ending it again is a conflict, in the structured shape, in Chinese.
    before = _state()
    response = client.post(f"{URL}{contract.pk}/end/", {"end_date": "2026-11-30"},
                           content_type="application/json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict" and "已" in error["message"]
    assert _state() == before


def test_a_second_active_contract_is_refused(client, fw):
    client.force_login(fw.users["district_official"])
    before = _state()
    # Starting on or before the active contract's start would leave two at once.
    response = client.post(URL, _start_body(fw, start_date="2026-01-01"),
                           content_type="application/json")
    assert response.status_code in (400, 409)
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"} and "2026-01-01" in error["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert _state() == before


def test_out_of_scope_is_not_found_or_refused(client, fw):
    client.force_login(fw.users["district_official"])
    before = _state()
    other = fw.contracts["B1a-c-p"]
    response = client.post(f"{URL}{other.pk}/end/", {"end_date": "2026-10-31"},
                           content_type="application/json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert client.post(f"{URL}999999/end/", {"end_date": "2026-10-31"},
                       content_type="application/json").status_code == 404
    assert client.post(f"{URL}abc/end/", {"end_date": "2026-10-31"},
                       content_type="application/json").status_code == 404
    # A compound (or firm) outside the area is not a valid choice, exactly like one
    # that does not exist.
    for body in (_start_body(fw, compound=fw.compounds["B1a-c-p"].pk),
                 _start_body(fw, compound=999999)):
        response = client.post(URL, body, content_type="application/json")
        assert response.status_code == 400
        assert "compound" in response.json()["error"]["fields"]
    response = client.post(URL, _start_body(fw, firm=fw.firms["乙"].pk),
                           content_type="application/json")
    assert response.status_code == 400 and "firm" in response.json()["error"]["fields"]
    assert _state() == before


@pytest.mark.parametrize("role", ["community_staff", "firm_staff", "street_staff",
                                  "city_official", "grid_worker", "nobody"])
def test_roles_without_the_permission_get_403(client, fw, role):
    client.force_login(fw.users[role])
    before = _state()
    response = client.post(URL, _start_body(fw), content_type="application/json")
    assert response.status_code == 403
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    contract = fw.contracts["A1a-c-p"]
    response = client.post(f"{URL}{contract.pk}/end/", {"end_date": "2026-10-31"},
                           content_type="application/json")
    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize(("body", "field"), [
    ({"start_date": "2026-02-30"}, "start_date"),
    ({"start_date": "yesterday"}, "start_date"),
    ({"start_date": ""}, "start_date"),
    ({"fee_standard": "-1"}, "fee_standard"),
    ({"fee_standard": "12345.678"}, "fee_standard"),
    ({"mode": "anarchy"}, "mode"),
    ({"mode": "community_led"}, "firm"),
    ({"firm": None}, "firm"),
])
def test_bad_start_input_gives_field_errors(client, fw, body, field):
    client.force_login(fw.users["district_official"])
    before = _state()
    response = client.post(URL, _start_body(fw, **body), content_type="application/json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]
    message = " ".join(str(m) for m in error["fields"][field])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert _state() == before


@pytest.mark.parametrize("end_date", ["2025-12-31", "2026-13-01", "", None])
def test_bad_end_date_gives_a_field_error(client, fw, end_date):
    client.force_login(fw.users["district_official"])
    contract = fw.contracts["A1a-c-p"]
    before = _state()
    response = client.post(f"{URL}{contract.pk}/end/", {"end_date": end_date},
                           content_type="application/json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert "end_date" in error["fields"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert _state() == before


def test_community_led_start_without_a_firm(client, fw):
    client.force_login(fw.users["district_official"])
    body = _start_body(fw, firm=None, mode="community_led", fee_standard="0.30")
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["firm"] is None and response.json()["firm_name"] == ""
    assert Compound.objects.get(pk=fw.compounds["A1a-c-p"].pk).management_mode == "community_led"


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries), len(response.json()["results"])


def test_list_query_count_does_not_grow(client, fw):
    client.force_login(fw.users["superuser"])
    _list_queries(client)  # warm caches
    small, rows_small = _list_queries(client)
    compound = fw.compounds["B1a-c-p"]
    for year in range(2026, 2046):
        services.contract_start(
            compound=compound, firm=fw.firms["乙"], mode="market",
            start_date=datetime.date(year, 3, 1), fee_standard=Decimal("1.00"),
        )
    large, rows_large = _list_queries(client)
    assert rows_large == rows_small + 20
    assert large == small


def test_schema_documents_the_contract_writes(fw):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    assert "post" in paths["/api/v1/service-contracts/"]
    assert "post" in paths["/api/v1/service-contracts/{id}/end/"]
