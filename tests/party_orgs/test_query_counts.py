"""Subtree and ledger pages, exports and API lists keep a constant number of queries as
the tree and the ledgers grow."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities import services as community_services
from communities.models import Compound, ManagementMode, VulnerableGroup
from core.timeutils import local_today
from party_orgs import services
from party_orgs.models import (
    DemonstrationPoint,
    FundKind,
    MeetingKind,
    OrgKind,
    OrgUnitType,
    PointStatus,
    ReportKind,
    WorkReport,
)
from tests.party_orgs.conftest import local

pytestmark = pytest.mark.django_db


def grow(world, committee, n):
    """n more grid branches, each with a building group, members and a central household;
    n meetings with decisions; n points with reviews and reports; n spendings; n residents."""
    community = committee.community
    compound = world.compounds["A1a-c-p"]
    Compound.objects.filter(pk=compound.pk).update(management_mode=ManagementMode.CO_BUILDING)
    start = PointCounter.next()
    building = world.buildings["A1a-c-p-b1"]
    allocation = services.fund_allocation_create(
        community=community, year=2026, kind=FundKind.SERVICE if start else FundKind.OFFICE,
        amount=Decimal("100000"),
    )
    for i in range(start, start + n):
        grid = community_services.grid_create(community=community, name=f"g{i}", duty_types=[],
                                              buildings=[building])
        branch = services.party_org_create(name=f"支部{i}", kind=OrgKind.BRANCH,
                                           unit_type=OrgUnitType.GRID, grid=grid,
                                           parent=committee)
        group = services.party_org_create(name=f"小组{i}", kind=OrgKind.GROUP,
                                          unit_type=OrgUnitType.BUILDING, building=building,
                                          parent=branch)
        services.party_member_create(organization=group, name=f"党员{i}",
                                     phone="13900001111", is_central_household=True,
                                     households=[world.households["A1a-c-p-b1-1"]])
        services.joint_meeting_record(
            community=community, kind=MeetingKind.THREE_PARTY, held_at=local(2025, 1, 1 + i % 27),
            title=f"会议{i}", topics="t", compounds=[compound],
            organizations=[committee, branch],
            action_items=[{"description": f"事项{i}", "owner": "物业",
                           "due_date": date(2025, 2, 1)}],
        )
        point = services.demonstration_point_apply(
            actor=world.users["community_staff"], organization=branch, name=f"示范点{i}",
            year=2026, goals="g", cadre=world.users["street_staff"],
        )
        DemonstrationPoint.objects.filter(pk=point.pk).update(
            status=PointStatus.APPROVED, approved_on=local_today() - timedelta(days=20)
        )
        WorkReport.objects.create(point=point, kind=ReportKind.DAILY,
                                  period_start=local_today() - timedelta(days=3), content="c",
                                  author=world.users["street_staff"])
        services.fund_spend(allocation=allocation, amount=Decimal("1"),
                            spent_on=date(2026, 1, 1), purpose=f"p{i}")
        community_services.vulnerable_resident_create(
            grid=grid, name=f"居民{i}", address="地址", group=VulnerableGroup.HARDSHIP,
            registered_on=local_today() - timedelta(days=10),
        )
        site = community_services.service_site_create(
            community=community, name=f"会客厅{i}", kind="resident_lounge",
            rooms=["government_service", "party_activity"],
        )
        community_services.service_record_create(
            site=site, kind="policy_advice", served_at=local(2025, 5, 1, 9), visitors=3,
        )


class PointCounter:
    value = 0

    @classmethod
    def next(cls):
        value, cls.value = cls.value, cls.value + 1000
        return value


PAGES = [
    ("party-orgs", {}), ("party-meetings", {}), ("party-points", {}), ("party-reports", {}),
    ("party-lists", {}), ("party-funds", {}), ("patrols", {}), ("service-sites", {}),
]
EXPORTS = ["organizations", "members", "meetings", "action-items", "meeting-gaps", "points",
           "reviews", "reports", "missing-reports", "funds", "allocations"]
APIS = ["party-organizations", "party-members", "joint-meetings", "action-items",
        "demonstration-points", "demonstration-reviews", "work-reports", "fund-allocations",
        "fund-spendings", "vulnerable-residents", "patrol-visits", "service-sites",
        "service-records"]


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def _all_counts(client, committee):
    urls = [reverse(name, kwargs=kwargs) for name, kwargs in PAGES]
    urls.append(reverse("party-org-detail", args=[committee.pk]))
    urls += [reverse("party-export", args=[slug]) for slug in EXPORTS]
    urls += [reverse("patrol-export"), reverse("patrol-missed-export"),
             reverse("service-record-export")]
    urls += [f"/api/v1/{name}/" for name in APIS]
    urls.append(f"/api/v1/party-organizations/{committee.pk}/subtree/")
    return {url: _count(client, url) for url in urls}


def test_query_counts_do_not_grow_with_rows(client, world, committees):
    committee = committees["A1a-c"]
    PointCounter.value = 0
    client.force_login(world.users["community_staff"])
    grow(world, committee, 2)
    client.get("/party/reports/")  # the official calendar is read once, then cached
    small = _all_counts(client, committee)
    grow(world, committee, 12)
    large = _all_counts(client, committee)
    grown = {url: (small[url], large[url]) for url in small if small[url] != large[url]}
    assert grown == {}
