"""Scope: each role sees only its complaints in the workbench, the API, the admin and
the Excel export; a firm's staff and a grid worker only what is dispatched to them."""

import io

import pytest
from openpyxl import load_workbook

from complaints import services

from .conftest import PHONE, advance, make_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(cw):
    """One complaint per compound; A1a's first goes to the firm, a second to the grid,
    a third stays with the community."""
    made = {name: make_complaint(cw, compound=name, description=f"问题在{name}")
            for name in ("A1a-c-p", "A1b-c-p", "A2a-c-p", "B1a-c-p")}
    advance(cw, made["A1a-c-p"], "dispatched")  # → firm
    grid = make_complaint(cw, description="网格的问题")
    advance(cw, grid, "accepted")
    services.complaint_dispatch(complaint_id=grid.pk, actor=cw.users["community_staff"],
                                target=f"grid:{cw.grids['A1a-c-g'].pk}")
    made["grid"] = grid
    made["community_only"] = make_complaint(cw, description="社区自己办")
    return made


EXPECTED = {
    "superuser": {"A1a-c-p", "A1b-c-p", "A2a-c-p", "B1a-c-p", "grid", "community_only"},
    "city_official": {"A1a-c-p", "A1b-c-p", "A2a-c-p", "grid", "community_only"},
    "district_official": {"A1a-c-p", "A1b-c-p", "grid", "community_only"},
    "street_staff": {"A1a-c-p", "grid", "community_only"},
    "community_staff": {"A1a-c-p", "grid", "community_only"},
    "other_community_staff": {"A1b-c-p"},
    "grid_worker": {"grid"},
    "firm_staff": {"A1a-c-p"},
    "other_firm_staff": set(),
}


def _codes(spread, keys):
    return {spread[k].tracking_code for k in keys}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_workbench_queue_is_scoped(client, cw, spread, role):
    client.force_login(cw.users[role])
    body = client.get("/staff/complaints/").content.decode()
    for key, complaint in spread.items():
        assert (complaint.tracking_code in body) == (key in EXPECTED[role]), key


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_api_list_is_scoped(client, cw, spread, role):
    client.force_login(cw.users[role])
    data = client.get("/api/v1/complaints/").json()
    assert {row["tracking_code"] for row in data["results"]} == _codes(spread, EXPECTED[role])


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_export_is_scoped_with_chinese_headers(client, cw, spread, role):
    client.force_login(cw.users[role])
    response = client.get("/staff/complaints/export.xlsx")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][0] == "查询码" and "反映人电话" in rows[0]
    assert {row[0] for row in rows[1:]} == _codes(spread, EXPECTED[role])


def test_export_masks_phones_without_pii_permission(client, cw, spread):
    client.force_login(cw.users["street_staff"])
    response = client.get("/staff/complaints/export.xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    phone_col = rows[0].index("反映人电话")
    assert {row[phone_col] for row in rows[1:]} == {"139****5678"}
    body = client.get(f"/staff/complaints/{spread['A1a-c-p'].pk}/").content.decode()
    assert "139****5678" in body and PHONE not in body


@pytest.mark.parametrize("role", ["community_staff", "firm_staff", "grid_worker"])
def test_out_of_scope_is_404_everywhere(client, cw, spread, role):
    client.force_login(cw.users[role])
    foreign = spread["B1a-c-p"]
    assert client.get(f"/staff/complaints/{foreign.pk}/").status_code == 404
    assert client.get(f"/api/v1/complaints/{foreign.pk}/").status_code == 404
    response = client.post(f"/staff/complaints/{foreign.pk}/accept/",
                           {"version": foreign.version})
    assert response.status_code == 404
    response = client.post(f"/api/v1/complaints/{foreign.pk}/accept/", {},
                           content_type="application/json")
    assert response.status_code == 404
    assert set(response.json()["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    ("role", "visible"),
    [("community_staff", {"A1a-c-p", "grid", "community_only"}),
     ("other_community_staff", {"A1b-c-p"}), ("firm_staff", {"A1a-c-p"})],
)
def test_admin_changelist_is_scoped_and_phones_masked(client, cw, spread, role, visible):
    client.force_login(cw.users[role])
    response = client.get("/admin/complaints/complaint/")
    assert response.status_code == 200
    body = response.content.decode()
    for key, complaint in spread.items():
        assert (complaint.tracking_code in body) == (key in visible), key
    foreign = spread["B1a-c-p"]
    assert client.get(f"/admin/complaints/complaint/{foreign.pk}/change/").status_code == 404


def test_admin_masks_phone_for_officials(client, cw, spread):
    client.force_login(cw.users["street_staff"])
    body = client.get("/admin/complaints/complaint/").content.decode()
    assert "139****5678" in body and PHONE not in body


def test_admin_action_accepts_through_the_service(client, cw, spread):
    client.force_login(cw.users["community_staff"])
    target = spread["community_only"]
    response = client.post("/admin/complaints/complaint/", {
        "action": "accept_selected", "_selected_action": [target.pk],
    })
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == "accepted"
    assert target.events.filter(kind="accepted", actor=cw.users["community_staff"]).exists()
