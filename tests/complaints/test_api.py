"""The REST API: staff logging, transitions as actions, structured errors, 409 on a
stale version, and a valid OpenAPI schema without warnings for our views."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from complaints.models import Complaint, Status

from .conftest import PHONE, make_complaint

pytestmark = pytest.mark.django_db


def test_create_and_transitions_through_the_api(client, cw):
    client.force_login(cw.users["community_staff"])
    response = client.post("/api/v1/complaints/", {
        "compound": cw.compounds["A1a-c-p"].pk, "category": cw.categories["noise"].pk,
        "channel": "phone", "description": "楼上装修噪音", "reporter_name": "李强",
        "reporter_phone": PHONE,
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    pk, version = data["id"], data["version"]
    assert data["status"] == "submitted" and data["events"][0]["kind"] == "created"
    response = client.post(f"/api/v1/complaints/{pk}/accept/", {"version": version},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    response = client.post(f"/api/v1/complaints/{pk}/dispatch/",
                           {"target": f"grid:{cw.grids['A1a-c-g'].pk}"},
                           content_type="application/json")
    assert response.json()["handler_kind"] == "grid"
    grid = client.__class__()
    grid.force_login(cw.users["grid_worker"])
    assert grid.post(f"/api/v1/complaints/{pk}/start/", {},
                     content_type="application/json").status_code == 200
    response = grid.post(f"/api/v1/complaints/{pk}/resolve/", {"note": "已协调邻居"},
                         content_type="application/json")
    assert response.json()["status"] == "resolved"
    response = client.post(f"/api/v1/complaints/{pk}/feedback/",
                           {"resolved": False, "satisfaction": "dissatisfied", "note": "回访"},
                           content_type="application/json")
    assert response.json()["status"] == "reopened"
    assert response.json()["reopen_count"] == 1


def test_api_errors_are_structured(client, cw):
    complaint = make_complaint(cw)
    client.force_login(cw.users["community_staff"])
    response = client.post(f"/api/v1/complaints/{complaint.pk}/close/", {},
                           content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_transition" and "不能结案" in error["message"]
    response = client.post(f"/api/v1/complaints/{complaint.pk}/accept/",
                           {"version": complaint.version - 1},
                           content_type="application/json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    response = client.post("/api/v1/complaints/", {"compound": cw.compounds["B1a-c-p"].pk},
                           content_type="application/json")
    assert response.status_code == 400 and "compound" in response.json()["error"]["fields"]
    assert Complaint.objects.count() == 1
    firm = client.__class__()
    firm.force_login(cw.users["firm_staff"])
    response = firm.post("/api/v1/complaints/", {
        "compound": cw.compounds["A1a-c-p"].pk, "category": cw.categories["noise"].pk,
        "channel": "phone", "description": "楼上装修噪音", "reporter_name": "李强",
        "reporter_phone": PHONE,
    }, content_type="application/json")
    assert response.status_code == 403
    assert Complaint.objects.get().status == Status.SUBMITTED


def test_api_masks_phone_without_pii_and_filters(client, cw):
    make_complaint(cw)
    make_complaint(cw, category="noise")
    client.force_login(cw.users["street_staff"])
    rows = client.get("/api/v1/complaints/", {"category": cw.categories["noise"].pk}).json()
    assert len(rows["results"]) == 1 and rows["results"][0]["reporter_phone"] == "139****5678"
    assert "count" not in rows and rows["next"] is None  # cursor pages, no total
    assert client.get("/api/v1/complaints/", {"status": "closed"}).json()["results"] == []
    assert len(client.get("/api/v1/complaints/", {"overdue": "false"}).json()["results"]) == 2


def test_schema_is_valid_and_has_no_warnings_for_complaints(client, cw, capsys):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    output = capsys.readouterr()
    noise = [line for line in (output.err + output.out).splitlines()
             if "complaint" in line.lower()]
    assert noise == []
    paths = schema["paths"]
    assert "/api/v1/complaints/{id}/dispatch/" in paths
    assert "/api/v1/complaints/{id}/mark-duplicate/" in paths
    client.force_login(cw.users["superuser"])
    assert client.get("/api/schema/").status_code == 200
