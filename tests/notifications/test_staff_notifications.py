"""Issue 14 items 1 and 2 on the real services: each event notifies exactly the people
it concerns, in its transaction; every alert finds a person; a text that finds no phone
is kept undeliverable, never sent."""

import datetime
import logging

import pytest
from django.utils import timezone

from communities import accounts
from communities.models import StaffAssignment, StaffRole
from communities.services import staff_assignment_end, street_update
from complaints import services
from complaints.models import OutboxKind, OutboxMessage
from complaints.recipients import alert_recipients
from notifications.models import Notification, NotificationKind
from tests.complaints.conftest import advance, make_complaint
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def _end(user):
    staff_assignment_end(assignment=StaffAssignment.objects.get(user=user, ended_at=None))


def _phone(w, user, phone):
    accounts.account_update(actor=w.users["superuser"], user=user, phone=phone)


def _of(kind, **filters):
    return sorted(Notification.objects.filter(kind=kind, **filters)
                  .values_list("user__username", flat=True))


def test_dispatch_notifies_each_firm_user_of_that_firm_and_no_other(cw):
    staff_user("firm_a2", StaffRole.FIRM_STAFF, cw.firms["firm"])
    complaint = advance(cw, make_complaint(cw), "dispatched")
    assert _of(NotificationKind.DISPATCHED, complaint=complaint) == ["firm_a", "firm_a2"]
    assert not Notification.objects.filter(user=cw.users["other_firm_staff"]).exists()


def test_dispatch_to_a_grid_notifies_its_workers(cw):
    complaint = advance(cw, make_complaint(cw), "accepted")
    services.complaint_dispatch(complaint_id=complaint.pk, actor=cw.users["community_staff"],
                                target=f"grid:{cw.grids['A1a-c-g'].pk}")
    assert _of(NotificationKind.DISPATCHED, complaint=complaint) == ["grid_a1a"]


def test_a_new_complaint_notifies_the_community_staff_of_its_community_only(cw):
    complaint = make_complaint(cw)
    assert _of(NotificationKind.NEW_COMPLAINT, complaint=complaint) == [
        cw.users["community_staff"].username]
    notification = Notification.objects.get(kind=NotificationKind.NEW_COMPLAINT)
    assert complaint.tracking_code in notification.text and notification.read_at is None


def test_reopening_notifies_the_handler(cw):
    complaint = advance(cw, make_complaint(cw), "reopened")
    assert _of(NotificationKind.REOPENED, complaint=complaint) == ["firm_a"]


def test_a_refused_event_leaves_no_notification(cw):
    complaint = make_complaint(cw)
    with pytest.raises(Exception):  # noqa: B017, PT011 - any refusal
        services.complaint_dispatch(complaint_id=complaint.pk,
                                    actor=cw.users["community_staff"], target="firm:999999")
    assert not Notification.objects.filter(kind=NotificationKind.DISPATCHED).exists()


def test_alert_recipients_walk_up_to_the_district(cw):
    complaint = advance(cw, make_complaint(cw), "dispatched")
    assert alert_recipients(complaint).level == "handler"
    _end(cw.users["firm_staff"])
    assert alert_recipients(complaint).user_ids == [cw.users["community_staff"].pk]
    _end(cw.users["community_staff"])
    assert alert_recipients(complaint).user_ids == [cw.users["street_staff"].pk]
    _end(cw.users["street_staff"])
    found = alert_recipients(complaint)
    assert (found.level, found.user_ids) == ("district", [cw.users["district_official"].pk])


def test_deadline_alert_for_a_community_without_phone_reaches_the_street_staff(
        cw, caplog, django_capture_on_commit_callbacks):
    assert cw.communities["A1a-c"].phone == ""
    _end(cw.users["community_staff"])
    _phone(cw, cw.users["street_staff"], "13700001111")
    received = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint(cw, received_at=received)
    with caplog.at_level(logging.INFO, logger="complaints.notifications"), \
            django_capture_on_commit_callbacks(execute=True):
        services.complaint_sweep_deadlines(now=received + datetime.timedelta(hours=3))
    assert _of(NotificationKind.DEADLINE_PASSED, complaint=complaint) == ["street_a1a"]
    alert = OutboxMessage.objects.get(kind=OutboxKind.HANDLER_ALERT)
    assert alert.sent_at is not None and alert.undeliverable_at is None
    assert "137****1111" in caplog.text


def test_an_alert_nobody_can_receive_is_undeliverable_never_sent(
        cw, django_capture_on_commit_callbacks):
    _end(cw.users["community_staff"])  # the street staff has no phone, nor any unit
    received = timezone.now()
    complaint = make_complaint(cw, received_at=received)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_sweep_deadlines(now=received + datetime.timedelta(hours=3))
    # Still a person in the portal ...
    assert _of(NotificationKind.DEADLINE_PASSED, complaint=complaint) == ["street_a1a"]
    # ... but the text found no phone: kept, marked undeliverable, not sent.
    alert = OutboxMessage.objects.get(kind=OutboxKind.HANDLER_ALERT)
    assert alert.sent_at is None and alert.undeliverable_at is not None
    assert alert.status == "undeliverable"


def test_a_street_contact_phone_is_used_when_no_person_has_one(
        cw, caplog, django_capture_on_commit_callbacks):
    street_update(street=cw.streets["A1a"], contact_phone="02988887777")
    received = timezone.now()
    complaint = make_complaint(cw, received_at=received)
    with caplog.at_level(logging.INFO, logger="complaints.notifications"), \
            django_capture_on_commit_callbacks(execute=True):
        services.complaint_sweep_deadlines(now=received + datetime.timedelta(hours=3))
    assert OutboxMessage.objects.get(kind=OutboxKind.HANDLER_ALERT,
                                     complaint=complaint).sent_at is not None


def test_badly_overdue_escalation_notifies_street_and_district(cw):
    complaint = advance(cw, make_complaint(cw), "dispatched")
    services.complaint_sweep_deadlines(
        now=complaint.resolve_deadline + datetime.timedelta(days=4))
    # Resolution overdue (the community) and badly overdue (the street and the district).
    assert _of(NotificationKind.ESCALATED, complaint=complaint) == sorted(
        cw.users[role].username
        for role in ("community_staff", "street_staff", "district_official"))
    assert "firm_a" in _of(NotificationKind.DEADLINE_PASSED, complaint=complaint)
