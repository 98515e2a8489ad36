"""一日两巡: each vulnerable resident is visited in the morning (00:00–11:59:59) and the
afternoon (12:00–23:59:59) local time; a half-day without a visit, once it is over, is
flagged and counted."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from communities import selectors, services
from communities.models import HalfDay, PatrolVisit, VulnerableGroup, VulnerableResident
from core.errors import ApplicationError
from core.timeutils import local_zone

pytestmark = pytest.mark.django_db

AM, PM = HalfDay.MORNING, HalfDay.AFTERNOON


def local(day, hour=0, minute=0, second=0):
    return datetime.combine(day, time(hour, minute, second), tzinfo=local_zone())


@pytest.fixture
def resident(world):
    return services.vulnerable_resident_create(
        grid=world.grids["A1a-c-g"], name="王秀英", phone="13800001234",
        address="A1a-c-p 1号楼1单元101", group=VulnerableGroup.ELDERLY_ALONE,
        registered_on=date(2025, 3, 1),
    )


def _visit(resident, at):
    visit = PatrolVisit(resident=resident, visited_at=at, visitor_name="网格员")
    visit.visit_date, visit.half_day = services.local_half_day(at)
    visit.save()
    return visit


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (local(date(2025, 3, 10), 11, 59, 59), (date(2025, 3, 10), AM)),
        (local(date(2025, 3, 10), 12, 0, 0), (date(2025, 3, 10), PM)),
        (local(date(2025, 3, 10), 23, 59, 59), (date(2025, 3, 10), PM)),
        (local(date(2025, 3, 11), 0, 0, 0), (date(2025, 3, 11), AM)),
    ],
)
def test_half_day_of_a_visit_is_local_time(at, expected):
    assert services.local_half_day(at) == expected


def test_the_same_instants_in_utc(resident):
    # 03:59:59 UTC = 11:59:59 Shanghai (morning); 04:00:00 UTC = 12:00 (afternoon);
    # 15:59:59 UTC = 23:59:59 (afternoon); 16:00:00 UTC = 00:00 the next day (morning).
    assert services.local_half_day(datetime(2025, 3, 10, 3, 59, 59, tzinfo=UTC)) == (
        date(2025, 3, 10), AM)
    assert services.local_half_day(datetime(2025, 3, 10, 4, 0, 0, tzinfo=UTC)) == (
        date(2025, 3, 10), PM)
    assert services.local_half_day(datetime(2025, 3, 10, 15, 59, 59, tzinfo=UTC)) == (
        date(2025, 3, 10), PM)
    assert services.local_half_day(datetime(2025, 3, 10, 16, 0, 0, tzinfo=UTC)) == (
        date(2025, 3, 11), AM)


def _missed(world, start, end, now):
    return [
        (m["date"], m["half_day"])
        for m in selectors.missed_patrol_half_days(
            user=world.users["community_staff"], start=start, end=end, now=now
        )
    ]


def test_visits_at_the_edges_cover_exactly_their_half_days(world, resident):
    day = date(2025, 3, 10)
    _visit(resident, local(day, 11, 59, 59))           # morning of the 10th
    _visit(resident, local(day, 23, 59, 59))           # afternoon of the 10th
    _visit(resident, local(day + timedelta(1), 0, 0))  # morning of the 11th
    now = local(day + timedelta(2), 8)
    assert _missed(world, day, day + timedelta(1), now) == [(day + timedelta(1), PM)]


def test_a_visit_at_noon_is_the_afternoon_not_the_morning(world, resident):
    day = date(2025, 3, 10)
    _visit(resident, local(day, 12, 0, 0))
    assert _missed(world, day, day, local(day + timedelta(1), 9)) == [(day, AM)]


def test_only_half_days_that_are_over_are_missed(world, resident):
    day = date(2025, 3, 10)
    assert _missed(world, day, day, local(day, 11, 59, 59)) == []
    assert _missed(world, day, day, local(day, 12, 0, 0)) == [(day, AM)]
    # At 15:00 the afternoon is still running.
    assert _missed(world, day, day, local(day, 15, 0, 0)) == [(day, AM)]
    assert _missed(world, day, day, local(day, 23, 59, 59)) == [(day, AM)]
    assert sorted(_missed(world, day, day, local(day + timedelta(1), 0, 0, 0))) == [
        (day, AM), (day, PM)]


def test_counts_match_the_list_and_respect_registration(world, resident):
    start, end = date(2025, 2, 25), date(2025, 3, 4)   # registered on 1 March
    _visit(resident, local(date(2025, 3, 2), 9))
    _visit(resident, local(date(2025, 3, 2), 10))        # twice in one morning counts once
    _visit(resident, local(date(2025, 3, 3), 16))
    now = local(date(2025, 3, 4), 13)                    # the 4th: only the morning is over
    listed = _missed(world, start, end, now)
    assert len(listed) == 4 * 2 - 1 - 2 + 0  # 1st–3rd: 6 half-days, 4th: morning; 2 visited
    counts = selectors.missed_patrol_counts(
        residents=VulnerableResident.objects.all(), start=start, end=end, now=now
    )
    community = world.communities["A1a-c"].pk
    assert counts == {community: {"due": 7, "visited": 2, "missed": 5}}
    assert len(listed) == counts[community]["missed"]


def test_resident_who_left_is_not_due_afterwards(world, resident):
    VulnerableResident.objects.filter(pk=resident.pk).update(left_on=date(2025, 3, 1))
    assert _missed(world, date(2025, 3, 1), date(2025, 3, 5), local(date(2025, 3, 6))) == [
        (date(2025, 3, 1), PM), (date(2025, 3, 1), AM)]


def test_recording_rules(world, resident):
    user = world.users["grid_worker"]
    visit = services.patrol_visit_record(actor=user, resident=resident,
                                         visited_at=local(date(2025, 3, 10), 12, 0, 0),
                                         visitor_name="网格员")
    assert (visit.visit_date, visit.half_day) == (date(2025, 3, 10), PM)
    with pytest.raises(ApplicationError):
        services.patrol_visit_record(actor=user, resident=resident,
                                     visited_at=local(date(2099, 1, 1), 9),
                                     visitor_name="x")
    with pytest.raises(ApplicationError):
        services.patrol_visit_record(actor=user, resident=resident,
                                     visited_at=local(date(2025, 2, 1), 9), visitor_name="x")
    with pytest.raises(ApplicationError):
        services.patrol_visit_record(actor=world.users["street_staff"], resident=resident,
                                     visited_at=local(date(2025, 3, 10), 9), visitor_name="x")
    assert PatrolVisit.objects.count() == 1


def test_community_page_flags_and_counts_missed_half_days(client, world, resident):
    client.force_login(world.users["community_staff"])
    response = client.get(reverse("patrols"))
    assert response.status_code == 200
    assert response.context["missed_count"] > 0
    body = response.content.decode()
    assert 'id="missed-patrols"' in body and "漏巡" in body


def test_grid_worker_records_a_visit_on_the_page(client, world, resident):
    client.force_login(world.users["grid_worker"])
    response = client.post(reverse("patrols"), {
        "resident": resident.pk, "visited_at": "2025-03-10T11:59:59", "visitor_name": "网格员",
    })
    assert response.status_code == 302
    visit = PatrolVisit.objects.get()
    assert (visit.visit_date, visit.half_day) == (date(2025, 3, 10), AM)
    response = client.post(reverse("patrols"), {
        "resident": resident.pk, "visited_at": "2099-03-10T09:00", "visitor_name": "网格员",
    })
    assert response.status_code == 400
    assert "不能登记未来时间的巡访。" in response.content.decode()
    assert PatrolVisit.objects.count() == 1
