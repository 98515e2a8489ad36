"""The Party ledgers' admin writes through the services: each refusal is shown on the
form next to what was typed, nothing written; a valid form is saved by the service."""

import datetime
from decimal import Decimal

import pytest

from party_orgs import services
from party_orgs.models import (
    ActionItem,
    DemonstrationAssessment,
    DemonstrationPoint,
    DemonstrationReview,
    FundSpending,
    JointMeeting,
    ListItem,
    OrgKind,
    OrgUnitType,
    PartyMember,
    PartyOrganization,
)
from properties.services import firm_create
from tests.admin_forms import post_admin, refused, saved
from tests.admin_forms import spy as spy_on
from tests.party_orgs.conftest import local
from tests.properties.conftest import valid_code

pytestmark = pytest.mark.django_db


def post(client, model, data, obj=None):
    return post_admin(client, "party_orgs", model, data, obj)


def spy(monkeypatch, name):
    return spy_on(monkeypatch, services, name)


@pytest.fixture
def meeting(world):
    return services.joint_meeting_record(
        community=world.communities["A1a-c"], kind="party_building",
        held_at=local(2026, 3, 10, 9), title="三月联席会", topics="楼道整治",
    )


def test_organisation(root, world, tree):
    branch, group = tree["branch"], tree["group"]
    data = {"name": branch.name, "kind": branch.kind, "unit_type": branch.unit_type,
            "parent": group.pk, "community": branch.community_id, "grid": branch.grid_id,
            "unit_name": "", "secretary_name": "王书记", "founded_on": ""}
    refused(post(root, "partyorganization", data, branch), "党组织不能隶属于自身或其下级",
            "王书记")
    branch.refresh_from_db()
    assert branch.parent == tree["committee"] and branch.secretary_name == ""
    data = {"name": "新支部", "kind": OrgKind.BRANCH, "unit_type": OrgUnitType.GRID,
            "parent": tree["committee"].pk, "grid": world.grids["A1a-c-g"].pk,
            "unit_name": "", "secretary_name": "", "founded_on": ""}
    saved(post(root, "partyorganization", data))
    created = PartyOrganization.objects.get(name="新支部")
    # The service hangs it in the tree.
    assert created.path.startswith(f"{tree['committee'].path}.") and created.depth == 1


def test_member(root, world, tree):
    data = {"organization": tree["group"].pk, "name": "李党员", "phone": "", "role": "member",
            "households": [world.households["A1a-c-p-b1-1"].pk], "model_post": "",
            "public_commitment": ""}
    refused(post(root, "partymember", data), "只有党员中心户才联系住户", "李党员")
    assert not PartyMember.objects.filter(name="李党员").exists()
    saved(post(root, "partymember", {**data, "is_central_household": "on"}))
    member = PartyMember.objects.get(name="李党员")
    assert list(member.households.all()) == [world.households["A1a-c-p-b1-1"]]


def meeting_data(world, **over):
    return {"community": world.communities["A1a-c"].pk, "kind": "party_building",
            "held_at_0": "2026-03-10", "held_at_1": "09:00:00", "title": "四月联席会",
            "topics": "加装电梯", "attendees": "", "minutes": "",
            "action_items-TOTAL_FORMS": "1", "action_items-INITIAL_FORMS": "0",
            "action_items-MIN_NUM_FORMS": "0", "action_items-MAX_NUM_FORMS": "1000",
            "action_items-0-description": "联系电梯公司", "action_items-0-owner": "社区",
            "action_items-0-due_date": "2026-03-20", **over}


def test_joint_meeting(root, world):
    foreign = world.compounds["A1b-c-p"]
    refused(post(root, "jointmeeting", meeting_data(world, compounds=[foreign.pk])),
            "不能关联其他社区的小区", "四月联席会")
    assert not JointMeeting.objects.exists()
    saved(post(root, "jointmeeting", meeting_data(world)))
    meeting = JointMeeting.objects.get()
    # Recorded by the service, with its decision.
    assert meeting.recorded_by == world.users["superuser"]
    assert list(meeting.action_items.values_list("description", flat=True)) == ["联系电梯公司"]


def test_a_decision_due_before_its_meeting_refused_at_save_time(root, world):
    """The inline decisions are checked by the service when it records the meeting: the
    refusal comes back on the form (not a server error) and nothing is recorded."""
    response = post(root, "jointmeeting",
                    meeting_data(world, **{"action_items-0-due_date": "2026-03-01"}))
    refused(response, "完成时限不能早于会议召开日期", "四月联席会", "联系电梯公司")
    assert not JointMeeting.objects.exists() and not ActionItem.objects.exists()


def test_action_item_due_before_its_meeting_is_refused(root, world, meeting):
    data = {"meeting": meeting.pk, "description": "清理楼道", "owner": "物业",
            "due_date": "2026-02-08"}
    response = post(root, "actionitem", data)
    refused(response, "完成时限不能早于会议召开日期", "清理楼道", "2026-02-08")
    assert not ActionItem.objects.exists()
    saved(post(root, "actionitem", {**data, "due_date": "2026-03-31"}))
    assert ActionItem.objects.get().due_date == datetime.date(2026, 3, 31)


