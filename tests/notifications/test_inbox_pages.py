"""/staff/inbox/, the header's unread count, /api/v1/notifications/ and the "today"
workbench at /staff/: what a member of staff sees, in a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from communities.models import StaffAssignment
from communities.services import staff_assignment_end, street_update
from complaints import services
from complaints.selectors import today_counts
from notifications.models import Notification, NotificationKind
from notifications.services import notify
from tests.complaints.conftest import advance, make_complaint

pytestmark = pytest.mark.django_db


def _end_assignment(user):
    staff_assignment_end(assignment=StaffAssignment.objects.get(user=user, ended_at=None))


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _many(user, complaint, n):
    for _i in range(n):
        notify(user_ids=[user.pk], kind=NotificationKind.URGED, complaint=complaint,
               text="催办")


def test_firm_user_sees_the_unread_count_and_opens_the_complaint(client, cw):
    complaint = advance(cw, make_complaint(cw), "dispatched")
    client.force_login(cw.users["firm_staff"])
    page = client.get(reverse("notification-inbox"))
    html = page.content.decode()
    assert 'data-unread="1"' in html and complaint.tracking_code in html
    notification = Notification.objects.get(user=cw.users["firm_staff"])
    response = client.post(reverse("notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("complaint-detail", args=[complaint.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'data-unread="' not in client.get(reverse("staff-home")).content.decode()


def test_someone_elses_notification_is_not_found(client, cw):
    make_complaint(cw)
    notification = Notification.objects.get(user=cw.users["community_staff"])
    client.force_login(cw.users["firm_staff"])
    assert client.post(reverse("notification-open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_unread_first_filter_by_kind_and_mark_all_read(client, cw):
    staff = cw.users["community_staff"]
    first = make_complaint(cw)
    second = make_complaint(cw)
    old = Notification.objects.get(complaint=first)
    client.force_login(staff)
    client.post(reverse("notification-open", args=[old.pk]))
    _many(staff, second, 1)
    page = client.get(reverse("notification-inbox")).context["page"]
    assert [n.read_at is None for n in page] == [True, True, False]
    urged = client.get(reverse("notification-inbox"), {"kind": "urged"}).context["page"]
    assert [n.kind for n in urged] == ["urged"]
    client.post(reverse("notification-read-all"), {"kind": "urged"})
    assert Notification.objects.filter(user=staff, read_at__isnull=True).count() == 1
    client.post(reverse("notification-read-all"))
    assert not Notification.objects.filter(user=staff, read_at__isnull=True).exists()


def test_inbox_query_count_does_not_grow_with_rows(client, cw):
    staff = cw.users["community_staff"]
    complaint = make_complaint(cw)
    client.force_login(staff)
    url = reverse("notification-inbox")
    few = _queries(client, url)
    _many(staff, complaint, 30)
    assert _queries(client, url) == few


def test_api_lists_and_marks_read_only_my_notifications(cw):
    complaint = advance(cw, make_complaint(cw), "dispatched")
    api = APIClient()
    api.force_authenticate(cw.users["firm_staff"])
    body = api.get("/api/v1/notifications/").json()
    assert body["unread"] == 1
    [item] = body["results"]
    assert item["kind"] == "dispatched" and item["complaint"] == complaint.tracking_code
    marked = api.post(f"/api/v1/notifications/{item['id']}/read/").json()
    assert marked["read_at"]
    assert api.get("/api/v1/notifications/", {"unread": "1"}).json()["results"] == []
    foreign = Notification.objects.get(user=cw.users["community_staff"])
    response = api.post(f"/api/v1/notifications/{foreign.pk}/read/")
    assert response.status_code == 404 and "error" in response.json()
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked_read": 0}


def test_workbench_counts_link_to_the_filtered_queue(client, cw):
    now = timezone.now()
    make_complaint(cw)  # new
    advance(cw, make_complaint(cw), "reopened")
    advance(cw, make_complaint(cw), "resolved")  # waiting for the follow-up call
    late = make_complaint(cw, received_at=now - datetime.timedelta(days=5))  # overdue
    counts = today_counts(user=cw.users["community_staff"])
    assert counts["new"] == 2 and counts["overdue"] == 1  # the old one is new and late
    assert counts["reopened"] == 1 and counts["follow_up"] == 1
    client.force_login(cw.users["community_staff"])
    html = client.get(reverse("staff-home")).content.decode()
    assert "?follow_up=on" in html and "?due_today=on" in html
    queue = client.get(reverse("complaint-queue"), {"follow_up": "on"}).context["page"]
    assert len(list(queue)) == 1
    overdue = client.get(reverse("complaint-queue"), {"overdue": "on"}).context["page"]
    assert late.pk in [c.pk for c in overdue]


def test_due_today_filter(cw):
    complaint = make_complaint(cw)
    assert today_counts(user=cw.users["community_staff"],
                        now=complaint.response_deadline - datetime.timedelta(minutes=5),
                        )["due_today"] >= 1


def test_workbench_query_count_does_not_grow_with_rows(client, cw):
    client.force_login(cw.users["community_staff"])
    url = reverse("staff-home")
    make_complaint(cw)
    few = _queries(client, url)
    for _i in range(8):
        advance(cw, make_complaint(cw), "resolved")
    assert _queries(client, url) == few


def test_firm_workbench_names_the_firm(client, cw):
    client.force_login(cw.users["firm_staff"])
    html = client.get(reverse("staff-home")).content.decode()
    assert cw.firms["firm"].name in html and "· None" not in html


def test_officials_see_the_texts_nobody_could_receive(client, cw,
                                                      django_capture_on_commit_callbacks):
    staff_assignment_end(assignment=StaffAssignment.objects.get(
        user=cw.users["community_staff"], ended_at=None))
    received = timezone.now()
    complaint = make_complaint(cw, received_at=received)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_sweep_deadlines(now=received + datetime.timedelta(hours=3))
    client.force_login(cw.users["street_staff"])
    response = client.get(reverse("notification-inbox"))
    assert [m.complaint_id for m in response.context["undeliverable"]] == [complaint.pk]
    client.force_login(cw.users["firm_staff"])
    assert client.get(reverse("notification-inbox")).context["undeliverable"] == []


def test_schema_of_the_notifications_api_has_no_warnings(capsys):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    output = capsys.readouterr()
    assert [line for line in (output.err + output.out).splitlines()
            if "notification" in line.lower()] == []
    assert "/api/v1/notifications/{id}/read/" in schema["paths"]


def test_admin_lists_units_and_staff_without_a_contact_phone(client, cw,
                                                             django_capture_on_commit_callbacks):
    street_update(street=cw.streets["A1a"], contact_phone="02988887777")
    client.force_login(cw.users["superuser"])
    streets = client.get(reverse("admin:communities_street_changelist"), {"phone": "missing"})
    names = {s.name for s in streets.context["cl"].result_list}
    assert "A1a" not in names and "A1b" in names
    staff = client.get(reverse("admin:communities_staffassignment_changelist"),
                       {"phone": "missing"})
    assert staff.status_code == 200 and staff.context["cl"].result_count >= 1
    received = timezone.now()
    make_complaint(cw, received_at=received)
    _end_assignment(cw.users["community_staff"])
    street_update(street=cw.streets["A1a"], contact_phone="")
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_sweep_deadlines(now=received + datetime.timedelta(hours=3))
    outbox = client.get(reverse("admin:complaints_outboxmessage_changelist"),
                        {"state": "undeliverable"})
    assert [m.status for m in outbox.context["cl"].result_list] == ["undeliverable"]
