"""The workbench queue, its export and the API list do not issue more queries with
more complaints (10 vs 1,000)."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.deadlines import deadlines_for
from complaints.models import Complaint, HandlerKind, Status

pytestmark = pytest.mark.django_db


def _bulk(w, count):
    rng = random.Random(count)
    now = timezone.now()
    rows = []
    for i in range(count):
        category = w.categories[rng.choice(["elevator", "noise"])]
        received = now - datetime.timedelta(hours=rng.randint(1, 2000))
        respond_by, resolve_by = deadlines_for(category=category, received_at=received)
        kind = ["firm", "grid", "community", ""][i % 4]
        rows.append(Complaint(
            tracking_code=f"Q{count:04d}{i:07d}", compound=w.compounds["A1a-c-p"],
            category=category, description="批量测试诉求", reporter_name="王芳",
            reporter_phone="13912345678", received_at=received, response_deadline=respond_by,
            resolve_deadline=resolve_by,
            status=Status.DISPATCHED if kind else Status.SUBMITTED,
            handler_kind=kind, handler_firm=w.firms["firm"] if kind == HandlerKind.FIRM else None,
            handler_grid=w.grids["A1a-c-g"] if kind == HandlerKind.GRID else None,
        ))
    Complaint.objects.bulk_create(rows, batch_size=500)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/staff/complaints/", "/staff/complaints/?overdue=on",
                                 "/api/v1/complaints/", "/api/v1/complaints/?overdue=true",
                                 "/staff/complaints/export.xlsx"])
@pytest.mark.parametrize("role", ["community_staff", "firm_staff"])
def test_query_count_does_not_grow_with_complaints(client, cw, url, role):
    client.force_login(cw.users[role])
    _bulk(cw, 10)
    small = _count(client, url)
    Complaint.objects.all().delete()
    _bulk(cw, 1000)
    assert _count(client, url) == small
