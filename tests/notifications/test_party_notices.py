"""A demonstration-point application waiting for review reaches the reviewer's inbox."""

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationKind
from party_orgs import services
from party_orgs.models import ReviewDecision
from tests.party_orgs.conftest import committees  # noqa: F401 - the Party organisations

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
