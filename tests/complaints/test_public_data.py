"""Issue 16 item 4: nothing a resident typed is published — Open311 GET and the
"is this yours?" list show category, status, dates and the compound only."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import Complaint

from .conftest import PHONE, make_complaint

pytestmark = pytest.mark.django_db

PRIVATE = "张三 13987654321 住3号楼2单元502"


def _rows(client, path="/open311/v2/requests.json", **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_open311_publishes_no_resident_text_no_typed_address_no_other_codes(client, cw):
    first = make_complaint(cw, description=PRIVATE, address_string="A1a-c-p 3号楼2单元502")
    second = make_complaint(cw, description="电梯又坏了")
    services.complaint_mark_duplicate(complaint_id=second.pk, actor=cw.users["community_staff"],
                                      duplicate_of=first.tracking_code,
                                      note=f"与 {first.tracking_code} 重复，{PHONE}")
    for rows in (_rows(client),
                 _rows(client, service_request_id=f"{first.pk},{second.pk}"),
                 _rows(client, f"/open311/v2/requests/{first.pk}.json"),
                 _rows(client, f"/open311/v2/requests/{second.pk}.json")):
        text = json.dumps(rows, ensure_ascii=False)
        assert rows and "description" not in rows[0]
        for secret in ("张三", "13987654321", "502", "3号楼", first.tracking_code,
                       second.tracking_code, PHONE):
            assert secret not in text, secret
        assert all(row["address"] == cw.compounds["A1a-c-p"].name for row in rows)


def test_listed_ids_stay_inside_the_date_window(client, cw):
    old = make_complaint(cw)
    recent = make_complaint(cw)
    Complaint.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=200))
    rows = _rows(client, service_request_id=f"{old.pk},{recent.pk}")
    assert [r["service_request_id"] for r in rows] == [str(recent.pk)]
    response = client.get("/open311/v2/requests.json",
                          {"start_date": "2020-01-01T00:00:00+08:00",
                           "end_date": "2026-12-31T00:00:00+08:00"})
    assert response.status_code == 400


def test_open311_reads_are_rate_limited(client, cw, settings):
    settings.COMPLAINT_RATE_LIMITS = {"open311_read_ip": (3, 3600)}
    for _ in range(3):
        assert client.get("/open311/v2/requests.json").status_code == 200
    response = client.get("/open311/v2/requests.json")
    assert response.status_code == 429 and response.json()[0]["code"] == 429
    assert client.get("/open311/v2/requests.json", REMOTE_ADDR="10.4.4.4").status_code == 200


def test_similar_list_shows_category_date_and_status_only(client, cw):
    complaint = make_complaint(cw, description=PRIVATE)
    compound = cw.compounds["A1a-c-p"]
    data = client.get(reverse("complaint-similar"), {"compound": compound.pk}).json()
    assert data["results"] and set(data["results"][0]) == {"category", "received", "status"}
    assert "张三" not in json.dumps(data, ensure_ascii=False)
    page = client.get(reverse("complaint-new-compound", args=[compound.pk])).content.decode()
    assert str(complaint.category) in page and "张三" not in page
    assert "会公开" in page  # the form says what becomes public
