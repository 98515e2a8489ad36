"""A demonstration-point application waiting for review reaches the reviewer's inbox."""

from datetime import date

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationKind
from party_orgs import services
from party_orgs.models import MeetingKind, ReviewDecision
from party_orgs.notices import action_items_notify_due
from party_orgs.tasks import notify_due_decisions
from tests.party_orgs.conftest import (
    committees,  # noqa: F401 - the Party organisations
    local,
)

pytestmark = pytest.mark.django_db


def _reviewers(point):
    return sorted(Notification.objects.filter(kind=NotificationKind.POINT_REVIEW,
                                              object_id=point.pk)
                  .values_list("user__username", flat=True))


def test_application_reaches_the_street_then_the_district(client, world, committees):  # noqa: F811
    point = services.demonstration_point_apply(
        actor=world.users["community_staff"], organization=committees["A1a-c"],
        name="幸福新社区", year=2026, goals="五有标准")
    assert _reviewers(point) == [world.users["street_staff"].username]
    services.demonstration_point_review(actor=world.users["street_staff"], point=point,
                                        decision=ReviewDecision.APPROVED, comment="同意推荐")
    assert _reviewers(point) == sorted([world.users["street_staff"].username,
                                        world.users["district_official"].username])
    notification = Notification.objects.get(user=world.users["district_official"])
    assert "幸福新社区" in notification.text
    client.force_login(world.users["district_official"])
    response = client.post(reverse("notification-open", args=[notification.pk]))
    assert response["Location"] == reverse("party-point-detail", args=[point.pk])


def test_a_decision_due_reaches_the_community_staff_once(world):
    compound = world.compounds["A1a-c-p"]
    meeting = services.joint_meeting_record(
        community=compound.community, kind=MeetingKind.THREE_PARTY,
        held_at=local(2025, 1, 10, 9), title="三方联席会议", topics="停车",
        compounds=[compound],
        action_items=[{"description": "划停车位", "owner": "物业", "due_date": date(2025, 1, 20)}])
    assert action_items_notify_due(today=date(2025, 1, 19)) == 0
    assert action_items_notify_due(today=date(2025, 1, 20)) == 1
    assert action_items_notify_due(today=date(2025, 1, 21)) == 0  # once per decision
    [notification] = Notification.objects.filter(kind=NotificationKind.MEETING_DECISION)
    assert notification.user == world.users["community_staff"]
    assert "划停车位" in notification.text and notification.item.meeting == meeting
    assert notify_due_decisions.delay().get() == 0  # the beat task: already notified
