"""seed_demo builds the article's organisations, meetings, points, patrols, sites and funds."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Sum

from communities import selectors as community_selectors
from communities.models import ServiceSite, ServiceSiteKind, VulnerableResident
from core.timeutils import local_today
from party_orgs import selectors
from party_orgs.models import (
    DemonstrationAssessment,
    DemonstrationPoint,
    FundAllocation,
    FundSpending,
    JointMeeting,
    MeetingKind,
    PartyOrganization,
)
from properties.models import PropertyFirm
from tests.party_orgs.conftest import local

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_article(django_user_model, pin_now):
    pin_now(local(2026, 11, 25, 10))  # the day after the demo's fee data (DEMO_NOW)
    call_command("seed_demo", stdout=io.StringIO())
    pilots = PartyOrganization.objects.filter(community__name__in=["福德社区", "保安社区"])
    assert selectors.four_level_counts(organizations=pilots) == {
        "grid_branch_secretaries": 8, "building_group_leaders": 23, "central_households": 23,
        "model_posts": 0,
    }
    assert pilots.filter(depth=0, kind="committee").count() == 2
    assert PartyOrganization.objects.filter(unit_type="firm").count() == (
        PropertyFirm.objects.count()
    )
    root = django_user_model.objects.create_superuser("seed_root", "r@example.com", "x")
    gaps = selectors.three_party_meeting_gaps(user=root, year=2026)
    assert [(g["compound"].name, g["month"]) for g in gaps] == [("咸丰苑", 6)]
    assert JointMeeting.objects.filter(kind=MeetingKind.PARTY_BUILDING,
                                       community__street__district__name="古塔区").count() == 12
    assert DemonstrationPoint.objects.count() == 18
    by_step = selectors.points_by_review_step(points=DemonstrationPoint.objects.all())
    assert all(by_step.values()) and sum(by_step.values()) == 18
    assert DemonstrationAssessment.objects.count() == by_step["approved"]
    assert FundAllocation.objects.aggregate(total=Sum("amount"))["total"] == 150000
    assert FundSpending.objects.exists()
    assert ServiceSite.objects.filter(kind=ServiceSiteKind.RESIDENT_LOUNGE).count() == 18
    yesterday = local_today() - timedelta(days=1)
    per_day = community_selectors.service_visits_per_day(user=root, start=yesterday,
                                                         end=yesterday)
    assert 450 <= per_day[0]["visitors"] <= 600
    assert VulnerableResident.objects.count() == 32
    missed = community_selectors.missed_patrol_half_days(
        user=root, start=local_today() - timedelta(days=6), end=local_today()
    )
    assert missed
