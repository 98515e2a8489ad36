"""Fulfilment inspections (履约检查) with their items, and the monthly checked/passed
figures the metrics will use."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import ApplicationError
from properties import selectors, services
from properties.models import Inspection, InspectionItem

from .test_disclosures import png_bytes

pytestmark = pytest.mark.django_db
D = datetime.date


def inspect(fw, day, results, compound="A1a-c-p"):
    return services.inspection_record(
        contract=fw.contracts[compound], date=day, inspector=fw.users["community_staff"],
        items=[{"clause": f"条款{i}", "passed": ok} for i, ok in enumerate(results)],
    )


def test_inspection_is_recorded_with_its_items(fw):
    inspection = inspect(fw, D(2026, 6, 15), [True, False, True])
    assert inspection.compound == fw.compounds["A1a-c-p"]
    assert list(inspection.items.values_list("passed", flat=True)) == [True, False, True]


def test_inspection_needs_items_and_valid_photos(fw):
    with pytest.raises(ApplicationError):
        inspect(fw, D(2026, 6, 15), [])
    with pytest.raises(ValidationError):
        services.inspection_record(
            contract=fw.contracts["A1a-c-p"], date=D(2026, 6, 15),
            inspector=fw.users["community_staff"],
            items=[{"clause": "保洁", "passed": False,
                    "photo": SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a photo")}],
        )
    assert not Inspection.objects.exists() and not InspectionItem.objects.exists()
    inspection = services.inspection_record(
        contract=fw.contracts["A1a-c-p"], date=D(2026, 6, 15),
        inspector=fw.users["community_staff"],
        items=[{"clause": "保洁", "passed": False, "note": "楼道有垃圾",
                "photo": SimpleUploadedFile("x.jpg", png_bytes())}],
    )
    assert inspection.items.get().photo.name.endswith(".png")


def test_fulfilment_counts_by_month(fw):
    inspect(fw, D(2026, 6, 3), [True, True, False])
    inspect(fw, D(2026, 6, 28), [True, False])
    inspect(fw, D(2026, 7, 1), [True, True, True, True])
    inspect(fw, D(2026, 7, 2), [False], compound="B1a-c-p")
    rows = selectors.fulfilment_counts_by_month(start=D(2026, 6, 1), end=D(2026, 7, 31))
    got = {(r["inspection__compound_id"], r["month"].isoformat()[:7]): (r["checked"], r["passed"])
           for r in rows}
    a, b = fw.compounds["A1a-c-p"].pk, fw.compounds["B1a-c-p"].pk
    assert got == {(a, "2026-06"): (5, 3), (a, "2026-07"): (4, 4), (b, "2026-07"): (1, 0)}
    only_a = selectors.fulfilment_counts_by_month(start=D(2026, 6, 1), end=D(2026, 6, 30),
                                                  compound_ids=[a])
    assert [(r["checked"], r["passed"]) for r in only_a] == [(5, 3)]


def test_inspection_api_create_and_scope(client, fw):
    client.force_login(fw.users["community_staff"])
    response = client.post("/api/v1/inspections/", {
        "contract": fw.contracts["A1a-c-p"].pk, "date": "2026-06-15", "note": "例行检查",
        "items": [{"clause": "门岗24小时值守", "passed": True},
                  {"clause": "报修30分钟响应", "passed": False, "note": "超时"}],
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["compound"] == fw.compounds["A1a-c-p"].pk
    assert [i["passed"] for i in body["items"]] == [True, False]
    response = client.post("/api/v1/inspections/", {
        "contract": fw.contracts["B1a-c-p"].pk, "date": "2026-06-15",
        "items": [{"clause": "x", "passed": True}],
    }, content_type="application/json")
    assert response.status_code == 400 and "contract" in response.json()["error"]["fields"]
    client.force_login(fw.users["firm_staff"])  # firm staff read, but do not inspect
    assert client.get("/api/v1/inspections/").json()["count"] == 1
    response = client.post("/api/v1/inspections/", {}, content_type="application/json")
    assert response.status_code == 403
    client.force_login(fw.users["other_firm_staff"])
    assert client.get("/api/v1/inspections/").json()["count"] == 0


def test_admin_records_inspection_with_items(client, fw):
    client.force_login(fw.users["community_staff"])
    data = {
        "contract": fw.contracts["A1a-c-p"].pk, "date": "2026-06-15", "note": "",
        "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-clause": "保洁每日两次", "items-0-passed": "on", "items-0-note": "",
        "items-1-clause": "设备月检", "items-1-note": "缺少记录",
    }
    response = client.post(reverse("admin:properties_inspection_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    inspection = Inspection.objects.get()
    assert inspection.inspector == fw.users["community_staff"]
    assert list(inspection.items.order_by("id").values_list("clause", "passed")) == [
        ("保洁每日两次", True), ("设备月检", False)]
