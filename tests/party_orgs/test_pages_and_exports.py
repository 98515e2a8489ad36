"""Staff pages need a login and show each role its scope; every ledger exports to Excel with
Chinese headers and only the user's rows; bad input never gives a 500."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from party_orgs import services
from party_orgs.models import DemonstrationPoint, FundKind, JointMeeting, MeetingKind
from tests.party_orgs.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledgers(world, committees):
    """A meeting, a point and a fund in A1a-c and in B1a-c."""
    for name in ("A1a-c", "B1a-c"):
        community = world.communities[name]
        services.joint_meeting_record(
            community=community, kind=MeetingKind.PARTY_BUILDING, held_at=local(2025, 6, 1, 9),
            title=f"{name}会议", topics="t",
            action_items=[{"description": f"{name}事项", "owner": "o",
                           "due_date": date(2025, 6, 30)}],
        )
        services.demonstration_point_apply(actor=world.users["superuser"],
                                           organization=committees[name],
                                           name=f"{name}示范点", year=2026, goals="g")
        allocation = services.fund_allocation_create(community=community, year=2026,
                                                     kind=FundKind.PARTY_BUILDING,
                                                     amount=Decimal("500"))
        services.fund_spend(allocation=allocation, amount=Decimal("100"),
                            spent_on=date(2026, 2, 1), purpose=f"{name}支出")


def _rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


@pytest.mark.parametrize("name", ["party-orgs", "party-meetings", "party-meeting-new",
                                  "party-points", "party-point-apply", "party-reports",
                                  "party-lists", "party-funds"])
def test_pages_need_login(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("role", "sees_a", "sees_b"),
    [("superuser", True, True), ("city_official", True, False),
     ("district_official", True, False), ("street_staff", True, False),
     ("community_staff", True, False)],
)
def test_pages_and_exports_show_only_the_scope(client, world, ledgers, role, sees_a, sees_b):
    client.force_login(world.users[role])
    for url, a_text, b_text in (
        (reverse("party-meetings") + "?year=2025", "A1a-c会议", "B1a-c会议"),
        (reverse("party-points"), "A1a-c示范点", "B1a-c示范点"),
        (reverse("party-funds") + "?year=2026", "A1a-c支出", "B1a-c支出"),
    ):
        body = client.get(url).content.decode()
        assert (a_text in body) == sees_a, url
        assert (b_text in body) == sees_b, url
    for slug, a_text, b_text in (("meetings", "A1a-c会议", "B1a-c会议"),
                                 ("action-items", "A1a-c事项", "B1a-c事项"),
                                 ("points", "A1a-c示范点", "B1a-c示范点"),
                                 ("funds", "A1a-c支出", "B1a-c支出")):
        cells = {str(c) for row in _rows(client.get(reverse("party-export", args=[slug])))
                 for c in row}
        assert (a_text in cells) == sees_a, slug
        assert (b_text in cells) == sees_b, slug


def test_grid_worker_and_nobody_cannot_open_the_ledgers(client, world, ledgers):
    for role in ("grid_worker", "nobody"):
        client.force_login(world.users[role])
        assert client.get(reverse("party-meetings")).status_code == 403
        assert client.get(reverse("party-export", args=["meetings"])).status_code == 403
        assert client.get(reverse("party-export", args=["nonsense"])).status_code in (403, 404)


@pytest.mark.parametrize("slug", ["organizations", "members", "meetings", "action-items",
                                  "meeting-gaps", "points", "reviews", "assessments",
                                  "reports", "missing-reports", "lists", "funds",
                                  "allocations"])
def test_every_ledger_exports_with_chinese_headers(client, world, ledgers, slug):
    client.force_login(world.users["community_staff"])
    response = client.get(reverse("party-export", args=[slug]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    header = _rows(response)[0]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in str(cell)) for cell in header), header


def test_point_detail_of_another_area_is_404(client, world, ledgers):
    foreign = DemonstrationPoint.objects.get(name="B1a-c示范点")
    client.force_login(world.users["community_staff"])
    assert client.get(reverse("party-point-detail", args=[foreign.pk])).status_code == 404
    response = client.post(reverse("party-point-review", args=[foreign.pk]),
                           {"decision": "approved"})
    assert response.status_code == 404


@pytest.mark.parametrize("bad", [{"year": "abc"}, {"year": "99999"}, {"page": "x"},
                                 {"status": "<script>"}])
def test_bad_query_input_is_harmless(client, world, ledgers, bad):
    client.force_login(world.users["district_official"])
    for name in ("party-meetings", "party-points", "party-lists", "party-funds",
                 "party-orgs", "party-reports"):
        assert client.get(reverse(name), bad).status_code == 200


def test_apply_page_submits_to_the_street(client, world, committees):
    client.force_login(world.users["community_staff"])
    response = client.post(reverse("party-point-apply"), {
        "organization": committees["A1a-c"].pk, "name": "新示范点", "year": 2026, "goals": "五有",
    })
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "待街道初审" in page
    # Another community's organisation is not a choice.
    response = client.post(reverse("party-point-apply"), {
        "organization": committees["B1a-c"].pk, "name": "越界", "year": 2026, "goals": "x",
    })
    assert response.status_code == 200

    assert not DemonstrationPoint.objects.filter(name="越界").exists()


def test_admin_changelists_are_scoped(client, world, ledgers):
    client.force_login(world.users["street_staff"])
    response = client.get(reverse("admin:party_orgs_jointmeeting_changelist"))
    assert response.status_code == 200
    assert [m.title for m in response.context["cl"].result_list] == ["A1a-c会议"]
    response = client.get(reverse("admin:party_orgs_demonstrationpoint_changelist"))
    assert [p.name for p in response.context["cl"].result_list] == ["A1a-c示范点"]

    foreign = JointMeeting.objects.get(title="B1a-c会议")
    assert client.get(reverse("admin:party_orgs_jointmeeting_change",
                              args=[foreign.pk])).status_code in (403, 404)
