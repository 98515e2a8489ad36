"""The pages of owners' votes: the notice board announces votes and publishes results,
the resident votes online with a code, staff export the ledger and use the admin — each
within its scope."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communities.models import StaffRole
from core import sms
from properties import services as property_services
from properties.owner_votes import services
from properties.owner_votes.models import Ballot, OwnerVote
from tests.factories import staff_user
from tests.properties.conftest import valid_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_codes():
    """One-time codes live in the (per-process) cache: none left over from another test."""
    cache.clear()



def make_vote(world, *, closed: bool, kind="firm", motion="选聘国有物业企业"):
    now = timezone.now()
    opens = now - datetime.timedelta(days=40 if closed else 1)
    closes = now - datetime.timedelta(days=10) if closed else now + datetime.timedelta(days=10)
    return services.owner_vote_create(actor=world.users["community_staff"],
                                      compound=world.compounds["A1a-c-p"], kind=kind,
                                      motion=motion, opens_at=opens, closes_at=closes)


@pytest.fixture
def closed_vote(world):
    vote = make_vote(world, closed=True)
    during = vote.opens_at + datetime.timedelta(days=1)
    for i, (unit, choice) in enumerate([("A1a-c-p-b1-1", "agree"), ("A1a-c-p-b1-2", "agree"),
                                        ("A1a-c-p-b2-1", "abstain")]):
        services.ballot_enter_paper(actor=world.users["community_staff"], vote=vote,
                                    household=world.households[unit], choice=choice,
                                    ballot_no=f"{i + 1:03d}", now=during)
    return vote


def test_the_notice_board_shows_open_votes_and_closed_results(client, world, closed_vote):
    make_vote(world, closed=False, motion="续筹维修资金议案")
    response = client.get(reverse("compound-notices", args=[world.compounds["A1a-c-p"].pk]))
    html = response.content.decode()
    assert "业主表决" in html
    assert "续筹维修资金议案" in html and "在线投票" in html
    # Closed: 3 of 4 units (240 of 320 m²) took part, 2 agreed (160 m²) → passed.
    assert "选聘国有物业企业" in html and "已通过" in html
    assert "240.00" in html and "160.00" in html
    # Another compound's board shows none of it.
    other = client.get(reverse("compound-notices", args=[world.compounds["B1a-c-p"].pk]))
    assert "选聘国有物业企业" not in other.content.decode()


def test_the_ballot_page_of_a_vote_of_another_compound_is_404(client, world, closed_vote):
    url = reverse("owner-vote-ballot", args=[world.compounds["B1a-c-p"].pk, closed_vote.pk])
    assert client.get(url).status_code == 404


def test_a_resident_votes_online_with_a_code(client, world, settings):
    settings.STAFF_SMS_BACKEND = "core.sms.MemorySms"
    sms.sent.clear()
    vote = make_vote(world, closed=False)
    household = world.households["A1a-c-p-b2-1"]
    url = reverse("owner-vote-ballot", args=[vote.compound_id, vote.pk])
    unit = {"building": household.building_id, "unit": "", "room": household.room}
    response = client.post(url, {**unit, "step": "code"})
    assert response.status_code == 200
    assert "138****" in response.content.decode()
    code = re.search(r"(?<!\d)\d{6}(?!\d)", sms.sent[-1][1]).group(0)
    response = client.post(url, {**unit, "step": "cast", "choice": "disagree", "code": code})
    assert response.status_code == 302
    assert Ballot.objects.get().choice == "disagree"


def test_a_wrong_room_or_code_is_shown_on_the_form_and_nothing_is_cast(client, world):
    vote = make_vote(world, closed=False)
    url = reverse("owner-vote-ballot", args=[vote.compound_id, vote.pk])
    building = world.buildings["A1a-c-p-b1"].pk
    html = client.post(url, {"building": building, "room": "999", "step": "code"}
                       ).content.decode()
    assert "该楼栋登记中没有这个房号" in html
    html = client.post(url, {"building": building, "room": "101", "step": "cast",
                             "choice": "agree", "code": "123456"}).content.decode()
    assert "验证码已失效" in html
    assert not Ballot.objects.exists()


def test_a_closed_vote_page_shows_the_result_and_no_form(client, world, closed_vote):
    url = reverse("owner-vote-ballot", args=[closed_vote.compound_id, closed_vote.pk])
    html = client.get(url).content.decode()
    assert "已通过" in html and "发送验证码" not in html
    client.post(url, {"building": world.buildings["A1a-c-p-b2"].pk, "room": "102",
                      "step": "code"})
    assert Ballot.objects.count() == 3


def test_staff_export_the_vote_ledger(client, world, closed_vote):
    client.force_login(world.users["street_staff"])
    response = client.get(reverse("owner-vote-ledger", args=[closed_vote.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)))
                .active.iter_rows(values_only=True))
    cells = {row[0]: row[1] for row in rows if row[0]}
    assert Decimal(str(cells["参与表决面积（㎡）"])) == 240
    assert cells["通过"] == "是"
    choices = [row[3] for row in rows if row[0] and "号楼" in str(row[0])]
    assert sorted(choices) == ["同意", "同意", "弃权", "未投票"]


@pytest.mark.parametrize("who", ["district_b1", "firm"])
def test_the_ledger_outside_the_area_or_without_permission_is_refused(client, world,
                                                                     closed_vote, who):
    if who == "district_b1":
        user = staff_user("district_b1", StaffRole.DISTRICT_OFFICIAL, world.districts["B1"])
    else:
        user = world.users["grid_worker"]
    client.force_login(user)
    response = client.get(reverse("owner-vote-ledger", args=[closed_vote.pk]))
    assert response.status_code in (403, 404)


def test_the_admin_lists_only_votes_and_ballots_of_the_area(client, world, closed_vote):
    other = staff_user("community_b", StaffRole.COMMUNITY_STAFF, world.communities["B1a-c"])
    services.owner_vote_create(actor=other, compound=world.compounds["B1a-c-p"], kind="other",
                               motion="B", opens_at=closed_vote.opens_at,
                               closes_at=closed_vote.closes_at)
    client.force_login(world.users["community_staff"])
    votes = client.get(reverse("admin:properties_ownervote_changelist"))
    assert [v.motion for v in votes.context["cl"].result_list] == ["选聘国有物业企业"]
    ballots = client.get(reverse("admin:properties_ballot_changelist"))
    assert len(ballots.context["cl"].result_list) == 3
    foreign = OwnerVote.objects.get(motion="B")
    response = client.get(reverse("admin:properties_ownervote_change", args=[foreign.pk]))
    assert response.status_code in (302, 404)


def test_the_admin_opens_a_vote_through_the_service(client, world):
    client.force_login(world.users["community_staff"])
    response = client.post(reverse("admin:properties_ownervote_add"), {
        "compound": world.compounds["A1a-c-p"].pk, "kind": "statute", "motion": "修改管理规约",
        "opens_at_0": "2026-05-01", "opens_at_1": "09:00:00",
        "closes_at_0": "2026-04-01", "closes_at_1": "09:00:00",
    })
    assert response.status_code == 200
    assert "表决截止时间必须晚于开始时间" in response.content.decode()
    assert not OwnerVote.objects.exists()
    response = client.post(reverse("admin:properties_ownervote_add"), {
        "compound": world.compounds["A1a-c-p"].pk, "kind": "statute", "motion": "修改管理规约",
        "opens_at_0": "2026-05-01", "opens_at_1": "09:00:00",
        "closes_at_0": "2026-05-15", "closes_at_1": "18:00:00",
    })
    assert response.status_code == 302
    assert OwnerVote.objects.get().created_by == world.users["community_staff"]


def test_firm_staff_see_the_vote_but_never_how_units_voted(client, world, closed_vote):
    # The firm serving the compound may be the one voted on: it reads the vote and its
    # public result, not the ballots, the ledger or the ballots' admin.
    firm = property_services.firm_create(name="甲物业服务有限公司",
                                         credit_code=valid_code("91610204MA6X5A2B3"),
                                         ownership="state_owned")
    property_services.contract_start(
        compound=world.compounds["A1a-c-p"], firm=firm, mode="public_trusteeship",
        start_date=datetime.date(2026, 1, 1), fee_standard=Decimal("0.50"))
    client.force_login(staff_user("firm_staff", StaffRole.FIRM_STAFF, firm))
    assert client.get("/api/v1/owner-votes/").json()["count"] == 1
    assert client.get(f"/api/v1/owner-votes/{closed_vote.pk}/result/").json()["passed"]
    assert client.get(reverse("owner-vote-ledger", args=[closed_vote.pk])).status_code == 403
    assert client.get(reverse("admin:properties_ballot_changelist")).status_code == 403
