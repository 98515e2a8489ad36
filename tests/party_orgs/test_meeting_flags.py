"""A co-building compound without a three-party meeting in a calendar month (Asia/Shanghai)
is flagged; a decision past its due date and not done is flagged."""

from datetime import date

import pytest
from django.urls import reverse

from communities.models import Compound, ManagementMode, StaffRole
from core.errors import ApplicationError
from party_orgs import selectors, services
from party_orgs.models import ActionStatus, JointMeeting, MeetingKind
from tests.factories import staff_user
from tests.party_orgs.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def co_building(world):
    Compound.objects.filter(pk=world.compounds["A1a-c-p"].pk).update(
        management_mode=ManagementMode.CO_BUILDING
    )
    return Compound.objects.get(pk=world.compounds["A1a-c-p"].pk)


def _meeting(world, compound, held_at, kind=MeetingKind.THREE_PARTY, items=()):
    return services.joint_meeting_record(
        community=compound.community, kind=kind, held_at=held_at, title="三方联席会议",
        topics="停车", compounds=[compound], action_items=items,
    )


def _gap_months(user, year, now):
    return sorted(g["month"] for g in selectors.three_party_meeting_gaps(user=user, year=year,
                                                                         now=now))


def test_meeting_late_on_the_last_evening_counts_for_that_month(world, co_building):
    # 23:59:59 on 31 January local is 15:59:59 UTC the same day: January.
    _meeting(world, co_building, local(2025, 1, 31, 23, 59, 59))
    # 00:00:00 on 1 March local is 16:00 UTC on 28 February: March, not February.
    _meeting(world, co_building, local(2025, 3, 1, 0, 0, 0))
    now = local(2025, 4, 10, 9)
    assert _gap_months(world.users["community_staff"], 2025, now) == [2]


def test_only_months_that_are_over_are_flagged(world, co_building):
    user = world.users["community_staff"]
    # At 23:59:59 on 31 March, March is not over yet.
    assert _gap_months(user, 2025, local(2025, 3, 31, 23, 59, 59)) == [1, 2]
    # A second later it is.
    assert _gap_months(user, 2025, local(2025, 4, 1, 0, 0, 0)) == [1, 2, 3]
    # A past year: all twelve months.
    assert _gap_months(user, 2024, local(2025, 4, 1)) == list(range(1, 13))


def test_other_meeting_kinds_and_other_compounds_do_not_count(world, co_building):
    _meeting(world, co_building, local(2025, 1, 10, 9), kind=MeetingKind.PARTY_BUILDING)
    other = world.compounds["A1a-c-p"]
    assert other.pk == co_building.pk
    assert _gap_months(world.users["community_staff"], 2025, local(2025, 2, 1)) == [1]


def test_non_co_building_compounds_are_not_flagged_and_scope_applies(world, co_building):
    assert selectors.three_party_meeting_gaps(user=world.users["street_staff"], year=2025,
                                              now=local(2025, 2, 1))
    # Another street's official does not see this compound's gap.
    other = staff_user("street_a2a", StaffRole.STREET_STAFF, world.streets["A2a"])
    assert selectors.three_party_meeting_gaps(user=other, year=2025, now=local(2025, 2, 1)) == []


def test_compliance_per_community_for_the_dashboard(world, co_building):
    _meeting(world, co_building, local(2025, 2, 28, 23, 30))
    compounds = Compound.objects.all()
    feb = selectors.joint_meeting_compliance(compounds=compounds, year=2025, month=2)
    mar = selectors.joint_meeting_compliance(compounds=compounds, year=2025, month=3)
    assert feb == {co_building.community_id: {"compounds": 1, "with_meeting": 1}}
    assert mar == {co_building.community_id: {"compounds": 1, "with_meeting": 0}}


