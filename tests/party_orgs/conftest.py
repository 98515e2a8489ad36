"""Party organisation fixtures on top of the ``world`` hierarchy."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from core.timeutils import local_zone
from party_orgs import services
from party_orgs.models import OrgKind, OrgUnitType


def local(year, month, day, hour=0, minute=0, second=0):
    return datetime.combine(date(year, month, day), time(hour, minute, second),
                            tzinfo=local_zone())


@pytest.fixture
def pin_now(monkeypatch):
    """``pin_now(moment)``: the portal's clock (``django.utils.timezone.now``) reads
    ``moment`` from then on, and runs on from there, so a test does not depend on today."""

    def pin(moment):
        real_now = timezone.now
        offset = moment - real_now()
        monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)

    return pin


@pytest.fixture
def committees(world):
    """A community Party committee in every community of the world, keyed by community."""
    return {
        name: services.party_org_create(
            name=f"{name}党委", kind=OrgKind.COMMITTEE, unit_type=OrgUnitType.COMMUNITY,
            community=community,
        )
        for name, community in world.communities.items()
    }


@pytest.fixture
def tree(world, committees):
    """A1a-c: committee → grid branch → building group (the four-level structure)."""
    committee = committees["A1a-c"]
    grid = world.grids["A1a-c-g"]
    branch = services.party_org_create(
        name="第1网格党支部", kind=OrgKind.BRANCH, unit_type=OrgUnitType.GRID, grid=grid,
        parent=committee,
    )
    group = services.party_org_create(
        name="1号楼党小组", kind=OrgKind.GROUP, unit_type=OrgUnitType.BUILDING,
        building=world.buildings["A1a-c-p-b1"], parent=branch,
    )
    return {"committee": committee, "branch": branch, "group": group}
