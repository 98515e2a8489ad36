"""/api/v1/owner-votes/: open a vote, enter paper ballots, read the count — scoped, with
structured errors and nothing changed on refusal."""

import datetime

import pytest
from django.utils import timezone

from properties.owner_votes import services
from properties.owner_votes.models import Ballot, OwnerVote
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/owner-votes/"


@pytest.fixture
def open_vote(world):
    # Open around the wall clock: the API records ballots "now".
    now = timezone.now()
    return services.owner_vote_create(
        actor=world.users["community_staff"], compound=world.compounds["A1a-c-p"],
        kind="fund_raise", motion="续筹专项维修资金", opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
    )


def test_community_staff_open_a_vote(client, world):
    client.force_login(world.users["community_staff"])
    response = client.post(URL, {
        "compound": world.compounds["A1a-c-p"].pk, "kind": "firm", "motion": "选聘物业",
        "opens_at": "2026-03-01T09:00:00+08:00", "closes_at": "2026-03-15T18:00:00+08:00",
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    vote = OwnerVote.objects.get()
    assert response.json()["id"] == vote.pk and vote.kind == "firm"


def test_a_compound_outside_the_area_is_refused_with_the_error_shape(client, world):
    client.force_login(world.users["community_staff"])
    response = client.post(URL, {
        "compound": world.compounds["B1a-c-p"].pk, "kind": "firm", "motion": "m",
        "opens_at": "2026-03-01T09:00:00+08:00", "closes_at": "2026-03-15T18:00:00+08:00",
    }, content_type="application/json")
    assert response.status_code == 400
    assert "compound" in response.json()["error"]["fields"]
    assert not OwnerVote.objects.exists()


def test_street_staff_read_but_cannot_open_a_vote(client, world, open_vote):
    client.force_login(world.users["street_staff"])
    assert client.get(URL).json()["count"] == 1
    response = client.post(URL, {
        "compound": world.compounds["A1a-c-p"].pk, "kind": "firm", "motion": "m",
        "opens_at": "2026-03-01T09:00:00+08:00", "closes_at": "2026-03-15T18:00:00+08:00",
    }, content_type="application/json")
    assert response.status_code == 403
    assert OwnerVote.objects.count() == 1


def test_paper_ballots_and_the_result(client, world, open_vote):
    client.force_login(world.users["community_staff"])
    url = f"{URL}{open_vote.pk}/ballots/"
    for i, (unit, choice) in enumerate([("A1a-c-p-b1-1", "agree"), ("A1a-c-p-b1-2", "agree"),
                                        ("A1a-c-p-b2-1", "agree"),
                                        ("A1a-c-p-b2-2", "disagree")]):
        response = client.post(url, {"household": world.households[unit].pk,
                                     "choice": choice, "ballot_no": f"2026-{i:03d}"},
                               content_type="application/json")
        assert response.status_code == 201, response.content
    # Four units of 80 m², four owners, all vote; three agree: 240 = 3/4 × 320 and 3 of 4
    # heads — exactly three quarters, which raises the fund.
    body = client.get(f"{URL}{open_vote.pk}/result/").json()
    assert body == {
        "total_area": "320.00", "total_owners": 4, "participating_area": "320.00",
        "participating_owners": 4, "agreeing_area": "240.00", "agreeing_owners": 3,
        "quorum_area_met": True, "quorum_owners_met": True, "quorum_met": True,
        "agreement_area_met": True, "agreement_owners_met": True, "passed": True,
    }


def test_a_ballot_for_a_unit_of_another_compound_is_refused(client, world, open_vote):
    # A1b-c-p is another compound (the superuser sees every unit).
    client.force_login(world.users["superuser"])
    response = client.post(f"{URL}{open_vote.pk}/ballots/", {
        "household": world.households["A1b-c-p-b1-1"].pk, "choice": "agree", "ballot_no": "1",
    }, content_type="application/json")
    assert response.status_code == 400
    assert "不属于本次表决的小区" in response.json()["error"]["message"]
    assert not Ballot.objects.exists()


def test_a_ballot_for_a_unit_outside_the_area_is_refused(client, world, open_vote):
    client.force_login(world.users["community_staff"])
    response = client.post(f"{URL}{open_vote.pk}/ballots/", {
        "household": world.households["B1a-c-p-b1-1"].pk, "choice": "agree", "ballot_no": "1",
    }, content_type="application/json")
    assert response.status_code == 400
    assert not Ballot.objects.exists()


def test_street_staff_cannot_enter_ballots(client, world, open_vote):
    client.force_login(world.users["street_staff"])
    response = client.post(f"{URL}{open_vote.pk}/ballots/", {
        "household": world.households["A1a-c-p-b1-1"].pk, "choice": "agree", "ballot_no": "1",
    }, content_type="application/json")
    assert response.status_code == 403
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("suffix", ["", "result/", "ballots/"])
def test_a_vote_outside_the_area_is_404(client, world, open_vote, suffix):
    other = staff_user("district_b1", "district_official", world.districts["B1"])
    client.force_login(other)
    url = f"{URL}{open_vote.pk}/{suffix}"
    response = (client.post(url, {}, content_type="application/json") if suffix == "ballots/"
                else client.get(url))
    assert response.status_code in (403, 404)
    if suffix != "ballots/":
        assert response.status_code == 404
    assert client.get(URL).json()["count"] == 0


def test_grid_workers_see_no_vote(client, world, open_vote):
    client.force_login(world.users["grid_worker"])
    response = client.get(URL)
    assert response.status_code == 403 or response.json()["count"] == 0
