"""The audit trail: every change of complaints, payments, reviews and staff assignments,
and every look at unmasked personal data, leaves one event with the actor and the changed
fields; district officials read their district's events in the admin; nobody edits them."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from communities import services as community_services
from communities.models import AuditAction, AuditEvent, StaffRole, VulnerableResident
from complaints import services as complaint_services
from complaints.models import Complaint
from core.errors import ApplicationError
from party_orgs import services as party_services
from party_orgs.models import ReviewDecision
from properties import services as property_services
from tests.complaints.conftest import PHONE, advance, make_complaint
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

MASKED = PHONE[:3] + "****" + PHONE[-4:]


def events(action, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("pk"))


def test_each_complaint_transition_is_one_event_with_actor_and_changed_fields(cw):
    complaint = make_complaint(cw)
    advance(cw, complaint, "closed")
    trail = events(AuditAction.COMPLAINT_TRANSITION, object_id=str(complaint.pk))
    assert [e.changes["event"] for e in trail] == [
        "created", "accepted", "dispatched", "started", "resolved", "closed",
    ]
    created, accepted, dispatched, started = trail[:4]
    assert created.actor is None  # a resident
    assert created.changes["reporter_phone"] == MASKED
    assert accepted.actor == cw.users["community_staff"]
    assert accepted.changes["status"] == ["submitted", "accepted"]
    assert dispatched.changes["handler_firm"] == [None, cw.firms["firm"].pk]
    assert started.actor == cw.users["firm_staff"]
    assert started.changes["status"] == ["dispatched", "in_progress"]
    for event in trail:
        assert event.object_type == "complaints.complaint"
        assert event.compound == cw.compounds["A1a-c-p"]
        assert event.district == cw.districts["A1"]
        assert PHONE not in json.dumps(event.changes)


def test_resident_feedback_is_recorded_without_an_actor(cw):
    complaint = advance(cw, make_complaint(cw), "resolved")
    complaint_services.complaint_record_feedback(
        complaint_id=complaint.pk, resolved=False, satisfaction="dissatisfied"
    )
    last_two = events(AuditAction.COMPLAINT_TRANSITION, object_id=str(complaint.pk))[-2:]
    assert [e.changes["event"] for e in last_two] == ["feedback", "reopened"]
    assert all(e.actor is None for e in last_two)
    assert last_two[1].changes["status"] == ["resolved", "reopened"]


def test_a_failed_transition_leaves_no_event(cw):
    complaint = make_complaint(cw)
    before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError):
        complaint_services.complaint_start(complaint_id=complaint.pk,
                                           actor=cw.users["firm_staff"])
    assert AuditEvent.objects.count() == before


def test_payment_recorded_and_voided(world):
    staff = world.users["community_staff"]
    bill = property_services.fee_bill_create(
        household=world.households["A1a-c-p-b1-1"], period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 4, 30), amount_due=Decimal("40.00"),
    )
    payment = property_services.payment_record(
        bill=bill, amount=Decimal("25.00"), paid_at=timezone.now(), channel="cash",
        receipt_no="R-1", actor=staff,
    )
    property_services.payment_void(payment=payment, reason="录错金额", actor=staff)
    recorded, = events(AuditAction.PAYMENT_RECORDED)
    voided, = events(AuditAction.PAYMENT_VOIDED)
    assert recorded.actor == voided.actor == staff
    assert recorded.object_id == voided.object_id == str(payment.pk)
    assert recorded.changes["amount"] == [None, "25.00"]
    assert voided.changes["void_reason"] == [None, "录错金额"]
    assert voided.community == world.communities["A1a-c"]


def test_review_decisions(world, committees):
    point = party_services.demonstration_point_apply(
        actor=world.users["community_staff"], organization=committees["A1a-c"],
        name="幸福新社区", year=2026, goals="五有标准",
    )
    party_services.demonstration_point_review(
        actor=world.users["street_staff"], point=point, decision=ReviewDecision.APPROVED,
        comment="同意推荐",
    )
    party_services.demonstration_point_review(
        actor=world.users["district_official"], point=point, decision=ReviewDecision.REJECTED,
        comment="材料不全",
    )
    street, district = events(AuditAction.REVIEW_DECISION)
    assert street.actor == world.users["street_staff"]
    assert street.changes["status"] == ["awaiting_street", "awaiting_district"]
    assert district.actor == world.users["district_official"]
    assert district.changes["decision"] == "rejected"
    assert district.changes["comment"] == "材料不全"


def test_staff_assignments_created_and_ended(world):
    root = world.users["superuser"]
    user = staff_user("new_worker", StaffRole.GRID_WORKER, world.grids["A1a-c-g"])
    created = events(AuditAction.ASSIGNMENT_CREATED, changes__user="new_worker")
    assert len(created) == 1 and created[0].community == world.communities["A1a-c"]
    assert created[0].changes["role"] == [None, "grid_worker"]
    # moving them ends the old assignment and records both
    community_services.staff_assignment_create(
        user=user, role=StaffRole.COMMUNITY_STAFF, node=world.communities["A1b-c"], actor=root
    )
    ended = events(AuditAction.ASSIGNMENT_ENDED, changes__user="new_worker")
    assert len(ended) == 1 and ended[0].actor == root
    current = user.staff_assignments.get(ended_at__isnull=True)
    community_services.staff_assignment_end(assignment=current, actor=root)
    assert len(events(AuditAction.ASSIGNMENT_ENDED, changes__user="new_worker")) == 2


def test_admin_actions_on_assignments_record_the_admin(client, world):
    root = world.users["superuser"]
    client.force_login(root)
    assignment = world.users["grid_worker"].staff_assignments.get()
    response = client.post(reverse("admin:communities_staffassignment_changelist"), {
        "action": "end_assignments", "_selected_action": [assignment.pk],
    })
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.ASSIGNMENT_ENDED,
                                   object_id=str(assignment.pk))
    assert event.actor == root
    assert event.ip_address == "127.0.0.1"


# --------------------------------------------------------------------- personal data


def test_complaint_detail_with_unmasked_phone_is_recorded(client, cw):
    complaint = make_complaint(cw)
    staff = cw.users["community_staff"]
    client.force_login(staff)
    response = client.get(reverse("complaint-detail", args=[complaint.pk]))
    assert PHONE in response.content.decode()
    seen, = events(AuditAction.PII_VIEWED)
    assert seen.actor == staff and seen.object_id == str(complaint.pk)
    assert seen.ip_address == "127.0.0.1"
    assert seen.district == cw.districts["A1"]


def test_masked_views_are_not_recorded(client, cw):
    complaint = make_complaint(cw)
    client.force_login(cw.users["street_staff"])  # no PII permission: masked
    response = client.get(reverse("complaint-detail", args=[complaint.pk]))
    assert response.status_code == 200 and PHONE not in response.content.decode()
    assert not events(AuditAction.PII_VIEWED)


def test_household_admin_pages_and_export_are_recorded(client, world):
    staff = world.users["community_staff"]
    household = world.households["A1a-c-p-b1-1"]
    client.force_login(staff)
    assert client.get(reverse("admin:communities_household_change",
                              args=[household.pk])).status_code == 200
    assert client.get(reverse("admin:communities_household_changelist")).status_code == 200
    assert client.get(reverse("household-export")).status_code == 200
    change, changelist = events(AuditAction.PII_VIEWED)
    assert change.object_id == str(household.pk) and change.actor == staff
    assert changelist.object_type == "communities.household" and changelist.changes["rows"] == 4
    exported, = events(AuditAction.PII_EXPORTED)
    assert exported.object_type == "communities.household"
    assert exported.community == world.communities["A1a-c"]


def test_complaint_export_with_phones_is_recorded(client, cw):
    make_complaint(cw)
    client.force_login(cw.users["community_staff"])
    assert client.get(reverse("complaint-export")).status_code == 200
    exported, = events(AuditAction.PII_EXPORTED)
    assert exported.object_type == "complaints.complaint"


def test_vulnerable_residents_page_and_export_are_recorded(client, world):
    community_services.vulnerable_resident_create(
        grid=world.grids["A1a-c-g"], name="王秀英", address="1号楼101", group="elderly_alone",
        registered_on=datetime.date(2026, 1, 1), phone="13700001111",
    )
    assert VulnerableResident.objects.count() == 1
    client.force_login(world.users["grid_worker"])
    assert client.get(reverse("patrols")).status_code == 200
    assert client.get(reverse("patrol-export")).status_code == 200
    viewed, = events(AuditAction.PII_VIEWED)
    exported, = events(AuditAction.PII_EXPORTED)
    assert viewed.object_type == exported.object_type == "communities.vulnerableresident"
    assert viewed.actor == world.users["grid_worker"]
    assert viewed.community == world.communities["A1a-c"]


# --------------------------------------------------------------------- reading the trail


def _trail_everywhere(cw):
    for compound in ("A1a-c-p", "A1b-c-p", "A2a-c-p", "B1a-c-p"):
        make_complaint(cw, compound=compound, category="noise")


@pytest.mark.parametrize("role, districts", [
    ("superuser", {"A1", "A2", "B1"}),
    ("city_official", {"A1", "A2"}),
    ("district_official", {"A1"}),
])
def test_officials_read_their_area_only(client, cw, role, districts):
    _trail_everywhere(cw)
    client.force_login(cw.users[role])
    response = client.get(reverse("admin:communities_auditevent_changelist"))
    assert response.status_code == 200
    shown = {e.district.name for e in response.context["cl"].result_list if e.district}
    assert shown == districts
    for event in AuditEvent.objects.exclude(district__name__in=districts).exclude(
            district__isnull=True):
        url = reverse("admin:communities_auditevent_change", args=[event.pk])
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["street_staff", "community_staff", "grid_worker",
                                  "firm_staff", "nobody"])
def test_staff_below_the_district_cannot_read_the_trail(client, cw, role):
    _trail_everywhere(cw)
    client.force_login(cw.users[role])
    assert client.get(reverse("admin:communities_auditevent_changelist")).status_code == 403


@pytest.mark.parametrize("role", ["superuser", "district_official"])
def test_nobody_can_add_change_or_delete_events(client, cw, role):
    make_complaint(cw)
    event = AuditEvent.objects.filter(district=cw.districts["A1"]).first()
    client.force_login(cw.users[role])
    change = reverse("admin:communities_auditevent_change", args=[event.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change, {"action": "x"}).status_code == 403
    assert client.get(reverse("admin:communities_auditevent_add")).status_code == 403
    delete = reverse("admin:communities_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:communities_auditevent_changelist"),
                           {"action": "delete_selected", "_selected_action": [event.pk]})
    assert response.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    event.refresh_from_db()
    assert event.changes["event"] == "created"


def test_the_model_refuses_changes_and_deletion(cw):
    make_complaint(cw)
    event = AuditEvent.objects.first()
    event.object_id = "999"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk, object_id__regex=r"^\d+$").exists()
    assert Complaint.objects.count() == 1


def test_api_reads_with_unmasked_phones_are_recorded(client, cw):
    complaint = make_complaint(cw)
    client.force_login(cw.users["community_staff"])
    response = client.get(f"/api/v1/complaints/{complaint.pk}/")
    assert response.status_code == 200 and PHONE in response.content.decode()
    assert client.get("/api/v1/households/").status_code == 200
    detail, listing = events(AuditAction.PII_VIEWED)
    assert detail.object_type == "complaints.complaint"
    assert detail.object_id == str(complaint.pk)
    assert listing.object_type == "communities.household" and listing.object_id == ""
    client.force_login(cw.users["district_official"])  # masked: nothing recorded
    assert client.get("/api/v1/households/").status_code == 200
    assert len(events(AuditAction.PII_VIEWED)) == 2
