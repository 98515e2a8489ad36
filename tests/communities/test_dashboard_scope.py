"""Scope of the dashboard: a street official reads their own street's numbers, never another
street's — not in the page, the API or an export (404); roles without the permission: 403."""

import pytest

from communities.models import StaffRole
from properties.credit_code import check_character
from properties.models import PropertyFirm
from tests.communities.dashboard_data import row, save, shown_month
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

EXPORTS = ["cards", "trend", "ranking", "modes", "before-after", "panel-joint-meetings"]


@pytest.fixture
def numbers(world):
    """Street A1a: disclosure 3/4; street A1b (same district): 1/4."""
    month = shown_month()
    save(
        row("disclosure_rate", month, "street", world.streets["A1a"].pk, 3, 4),
        row("disclosure_rate", month, "street", world.streets["A1b"].pk, 1, 4),
    )
    return world


def _own(world):
    return {"level": "street", "unit": world.streets["A1a"].pk}


def _other(world):
    return {"level": "street", "unit": world.streets["A1b"].pk}


def test_street_official_sees_own_street(client, numbers):
    client.force_login(numbers.users["street_staff"])
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert response.context["unit"].name == "A1a"
    card = next(c for c in response.context["cards"] if c.code == "disclosure_rate")
    assert card.display == "75.0%"
    assert client.get("/dashboard/", _own(numbers)).status_code == 200


def test_street_official_cannot_read_another_street(client, numbers):
    client.force_login(numbers.users["street_staff"])
    assert client.get("/dashboard/", _other(numbers)).status_code == 404
    # Nor the district above it, which would include the other street.
    district = {"level": "district", "unit": numbers.districts["A1"].pk}
    assert client.get("/dashboard/", district).status_code == 404
    api = client.get("/api/v1/metrics/", {
        "metric": "disclosure_rate", "scope": "street", "scope_id": numbers.streets["A1b"].pk,
    })
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"
    for table in EXPORTS:
        response = client.get(f"/dashboard/export/{table}.xlsx", _other(numbers))
        assert response.status_code == 404, table


def test_street_official_api_and_exports_of_own_street(client, numbers):
    client.force_login(numbers.users["street_staff"])
    api = client.get("/api/v1/metrics/", {
        "metric": "disclosure_rate", "scope": "street", "scope_id": numbers.streets["A1a"].pk,
        "period": f"{shown_month():%Y-%m}",
    })
    assert api.status_code == 200
    assert api.json()["results"][0]["value"] == "0.7500"
    for table in EXPORTS:
        assert client.get(f"/dashboard/export/{table}.xlsx", _own(numbers)).status_code == 200


def test_district_official_ranks_own_streets_only(client, numbers):
    client.force_login(numbers.users["district_official"])
    response = client.get("/dashboard/", {"metric": "disclosure_rate"})
    names = [r.name for r in response.context["ranking"]["ranked"]]
    assert names == ["A1a", "A1b"]
    # District A2 (same city) is not theirs.
    assert client.get("/dashboard/", {"level": "district",
                                      "unit": numbers.districts["A2"].pk}).status_code == 404


@pytest.mark.parametrize("role", ["grid_worker", "nobody"])
def test_roles_without_the_permission_are_refused(client, world, role):
    client.force_login(world.users[role])
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/export/cards.xlsx").status_code == 403
    api = client.get("/api/v1/metrics/", {"metric": "disclosure_rate", "scope": "street",
                                          "scope_id": world.streets["A1a"].pk})
    assert api.status_code == 403
    assert "error" in api.json()


def test_firm_staff_are_refused(client, world):
    firm = PropertyFirm.objects.create(
        name="城鑫物业", credit_code="91610204MA6X5A2B3" + check_character("91610204MA6X5A2B3"),
        ownership="state_owned",
    )
    client.force_login(staff_user("firm_dash", StaffRole.FIRM_STAFF, firm))
    assert client.get("/dashboard/").status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/metrics/").status_code in (401, 403)


def test_superuser_chooses_among_cities(client, numbers):
    client.force_login(numbers.users["superuser"])
    response = client.get("/dashboard/")
    assert response.context["unit"].name == "A"
    assert [name for _pk, name in response.context["cities"]] == ["A", "B"]
    response = client.get("/dashboard/", {"level": "city", "unit": numbers.cities["B"].pk})
    assert response.context["unit"].name == "B"


def test_menu_link_only_for_those_allowed(client, world):
    client.force_login(world.users["community_staff"])
    assert "/dashboard/" in client.get("/staff/").content.decode()
    client.force_login(world.users["grid_worker"])
    assert "/dashboard/" not in client.get("/staff/").content.decode()
