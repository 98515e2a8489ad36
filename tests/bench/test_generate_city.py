"""The synthetic city: deterministic (same seed → same snapshots), realistic in shape."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from bench.generate import AS_OF, YEAR_START, ZONE, generate_city
from communities.metrics.writer import refresh_month
from communities.models import (
    Building,
    Community,
    Compound,
    Grid,
    GridWorker,
    HalfDay,
    ManagementMode,
    MetricSnapshot,
    PatrolVisit,
    VulnerableResident,
)
from communities.selectors import missed_patrol_counts
from complaints.models import Complaint, Status
from party_orgs.models import (
    ActionItem,
    ActionStatus,
    JointMeeting,
    MeetingKind,
    OrgUnitType,
    PartyMember,
    PartyOrganization,
)
from party_orgs.selectors import joint_meeting_compliance
from properties.models import (
    ContractStatus,
    FeeBill,
    Payment,
    PropertyFirm,
    ServiceContract,
)

pytestmark = pytest.mark.django_db

MONTHS = [datetime.date(2026, 1, 1), datetime.date(2026, 6, 1), datetime.date(2026, 10, 1)]
KEY = ("metric", "period", "scope_level", "scope_id", "dimension", "dimension_value",
       "numerator", "denominator")


# The tables of Party organisations, joint meetings and patrols, compared row by row.
NEW_TABLES = (PartyOrganization, PartyMember, PartyMember.households.through, JointMeeting,
              JointMeeting.organizations.through, JointMeeting.compounds.through, ActionItem,
              ActionItem.compounds.through, GridWorker, VulnerableResident, PatrolVisit)


def _city_of(seed: int) -> tuple[set[tuple], dict[str, list[tuple]]]:
    """Generate, refresh a few months, read the snapshots and the rows of the new tables,
    then roll everything back."""
    savepoint = transaction.savepoint()
    try:
        generate_city(households=300, seed=seed, log=lambda line: None, chunk=500)
        for period in MONTHS:
            refresh_month(period=period, as_of=AS_OF)
        rows = {
            model._meta.db_table: list(model.objects.order_by("pk").values_list())
            for model in NEW_TABLES
        }
        return set(MetricSnapshot.objects.values_list(*KEY)), rows
    finally:
        transaction.savepoint_rollback(savepoint)


def test_same_seed_gives_the_same_metric_snapshots_and_rows():
    first, first_rows = _city_of(11)
    second, second_rows = _city_of(11)
    assert len(first) > 100
    assert first == second
    assert all(first_rows.values()), [t for t, rows in first_rows.items() if not rows]
    assert first_rows == second_rows
    other, other_rows = _city_of(12)
    assert other != first
    assert other_rows["communities_patrolvisit"] != first_rows["communities_patrolvisit"]


def test_the_city_has_every_mode_mode_changes_and_a_real_year_of_complaints():
    out = StringIO()
    call_command("generate_city", households=600, seed=5, chunk=1000, stdout=out)
    assert "households 600" in out.getvalue()
    assert set(Compound.objects.values_list("management_mode", flat=True)) == set(
        ManagementMode.values)
    # Some compounds changed mode during the year: an ended contract, then an active one.
    ended = ServiceContract.objects.filter(status=ContractStatus.ENDED)
    assert ended.exists()
    for contract in ended:
        for active in ServiceContract.objects.filter(
            compound=contract.compound, status=ContractStatus.ACTIVE
        ):
            assert contract.end_date < active.start_date
            assert active.mode != contract.mode
    assert FeeBill.objects.values("period_start").distinct().count() == 12
    assert 0.7 < Payment.objects.count() / FeeBill.objects.count() < 0.95
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert {Status.CLOSED, Status.REJECTED, Status.IN_PROGRESS} <= statuses
    for complaint in Complaint.objects.all()[:50]:
        complaint.full_clean()
        assert complaint.events.first().kind == "created"
    assert not Complaint.objects.filter(received_at__gt=AS_OF).exists()


def test_a_second_city_with_the_same_seed_is_refused():
    call_command("generate_city", households=100, seed=9, stdout=StringIO())
    with pytest.raises(Exception, match="already exists"):
        call_command("generate_city", households=100, seed=9, stdout=StringIO())


def test_party_organisations_meetings_and_patrols_have_a_real_shape():
    generate_city(households=2000, seed=7, log=lambda line: None, chunk=1000)
    communities = list(Community.objects.all())
    assert len(communities) == 2
    orgs = {org.pk: org for org in PartyOrganization.objects.all()}
    # The tree: 社区党委 (root) → 网格党支部 → 楼栋党小组; compound branches and owners'
    # committee groups under the committee; a branch in each firm; resident units.
    for org in orgs.values():
        org.full_clean()
        parent = orgs.get(org.parent_id)
        assert org.path == (f"{parent.path}." if parent else "") + f"{org.pk:08d}"
        assert org.depth == org.path.count(".")
        assert org.members.exists()
    roots = [o for o in orgs.values() if o.unit_type == OrgUnitType.COMMUNITY]
    assert sorted(o.community_id for o in roots) == sorted(c.pk for c in communities)
    assert all(o.parent_id is None for o in roots)

    def units(unit_type, field):
        return sorted(getattr(o, field) for o in orgs.values() if o.unit_type == unit_type)

    assert units(OrgUnitType.GRID, "grid_id") == sorted(Grid.objects.values_list("pk",
                                                                               flat=True))
    assert units(OrgUnitType.COMPOUND, "compound_id") == sorted(
        Compound.objects.values_list("pk", flat=True))
    assert units(OrgUnitType.BUILDING, "building_id") == sorted(
        Building.objects.values_list("pk", flat=True))
    assert units(OrgUnitType.FIRM, "firm_id") == sorted(
        PropertyFirm.objects.values_list("pk", flat=True))
    assert units(OrgUnitType.OWNERS_COMMITTEE, "compound_id") == sorted(
        Compound.objects.filter(management_mode=ManagementMode.CO_BUILDING)
        .values_list("pk", flat=True))
    assert units(OrgUnitType.RESIDENT_UNIT, "community_id")
    for org in orgs.values():
        if org.unit_type == OrgUnitType.BUILDING:
            assert orgs[org.parent_id].grid_id == org.grid_id
            assert org.building.grids.filter(pk=org.grid_id).exists()
    central = PartyMember.objects.filter(is_central_household=True)
    assert central.exists()
    for member in central:
        member.full_clean()
        assert {h.building_id for h in member.households.all()} == {
            member.organization.building_id}

    # Three-party meetings most months, each about compounds of its community; quarterly
    # Party-building joint meetings; decisions mostly done once due.
    three_party = JointMeeting.objects.filter(kind=MeetingKind.THREE_PARTY)
    per_community = three_party.values("community").distinct().count()
    assert per_community >= 1
    assert 9 * per_community <= three_party.count() <= 12 * per_community
    assert 3 * len(communities) <= JointMeeting.objects.filter(
        kind=MeetingKind.PARTY_BUILDING).count() <= 4 * len(communities)
    for meeting in JointMeeting.objects.prefetch_related("compounds", "organizations"):
        meeting.full_clean()
        assert YEAR_START <= meeting.held_at <= AS_OF
        assert {c.community_id for c in meeting.compounds.all()} <= {meeting.community_id}
        assert {o.community_id for o in meeting.organizations.all()} <= {
            meeting.community_id, None}
        if meeting.kind == MeetingKind.THREE_PARTY:
            assert meeting.compounds.exists()
    items = list(ActionItem.objects.select_related("meeting"))
    assert {i.status for i in items} == set(ActionStatus.values)
    overdue = [i for i in items if i.due_date < AS_OF.date()]
    assert sum(i.status == ActionStatus.DONE for i in overdue) > 0.7 * len(overdue)
    for item in items:
        item.full_clean()
        if item.done_on:
            assert item.meeting.held_at.date() < item.done_on <= AS_OF.date()

    # Patrols: one or two vulnerable residents per grid, two visits a day, a few missed.
    grids = Grid.objects.count()
    assert grids <= VulnerableResident.objects.count() <= 2 * grids
    for visit in PatrolVisit.objects.select_related("resident").order_by("?")[:300]:
        local = visit.visited_at.astimezone(ZONE)
        assert visit.visit_date == local.date()
        assert visit.half_day == (HalfDay.MORNING if local.hour < 12 else HalfDay.AFTERNOON)
        assert visit.visited_at <= AS_OF
        assert visit.resident.registered_on <= visit.visit_date
        assert visit.visitor_name in set(visit.resident.grid.workers.values_list("name",
                                                                                 flat=True))

    # The dashboard summaries that read them have figures.
    met = total = 0
    for month in range(1, 12):
        for figures in joint_meeting_compliance(compounds=Compound.objects.all(), year=2026,
                                                month=month).values():
            met, total = met + figures["with_meeting"], total + figures["compounds"]
    assert 0.75 * total <= met < total
    counts = missed_patrol_counts(residents=VulnerableResident.objects.all(),
                                  start=datetime.date(2026, 10, 1),
                                  end=datetime.date(2026, 10, 31), now=AS_OF)
    due = sum(c["due"] for c in counts.values())
    missed = sum(c["missed"] for c in counts.values())
    assert due >= 31 * grids
    assert 0 < missed < 0.12 * due
