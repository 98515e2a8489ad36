"""Panels other apps register: a compound's own panels on its dashboard (tested with a
dummy panel registered here), and the Party organisation summaries (three-party meetings,
missed patrols, demonstration points by review step)."""

from datetime import timedelta

import pytest

from communities import services
from communities.dashboard import panels as dashboard_panels
from communities.dashboard.panels import Cell, PanelTable
from communities.models import Compound, ManagementMode, VulnerableGroup
from core.timeutils import start_of_day
from party_orgs import services as party_services
from party_orgs.models import MeetingKind, OrgKind, OrgUnitType
from tests.communities.dashboard_data import last_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def dummy_compound_panel(monkeypatch):
    """A compound panel listing the compound's name, as the complaints app's "overdue
    complaints" will; registered for this test only."""
    monkeypatch.setattr(dashboard_panels, "_COMPOUND", {})
    seen = []

    @dashboard_panels.compound_panel("dummy-overdue", "逾期诉求（测试）")
    def build(*, user, unit, period):
        seen.append((user.username, unit.level, unit.id, period))
        count = Compound.objects.filter(unit.compound_q()).count()
        return PanelTable(headers=["小区", "数量"], numeric=(1,),
                          rows=[(Cell(unit.name, f"/compounds/{unit.id}/"), count)])

    return seen


def test_compound_page_shows_registered_compound_panels(client, world, dummy_compound_panel):
    compound = world.compounds["A1a-c-p"]
    client.force_login(world.users["community_staff"])
    response = client.get("/dashboard/", {"level": "compound", "unit": compound.pk})
    html = response.content.decode()
    assert 'id="panel-dummy-overdue"' in html and "逾期诉求（测试）" in html
    assert f'<a href="/compounds/{compound.pk}/">A1a-c-p</a>' in html
    assert dummy_compound_panel[0][:3] == ("community_a1a", "compound", compound.pk)
    # Exported with the same headers; the link becomes its text.
    export = client.get("/dashboard/export/panel-dummy-overdue.xlsx",
                        {"level": "compound", "unit": compound.pk})
    assert export.status_code == 200
    # A community's page does not show compound panels.
    community = client.get("/dashboard/")
    assert "panel-dummy-overdue" not in community.content.decode()
    assert client.get("/dashboard/export/panel-dummy-overdue.xlsx").status_code == 404


@pytest.fixture
def ledgers(world):
    """Last month in community A1a-c: the compound is co-building and held its three-party
    meeting; a second co-building compound did not. A vulnerable resident registered on
    the 1st was visited once. One demonstration point awaits the street's review."""
    month = last_month()
    community = world.communities["A1a-c"]
    met = world.compounds["A1a-c-p"]
    missed = services.compound_create(community=community, name="未开会小区",
                                      declared_households=10, floor_area=1)
    Compound.objects.filter(pk__in=[met.pk, missed.pk]).update(
        management_mode=ManagementMode.CO_BUILDING)
    party_services.joint_meeting_record(
        community=community, kind=MeetingKind.THREE_PARTY,
        held_at=start_of_day(month) + timedelta(days=2, hours=10), title="三方联席会",
        topics="停车", compounds=[met],
    )
    resident = services.vulnerable_resident_create(
        grid=world.grids["A1a-c-g"], name="张大爷", address="1号楼101",
        group=VulnerableGroup.ELDERLY_ALONE, registered_on=month,
    )
    services.patrol_visit_record(resident=resident, visitor_name="网格员",
                                 visited_at=start_of_day(month) + timedelta(hours=9))
    committee = party_services.party_org_create(
        name="A1a-c党委", kind=OrgKind.COMMITTEE, unit_type=OrgUnitType.COMMUNITY,
        community=community,
    )
    party_services.demonstration_point_apply(
        actor=world.users["community_staff"], organization=committee, name="幸福新社区",
        year=month.year, goals="五有",
    )
    return world


def _panel(response, key):
    return next(table for panel, table in response.context["panels"] if panel.key == key)


def test_party_organisation_summaries(client, ledgers):
    month = last_month()
    client.force_login(ledgers.users["street_staff"])
    response = client.get("/dashboard/", {"period": f"{month:%Y-%m}"})
    meetings = _panel(response, "joint-meetings")
    assert meetings.rows == [("A1a-c", 2, 1, 1, "50.0%")]
    assert "2 个融合共建小区中有 1 个召开了三方联席会议" in meetings.note
    patrols = _panel(response, "missed-patrols")
    days = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - month
    due = 2 * days.days
    assert patrols.rows == [("A1a-c", due, 1, due - 1, f"{100 / due:.1f}%")]
    points = dict(_panel(response, "demonstration-points").rows)
    assert points["待街道初审"] == 1 and points["已审定"] == 0
    html = response.content.decode()
    assert "三方联席会议" in html and "示范点三审进度" in html
    assert "张大爷" not in html  # counts only, nobody named


def test_summaries_of_another_street_are_empty(client, ledgers):
    client.force_login(ledgers.users["street_staff"])
    other = client.get("/dashboard/", {"level": "street", "unit": ledgers.streets["A1b"].pk})
    assert other.status_code == 404
    ledgers_user = ledgers.users["district_official"]
    client.force_login(ledgers_user)
    response = client.get("/dashboard/", {"level": "street", "unit": ledgers.streets["A1b"].pk,
                                          "period": f"{last_month():%Y-%m}"})
    assert _panel(response, "joint-meetings").rows == []
    assert _panel(response, "missed-patrols").rows == []


def test_summaries_of_a_district_are_per_street(client, ledgers):
    """Above the street, summaries have one row per child unit (a district's streets, a
    city's districts), however many communities it holds."""
    month = last_month()
    client.force_login(ledgers.users["district_official"])
    response = client.get("/dashboard/", {"period": f"{month:%Y-%m}"})
    meetings = _panel(response, "joint-meetings")
    assert meetings.headers[0] == "街道"
    assert meetings.rows == [("A1a", 2, 1, 1, "50.0%")]
    assert [row[0] for row in _panel(response, "missed-patrols").rows] == ["A1a"]
