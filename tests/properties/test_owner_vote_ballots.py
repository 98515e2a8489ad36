"""Opening a vote and recording ballots through the services: who may, when, which unit;
a changed ballot is one row with its history in the audit trail."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache

from communities import services as community_services
from communities.models import AuditAction, AuditEvent, StaffRole
from communities.owner_identity import owner_key_for
from core import sms
from core.errors import ApplicationError
from properties import services as property_services
from properties.owner_votes import services
from properties.owner_votes.models import Ballot
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_codes():
    """One-time codes live in the (per-process) cache: none left over from another test."""
    cache.clear()

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
OPENS = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)
CLOSES = datetime.datetime(2026, 3, 15, 18, 0, tzinfo=SHANGHAI)
DURING = datetime.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def vote(world):
    return services.owner_vote_create(
        actor=world.users["community_staff"], compound=world.compounds["A1a-c-p"],
        kind="firm", motion="选聘国有物业企业提供公益托管服务", opens_at=OPENS, closes_at=CLOSES,
    )


def sent_code(message: str) -> str:
    return re.search(r"(?<!\d)\d{6}(?!\d)", message).group(0)


def enter(world, vote, unit, choice, *, ballot_no="001", now=DURING):
    return services.ballot_enter_paper(
        actor=world.users["community_staff"], vote=vote, household=world.households[unit],
        choice=choice, ballot_no=ballot_no, now=now,
    )


def test_community_staff_open_a_vote_and_it_is_audited(world, vote):
    assert vote.created_by == world.users["community_staff"]
    assert AuditEvent.objects.filter(action=AuditAction.OWNER_VOTE_CREATED,
                                     object_id=str(vote.pk)).exists()


@pytest.mark.parametrize("role", ["street_staff", "district_official", "grid_worker"])
def test_only_the_communitys_staff_open_a_vote(world, role):
    with pytest.raises(ApplicationError) as refused:
        services.owner_vote_create(
            actor=world.users[role], compound=world.compounds["A1a-c-p"], kind="firm",
            motion="m", opens_at=OPENS, closes_at=CLOSES,
        )
    assert refused.value.status_code == 403


def test_another_communitys_staff_cannot_open_a_vote_here(world):
    other = staff_user("community_b", StaffRole.COMMUNITY_STAFF, world.communities["B1a-c"])
    with pytest.raises(ApplicationError):
        services.owner_vote_create(actor=other, compound=world.compounds["A1a-c-p"],
                                   kind="firm", motion="m", opens_at=OPENS, closes_at=CLOSES)


def test_a_vote_must_close_after_it_opens(world):
    with pytest.raises(ApplicationError, match="截止时间必须晚于"):
        services.owner_vote_create(
            actor=world.users["community_staff"], compound=world.compounds["A1a-c-p"],
            kind="firm", motion="m", opens_at=CLOSES, closes_at=OPENS,
        )


def test_a_changed_ballot_is_one_row_and_both_choices_are_audited(world, vote):
    enter(world, vote, "A1a-c-p-b1-1", "agree", ballot_no="017")
    enter(world, vote, "A1a-c-p-b1-1", "disagree", ballot_no="017",
          now=DURING + datetime.timedelta(days=1))
    ballot = Ballot.objects.get()
    assert ballot.choice == "disagree"
    assert ballot.cast_at == DURING and ballot.changed_at == DURING + datetime.timedelta(days=1)
    events = AuditEvent.objects.filter(object_type="properties.ballot",
                                       object_id=str(ballot.pk)).order_by("pk")
    assert [e.action for e in events] == [AuditAction.BALLOT_CAST, AuditAction.BALLOT_CHANGED]
    assert events[1].changes["choice"] == ["agree", "disagree"]
    assert events[1].compound_id == vote.compound_id
    # The count follows the latest choice: one unit of 80 m² took part, none agrees.
    result = services.owner_vote_result(vote=vote)
    assert (result.participating_area, result.agreeing_area) == (Decimal("80"), 0)


def test_a_ballot_after_closing_is_refused_and_nothing_changes(world, vote):
    enter(world, vote, "A1a-c-p-b1-1", "agree")
    with pytest.raises(ApplicationError, match="表决已截止") as refused:
        enter(world, vote, "A1a-c-p-b1-1", "disagree", now=CLOSES)
    assert refused.value.code == "vote_closed"
    with pytest.raises(ApplicationError, match="表决已截止"):
        enter(world, vote, "A1a-c-p-b1-2", "agree", now=CLOSES + datetime.timedelta(days=1))
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["agree"]


def test_a_ballot_before_opening_is_refused(world, vote):
    with pytest.raises(ApplicationError, match="尚未开始"):
        enter(world, vote, "A1a-c-p-b1-1", "agree", now=OPENS - datetime.timedelta(seconds=1))
    assert not Ballot.objects.exists()


def test_a_ballot_for_another_compounds_unit_is_refused(world, vote):
    # A1b-c-p belongs to another community; the vote is A1a-c-p's.
    with pytest.raises(ApplicationError, match="不属于本次表决的小区") as refused:
        enter(world, vote, "A1b-c-p-b1-1", "agree")
    assert refused.value.fields == ("household",)
    assert not Ballot.objects.exists()


def test_a_paper_ballot_needs_its_number(world, vote):
    with pytest.raises(ApplicationError, match="选票编号"):
        enter(world, vote, "A1a-c-p-b1-1", "agree", ballot_no="  ")


def test_the_count_reads_the_register_owner_keys_and_developer_units(world, vote):
    # The register: b1-1 and b1-2 have one owner (same ID card); b2-1 and b2-2 80 m² each;
    # plus two developer-held units of 100 m². Total 520 m², owners: 1 + 2 + developer = 4.
    key = owner_key_for(id_number="610202198001011234")
    for unit in ("A1a-c-p-b1-1", "A1a-c-p-b1-2"):
        community_services.household_update(household=world.households[unit], owner_key=key)
    building = world.buildings["A1a-c-p-b2"]
    for room in ("201", "202"):
        community_services.household_create(building=building, room=room,
                                            floor_area=Decimal("100"), owner_name="开发商",
                                            developer_held=True)
    enter(world, vote, "A1a-c-p-b1-1", "agree")
    enter(world, vote, "A1a-c-p-b1-2", "agree", ballot_no="002")
    enter(world, vote, "A1a-c-p-b2-1", "abstain", ballot_no="003")
    # Took part: 240 m² of 520 (< 2/3 = 346.7) and 2 owners of 4 (< 2.67) → no quorum.
    result = services.owner_vote_result(vote=vote)
    assert (result.total_area, result.total_owners) == (Decimal("520"), 4)
    assert (result.participating_area, result.participating_owners) == (Decimal("240"), 2)
    assert (result.agreeing_area, result.agreeing_owners) == (Decimal("160"), 1)
    assert not result.quorum_met and not result.passed


def test_the_owner_key_is_the_same_for_one_person_and_stores_no_id_number():
    assert owner_key_for(id_number="61020219800101123x") == owner_key_for(
        id_number=" 61020219800101123X")
    assert "610202" not in owner_key_for(id_number="61020219800101123X")
    assert owner_key_for(name="张 三", phone="+8613800000001") == owner_key_for(
        name="张三", phone="13800000001")
    assert owner_key_for(name="张三") == ""


def test_an_owner_votes_online_with_the_code_texted_to_the_registered_phone(world, vote,
                                                                            settings):
    settings.STAFF_SMS_BACKEND = "core.sms.MemorySms"
    sms.sent.clear()
    household = world.households["A1a-c-p-b1-1"]
    services.ballot_code_send(vote=vote, household=household, now=DURING)
    phone, message = sms.sent[-1]
    assert phone == household.phone
    code = sent_code(message)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(ApplicationError, match="验证码不正确"):
        services.ballot_cast_online(vote=vote, household=household, code=wrong,
                                    choice="agree", now=DURING)
    ballot = services.ballot_cast_online(vote=vote, household=household, code=code,
                                         choice="agree", now=DURING)
    assert (ballot.channel, ballot.recorded_by, ballot.ballot_no) == ("online", None, "")
    # The code is used up.
    with pytest.raises(ApplicationError, match="验证码已失效"):
        services.ballot_cast_online(vote=vote, household=household, code=code,
                                    choice="disagree", now=DURING)


def test_a_code_is_not_sent_twice_within_a_minute_nor_to_a_unit_without_a_mobile(world, vote,
                                                                                 settings):
    settings.STAFF_SMS_BACKEND = "core.sms.MemorySms"
    household = world.households["A1a-c-p-b1-2"]
    services.ballot_code_send(vote=vote, household=household, now=DURING)
    with pytest.raises(ApplicationError) as refused:
        services.ballot_code_send(vote=vote, household=household, now=DURING)
    assert refused.value.status_code == 429
    no_phone = community_services.household_create(
        building=world.buildings["A1a-c-p-b1"], room="301", floor_area=Decimal("60"),
        owner_name="王五")
    with pytest.raises(ApplicationError, match="没有登记手机号码"):
        services.ballot_code_send(vote=vote, household=no_phone, now=DURING)


def test_wrong_codes_use_up_the_code_after_five_tries(world, vote, settings):
    settings.STAFF_SMS_BACKEND = "core.sms.MemorySms"
    sms.sent.clear()
    household = world.households["A1a-c-p-b2-1"]
    services.ballot_code_send(vote=vote, household=household, now=DURING)
    code = sent_code(sms.sent[-1][1])
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        with pytest.raises(ApplicationError, match="验证码不正确"):
            services.ballot_cast_online(vote=vote, household=household, code=wrong,
                                        choice="agree", now=DURING)
    with pytest.raises(ApplicationError, match="验证码已失效"):
        services.ballot_cast_online(vote=vote, household=household, code=code,
                                    choice="agree", now=DURING)
    assert not Ballot.objects.exists()


def test_a_passed_firm_vote_is_linked_to_the_contract_that_followed(world, vote):
    for i, unit in enumerate(("A1a-c-p-b1-1", "A1a-c-p-b1-2", "A1a-c-p-b2-1")):
        enter(world, vote, unit, "agree", ballot_no=f"00{i}")
    # 3 of 4 units (240 of 320 m², 3 of 4 owners) took part and agreed → passed.
    contract = property_services.contract_start(
        compound=world.compounds["A1a-c-p"], firm=None, mode="community_led",
        start_date=datetime.date(2026, 4, 1), fee_standard=Decimal("0.30"),
    )
    with pytest.raises(ApplicationError, match="已截止并通过"):
        services.owner_vote_link_contract(actor=world.users["community_staff"], vote=vote,
                                          contract=contract, now=DURING)
    after = CLOSES + datetime.timedelta(days=1)
    linked = services.owner_vote_link_contract(actor=world.users["community_staff"],
                                               vote=vote, contract=contract, now=after)
    assert linked.contract == contract