def test_action_item_change(root, world, meeting):
    item = services.action_item_add(meeting=meeting, description="清理楼道", owner="物业",
                                    due_date=datetime.date(2026, 3, 31))
    data = {"description": "清理楼道", "owner": "物业", "due_date": "2026-03-01",
            "status": "open", "done_on": ""}
    refused(post(root, "actionitem", data, item), "完成时限不能早于会议召开日期", "2026-03-01")
    item.refresh_from_db()
    assert item.due_date == datetime.date(2026, 3, 31)
    saved(post(root, "actionitem", {**data, "due_date": "2026-03-31", "status": "done",
                                    "done_on": "2026-03-30"}, item))
    item.refresh_from_db()
    # action_item_set_status dates a finished decision.
    assert item.status == "done" and item.done_on == datetime.date(2026, 3, 30)


@pytest.fixture
def point(world, committees):
    return services.demonstration_point_apply(
        actor=world.users["community_staff"], organization=committees["A1a-c"],
        name="红色楼院", year=2026, goals="五有",
    )


def assessment_data(point, **over):
    data = {"point": point.pk, "year": 2026}
    for code in ("organisation", "governance", "service", "neighbourliness", "safety"):
        data[f"{code}_score"] = 15
        data[f"{code}_evidence"] = f"{code}材料"
    return {**data, **over}


def test_assessment_of_a_point_not_approved_is_refused(root, world, point):
    response = post(root, "demonstrationassessment", assessment_data(point))
    refused(response, "只有已审定的示范点才能考评", "organisation材料")
    assert not DemonstrationAssessment.objects.exists()


def test_assessment_of_an_approved_point(root, world, point):
    DemonstrationPoint.objects.filter(pk=point.pk).update(
        status="approved", approved_on=datetime.date(2026, 3, 1))
    saved(post(root, "demonstrationassessment", assessment_data(point)))
    assert DemonstrationAssessment.objects.get().assessor == world.users["superuser"]


def test_demonstration_point(root, world, committees):
    firm = firm_create(name="甲物业", credit_code=valid_code("91610204MA6X5A2B3"),
                       ownership="private")
    firm_branch = services.party_org_create(name="物业企业党支部", kind=OrgKind.BRANCH,
                                            unit_type=OrgUnitType.FIRM, firm=firm)
    data = {"organization": firm_branch.pk, "name": "和谐楼院", "year": 2026, "goals": "五有",
            "reviews-TOTAL_FORMS": "0", "reviews-INITIAL_FORMS": "0"}
    refused(post(root, "demonstrationpoint", data), "只有社区的党组织可以申报示范点", "和谐楼院")
    assert not DemonstrationPoint.objects.exists()
    saved(post(root, "demonstrationpoint", {**data, "organization": committees["A1a-c"].pk}))
    point = DemonstrationPoint.objects.get()
    # The service opens the 三审 with the application step.
    assert DemonstrationReview.objects.filter(point=point, step="application").exists()


def test_list_item(root, world, monkeypatch):
    data = {"community": world.communities["A1a-c"].pk, "year": 2026, "list_kind": "livelihood",
            "title": "修路", "description": "", "infrastructure": "", "status": "bogus"}
    refused(post(root, "listitem", data), "bogus", "修路")
    assert not ListItem.objects.exists()
    calls = spy(monkeypatch, "list_item_create")
    saved(post(root, "listitem", {**data, "status": "planned"}))
    assert calls and ListItem.objects.get().title == "修路"


@pytest.fixture
def allocation(world):
    allocation = services.fund_allocation_create(
        community=world.communities["A1a-c"], year=2026, kind="service",
        amount=Decimal("1000"))
    services.fund_spend(allocation=allocation, amount=Decimal("600"),
                        spent_on=datetime.date(2026, 2, 1), purpose="慰问")
    return allocation


def test_fund_allocation(root, world, allocation):
    data = {"kind": "service", "amount": "500", "note": "核减", "spendings-TOTAL_FORMS": "0",
            "spendings-INITIAL_FORMS": "0"}
    refused(post(root, "fundallocation", data, allocation), "已支出 600", "核减")
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("1000")
    saved(post(root, "fundallocation", {**data, "amount": "800"}, allocation))
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("800")


def test_fund_spending_past_the_allocation_is_refused(root, world, allocation):
    data = {"allocation": allocation.pk, "spent_on": "2026-03-01", "amount": "500",
            "purpose": "购置桌椅"}
    refused(post(root, "fundspending", data), "超出经费余额", "购置桌椅")
    assert FundSpending.objects.count() == 1
    saved(post(root, "fundspending", {**data, "amount": "400"}))
    assert FundSpending.objects.get(purpose="购置桌椅").recorded_by == world.users["superuser"]