def test_overdue_action_items_exactly(world, co_building):
    meeting = _meeting(world, co_building, local(2025, 1, 10, 9), items=[
        {"description": "due yesterday", "owner": "物业", "due_date": date(2025, 1, 19)},
        {"description": "due today", "owner": "物业", "due_date": date(2025, 1, 20)},
        {"description": "done late", "owner": "业委会", "due_date": date(2025, 1, 15)},
    ])
    done = meeting.action_items.get(description="done late")
    services.action_item_set_status(item=done, status=ActionStatus.DONE)
    items = selectors.action_item_list(user=world.users["community_staff"])
    overdue = selectors.overdue_action_items(items, today=date(2025, 1, 20))
    assert [i.description for i in overdue] == ["due yesterday"]
    overdue = selectors.overdue_action_items(items, today=date(2025, 1, 21))
    assert [i.description for i in overdue] == ["due yesterday", "due today"]


def test_meeting_rules(world, co_building):
    with pytest.raises(ApplicationError):  # a three-party meeting names its compounds
        services.joint_meeting_record(community=co_building.community,
                                      kind=MeetingKind.THREE_PARTY, held_at=local(2025, 1, 1),
                                      title="t", topics="t", compounds=[])
    with pytest.raises(ApplicationError):  # not another community's compound
        services.joint_meeting_record(community=co_building.community,
                                      kind=MeetingKind.THREE_PARTY, held_at=local(2025, 1, 1),
                                      title="t", topics="t",
                                      compounds=[world.compounds["B1a-c-p"]])
    with pytest.raises(ApplicationError):  # not outside the user's scope
        services.joint_meeting_record(actor=world.users["community_staff"],
                                      community=world.communities["B1a-c"],
                                      kind=MeetingKind.PARTY_BUILDING,
                                      held_at=local(2025, 1, 1), title="t", topics="t")
    with pytest.raises(ApplicationError):  # a decision due before the meeting
        _meeting(world, co_building, local(2025, 1, 10, 9), items=[
            {"description": "x", "owner": "y", "due_date": date(2025, 1, 9)}])

    assert not JointMeeting.objects.exists()


def test_meetings_page_shows_flags_and_records_a_meeting(client, world, co_building, pin_now):
    pin_now(local(2025, 4, 10, 9))  # January to March 2025 are over, without a meeting
    client.force_login(world.users["community_staff"])
    response = client.get(reverse("party-meetings"))
    assert response.status_code == 200
    assert response.context["year"] == 2025
    assert sorted(g["month"] for g in response.context["gaps"]) == [1, 2, 3]
    assert ">A1a-c-p<" in response.content.decode()
    data = {
        "community": co_building.community_id, "kind": MeetingKind.THREE_PARTY,
        "held_at": "2025-01-31T23:30", "title": "一月三方会", "topics": "停车",
        "compounds": [co_building.pk], "items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0",
        "items-0-description": "清理楼道", "items-0-owner": "物业",
        "items-0-due_date": "2025-02-05",
    }
    response = client.post(reverse("party-meeting-new"), data)
    assert response.status_code == 302

    meeting = JointMeeting.objects.get()
    assert meeting.held_at == local(2025, 1, 31, 23, 30)
    assert meeting.action_items.get().owner == "物业"
    # Half a decision is refused in Chinese and nothing is saved.
    data["items-1-description"] = "只有事项"
    data["title"] = "第二次"
    response = client.post(reverse("party-meeting-new"), data)
    assert response.status_code == 200
    assert "请填写议定事项、责任方和完成时限。" in response.content.decode()
    assert JointMeeting.objects.count() == 1


def test_meeting_in_the_future_is_refused_on_the_page(client, world, co_building):
    client.force_login(world.users["community_staff"])
    response = client.post(reverse("party-meeting-new"), {
        "community": co_building.community_id, "kind": MeetingKind.THREE_PARTY,
        "held_at": "2099-01-01T09:00", "title": "未来", "topics": "x",
        "compounds": [co_building.pk], "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert "会议召开之前不能登记。" in response.content.decode()
