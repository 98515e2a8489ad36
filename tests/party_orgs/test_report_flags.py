"""Work ledger: a past working day without a daily report and an ended week without a
weekly summary are flagged for approved points; holidays and weekends are not."""

from datetime import date, timedelta

import pytest

from core.errors import ApplicationError, ConflictError
from party_orgs import selectors, services
from party_orgs.models import DemonstrationPoint, PointStatus, ReportKind, WorkReport
from tests.party_orgs.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(world, committees):
    point = services.demonstration_point_apply(
        actor=world.users["community_staff"], organization=committees["A1a-c"], name="示范点",
        year=2026, goals="g", cadre=world.users["street_staff"],
    )
    DemonstrationPoint.objects.filter(pk=point.pk).update(
        status=PointStatus.APPROVED, approved_on=date(2026, 9, 28)
    )
    point.refresh_from_db()
    return point


def _report(point, kind, day):
    WorkReport.objects.create(point=point, kind=kind, period_start=day, content="x",
                              author=point.cadre)


def _missing(world, start, now):
    return [
        (m["kind"], m["period"])
        for m in selectors.missing_reports(user=world.users["community_staff"], start=start,
                                           now=now)
    ]


def test_missing_daily_reports_skip_holidays_and_make_up_days(world, approved):
    # 2026-09-28 (Mon) … 2026-10-11 (Sun): 1–7 October is the National Day holiday,
    # 2026-10-10 (Sat) is a make-up working day on the official calendar.
    for day in (date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30)):
        _report(approved, ReportKind.DAILY, day)
    _report(approved, ReportKind.WEEKLY, date(2026, 9, 28))
    _report(approved, ReportKind.WEEKLY, date(2026, 10, 5))
    missing = _missing(world, date(2026, 9, 28), local(2026, 10, 12, 8))
    daily = sorted(p for k, p in missing if k == ReportKind.DAILY)
    expected = [d for d in (date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10))
                if selectors.is_working_day(d)]
    assert daily == expected
    assert date(2026, 10, 10) in expected or not selectors.is_working_day(date(2026, 10, 10))
    assert [p for k, p in missing if k == ReportKind.WEEKLY] == []


def test_today_is_not_missing_yet_but_yesterday_is(world, approved):
    today = date(2026, 11, 24)  # a Tuesday
    missing = _missing(world, today - timedelta(days=1), local(2026, 11, 24, 23, 59, 59))
    assert (ReportKind.DAILY, date(2026, 11, 23)) in missing
    assert (ReportKind.DAILY, today) not in missing
    # At midnight the Tuesday is over.
    missing = _missing(world, today - timedelta(days=1), local(2026, 11, 25, 0, 0, 0))
    assert (ReportKind.DAILY, today) in missing


def test_weekly_summary_is_missing_once_the_week_is_over(world, approved):
    monday = date(2026, 11, 16)
    for offset in range(5):
        _report(approved, ReportKind.DAILY, monday + timedelta(days=offset))
    # Sunday 23:59:59: the week is not over.
    missing = _missing(world, monday, local(2026, 11, 22, 23, 59, 59))
    assert (ReportKind.WEEKLY, monday) not in missing
    missing = _missing(world, monday, local(2026, 11, 23, 0, 0, 0))
    assert (ReportKind.WEEKLY, monday) in missing
    _report(approved, ReportKind.WEEKLY, monday)
    assert _missing(world, monday, local(2026, 11, 23, 0, 0, 0)) == []


def test_points_not_yet_approved_have_no_ledger(world, committees):
    services.demonstration_point_apply(
        actor=world.users["community_staff"], organization=committees["A1a-c"], name="待审",
        year=2026, goals="g",
    )
    assert _missing(world, date(2026, 11, 2), local(2026, 11, 20)) == []


def test_reports_are_filed_by_the_cadre_or_community_staff_once(world, approved):
    services.work_report_submit(actor=world.users["street_staff"], point=approved,
                                kind=ReportKind.WEEKLY, period_start=date(2026, 10, 14),
                                content="周总结")
    # A weekly summary is filed for the week's Monday.
    assert WorkReport.objects.get().period_start == date(2026, 10, 12)
    with pytest.raises(ConflictError):
        services.work_report_submit(actor=world.users["community_staff"], point=approved,
                                    kind=ReportKind.WEEKLY, period_start=date(2026, 10, 16),
                                    content="again")
    with pytest.raises(ApplicationError):
        services.work_report_submit(actor=world.users["district_official"], point=approved,
                                    kind=ReportKind.DAILY, period_start=date(2026, 10, 14),
                                    content="not the cadre")
    with pytest.raises(ApplicationError):
        services.work_report_submit(actor=world.users["community_staff"], point=approved,
                                    kind=ReportKind.DAILY, period_start=date(2099, 1, 1),
                                    content="future")
