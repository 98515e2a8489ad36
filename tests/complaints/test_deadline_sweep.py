"""The beat task: reminders before a deadline, escalation of overdue complaints to the
community and (badly overdue) the street, auto-close of unrated resolved complaints —
idempotent: nothing is reminded or escalated twice for the same deadline."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from complaints.models import ComplaintAlert, ComplaintEvent, Status
from complaints.services import complaint_sweep_deadlines
from complaints.tasks import check_complaint_deadlines

from .conftest import advance, make_complaint

pytestmark = pytest.mark.django_db


def test_beat_schedule_runs_the_sweep():
    entry = settings.CELERY_BEAT_SCHEDULE["complaints-check-deadlines"]
    assert entry["task"] == check_complaint_deadlines.name


def test_reminder_then_escalations_each_once(cw):
    received = timezone.now()
    complaint = make_complaint(cw, received_at=received)  # elevator: respond within 2 h
    # 90 minutes later: the response deadline is near.
    counts = complaint_sweep_deadlines(now=received + datetime.timedelta(minutes=90))
    assert counts["response_reminder"] == 1
    assert complaint_sweep_deadlines(now=received + datetime.timedelta(minutes=95))[
        "response_reminder"] == 0
    # 3 hours later, still not accepted: escalated to the community, once.
    later = received + datetime.timedelta(hours=3)
    assert complaint_sweep_deadlines(now=later)["response_overdue"] == 1
    assert complaint_sweep_deadlines(now=later)["response_overdue"] == 0
    complaint.refresh_from_db()
    assert complaint.escalation_level == 1
    event = ComplaintEvent.objects.filter(complaint=complaint, kind="escalated").get()
    assert not event.is_public and "A1a-c" in event.note
    # Long past the resolve deadline: escalated to the community, then to the street.
    past = complaint.resolve_deadline + datetime.timedelta(days=4)
    counts = complaint_sweep_deadlines(now=past)
    assert counts["resolve_overdue"] == 1 and counts["resolve_badly_overdue"] == 1
    assert sum(complaint_sweep_deadlines(now=past).values()) == 0
    complaint.refresh_from_db()
    assert complaint.escalation_level == 2
    assert ComplaintAlert.objects.filter(complaint=complaint).count() == 4
    assert "A1a" in ComplaintEvent.objects.filter(
        complaint=complaint, kind="escalated").order_by("-id").first().note


def test_finished_complaints_are_not_escalated(cw):
    complaint = advance(cw, make_complaint(cw), "rejected")
    counts = complaint_sweep_deadlines(now=complaint.resolve_deadline + datetime.timedelta(days=9))
    assert counts["resolve_overdue"] == 0 and counts["response_overdue"] == 0


def test_unrated_resolved_complaints_close_after_seven_days(cw):
    complaint = advance(cw, make_complaint(cw), "resolved")
    assert complaint_sweep_deadlines(now=timezone.now())["auto_closed"] == 0
    counts = complaint_sweep_deadlines(now=timezone.now() + datetime.timedelta(days=8))
    assert counts["auto_closed"] == 1
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.resident_resolved is None
    assert complaint.events.get(kind="closed").actor_role == "system"


def test_workbench_marks_overdue_rows_and_filters_them(client, cw):
    late = make_complaint(cw, received_at=timezone.now() - datetime.timedelta(days=30))
    fresh = make_complaint(cw, category="noise")
    client.force_login(cw.users["community_staff"])
    body = client.get("/staff/complaints/?overdue=on").content.decode()
    assert late.tracking_code in body and fresh.tracking_code not in body
    assert "row-overdue" in body
