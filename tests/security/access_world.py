"""The world of the exhaustive access test: ``cw`` (the complaint world: the hierarchy,
firms, contracts, firm staff) plus one object of every scoped model in every community,
made through each app's services."""

import datetime
from decimal import Decimal

from communities import services as community_services
from communities.models import (
    FunctionRoomKind,
    GridWorker,
    ServiceKind,
    ServiceSiteKind,
    VulnerableGroup,
)
from core.timeutils import local_zone
from party_orgs import services as party_services
from party_orgs.models import (
    DemonstrationPoint,
    FundKind,
    ListKind,
    MeetingKind,
    OrgKind,
    OrgUnitType,
    PointStatus,
)
from properties import services as property_services
from properties.models import DisclosureItem
from tests.complaints.conftest import image_file, make_complaint
from tests.properties.conftest import BILL_HEADER, csv_file, import_file

COMMUNITIES = ("A1a-c", "A1b-c", "A2a-c", "B1a-c")


def _local(day: datetime.date, hour: int = 10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=local_zone())


def build(w):
    root = w.users["superuser"]
    # Every compound gets an active contract: A1a/A2a with firm "firm", A1b/B1a with "other".
    w.contracts = {c.compound.name: c for c in (
        property_services.active_contract(w.compounds["A1a-c-p"].pk),
        property_services.active_contract(w.compounds["A1b-c-p"].pk),
    )}
    for compound, firm in (("A2a-c-p", "firm"), ("B1a-c-p", "other")):
        w.contracts[compound] = property_services.contract_start(
            compound=w.compounds[compound], firm=w.firms[firm], mode="market",
            start_date=datetime.date(2026, 1, 1), fee_standard=Decimal("1.00"),
        )
    day = datetime.date(2026, 3, 2)
    for cname in COMMUNITIES:
        community, compound = w.communities[cname], w.compounds[f"{cname}-p"]
        grid, household = w.grids[f"{cname}-g"], w.households[f"{cname}-p-b1-1"]
        # complaints (with a photo), dispatched to the compound's firm
        complaint = make_complaint(w, compound=compound.name, category="noise",
                                   photos=[image_file()])
        # properties
        bill = property_services.fee_bill_create(
            household=household, period_start=datetime.date(2026, 3, 1),
            period_end=datetime.date(2026, 3, 31), amount_due=Decimal("40.00"),
        )
        property_services.payment_record(
            bill=bill, amount=Decimal("10.00"), paid_at=_local(day), channel="cash",
            receipt_no=f"R-{cname}", actor=root,
        )
        property_services.disclosure_publish(
            compound=compound, item=DisclosureItem.values[0], title=f"公示{cname}",
            text="内容", actor=root,
        )
        property_services.inspection_record(
            contract=w.contracts[compound.name], date=day, inspector=root,
            items=[{"clause": "保洁", "passed": True, "photo": image_file()}],
        )
        property_services.owners_committee_create(
            compound=compound, kind="owners_committee", term_start=datetime.date(2025, 1, 1),
            term_end=datetime.date(2029, 12, 31), members=7, party_members=4,
        )
        property_services.renovation_project_create(
            compound=compound, year=2026, works=["water"], budget=Decimal("100000"),
        )
        # communities
        GridWorker.objects.create(grid=grid, name=f"网格员{cname}", phone="13700002222")
        resident = community_services.vulnerable_resident_create(
            grid=grid, name=f"困难户{cname}", address="1号楼101",
            group=VulnerableGroup.HARDSHIP, registered_on=datetime.date(2026, 1, 1),
            phone="13700003333",
        )
        community_services.patrol_visit_record(resident=resident, visited_at=_local(day),
                                               visitor_name="巡访员")
        site = community_services.service_site_create(
            community=community, name=f"会客厅{cname}", kind=ServiceSiteKind.RESIDENT_LOUNGE,
            rooms=[FunctionRoomKind.GOVERNMENT_SERVICE],
        )
        community_services.service_record_create(site=site, kind=ServiceKind.POLICY_ADVICE,
                                                 served_at=_local(day), visitors=3)
        # party organisations
        committee = party_services.party_org_create(
            name=f"{cname}党委", kind=OrgKind.COMMITTEE, unit_type=OrgUnitType.COMMUNITY,
            community=community,
        )
        party_services.party_member_create(organization=committee, name=f"党员{cname}",
                                           phone="13900001111")
        meeting = party_services.joint_meeting_record(
            community=community, kind=MeetingKind.THREE_PARTY, held_at=_local(day),
            title=f"联席会{cname}", topics="停车", compounds=[compound],
        )
        party_services.action_item_add(meeting=meeting, description="划线", owner="物业",
                                       due_date=day)
        point = party_services.demonstration_point_apply(
            actor=root, organization=committee, name=f"示范点{cname}", year=2026, goals="五有",
        )
        DemonstrationPoint.objects.filter(pk=point.pk).update(status=PointStatus.APPROVED,
                                                               approved_on=day)
        scores = dict.fromkeys(("organisation", "governance", "service", "neighbourliness",
                                "safety"), 18)
        party_services.demonstration_assessment_record(
            point=point, year=2026, scores=scores, evidence=dict.fromkeys(scores, "台账"),
        )
        upload = csv_file([[compound.name, "1号楼", "", "101", "2026-02-01", "2026-02-28",
                            "40.00", "0"]], header=BILL_HEADER, name=f"{cname}.csv")
        record = import_file("bills", upload, root)
        assert record.outcome == "imported", record.errors
        party_services.list_item_create(community=community, year=2026,
                                        list_kind=ListKind.LIVELIHOOD, title=f"项目{cname}")
        allocation = party_services.fund_allocation_create(
            community=community, year=2026, kind=FundKind.SERVICE, amount=Decimal("1000"),
        )
        party_services.fund_spend(allocation=allocation, amount=Decimal("10"), spent_on=day,
                                  purpose="慰问")
        w.complaints = getattr(w, "complaints", {})
        w.complaints[cname] = complaint
    return w
