"""The hierarchy API: scoped lists, 404 outside scope, structured errors, masked phones."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    return client


def _names(response):
    return {row["name"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("superuser", {"A1a-c-p", "A1b-c-p", "A2a-c-p", "B1a-c-p"}),
        ("city_official", {"A1a-c-p", "A1b-c-p", "A2a-c-p"}),
        ("district_official", {"A1a-c-p", "A1b-c-p"}),
        ("street_staff", {"A1a-c-p"}),
        ("community_staff", {"A1a-c-p"}),
        ("grid_worker", {"A1a-c-p"}),
        ("nobody", set()),
    ],
)
def test_compound_list_is_scoped(api, world, role, expected):
    api.force_login(world.users[role])
    response = api.get("/api/v1/compounds/")
    assert response.status_code == 200
    assert _names(response) == expected


def test_detail_outside_scope_is_404_with_structured_error(api, world):
    api.force_login(world.users["community_staff"])
    response = api.get(f"/api/v1/compounds/{world.compounds['B1a-c-p'].pk}/")
    assert response.status_code == 404
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_anonymous_gets_structured_401_or_403(api, world):
    response = api.get("/api/v1/compounds/")
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_bad_filter_value_is_a_structured_400(api, world):
    api.force_login(world.users["superuser"])
    response = api.get("/api/v1/compounds/", {"district": "not-a-number"})
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert "district" in body["fields"]


def test_household_phones_masked_without_pii(api, world):
    household = world.households["A1a-c-p-b1-1"]
    api.force_login(world.users["district_official"])
    phones = {h["phone"] for h in api.get("/api/v1/households/").json()["results"]}
    assert household.phone not in phones
    api.force_login(world.users["community_staff"])
    phones = {h["phone"] for h in api.get("/api/v1/households/").json()["results"]}
    assert household.phone in phones


def test_household_list_query_count_is_flat(api, world):
    api.force_login(world.users["superuser"])
    with CaptureQueriesContext(connection) as small:
        api.get("/api/v1/households/")
    building = world.buildings["B1a-c-p-b2"]
    for i in range(40):
        services.household_create(
            building=building, room=f"9{i:02d}", floor_area=Decimal("60"), owner_name="新户"
        )
    with CaptureQueriesContext(connection) as large:
        api.get("/api/v1/households/")
    assert len(large) == len(small)


def test_schema_and_docs_are_served(api, world):
    api.force_login(world.users["superuser"])
    assert api.get("/api/schema/").status_code == 200
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()
