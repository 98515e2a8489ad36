"""A month is a calendar month in Asia/Shanghai: the one set of month helpers."""

from datetime import UTC, date, datetime

from core.timeutils import (
    month_bounds,
    month_end,
    month_of,
    months_ended,
    months_from,
    next_month,
    previous_month,
    recent_months,
)


def test_the_month_of_a_moment_is_the_local_month():
    # 2026-11-30 16:30 UTC is 2026-12-01 00:30 in Shanghai.
    assert month_of(datetime(2026, 11, 30, 16, 30, tzinfo=UTC)) == date(2026, 12, 1)
    assert month_of(date(2026, 2, 17)) == date(2026, 2, 1)


def test_months_step_across_the_year_end():
    assert next_month(date(2025, 12, 31)) == date(2026, 1, 1)
    assert previous_month(date(2026, 1, 15)) == date(2025, 12, 1)
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)
    assert month_end(date(2025, 12, 1)) == date(2025, 12, 31)


def test_month_lists():
    assert months_from(date(2025, 11, 20), 3) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1),
    ]
    assert recent_months(3, today=date(2026, 1, 31)) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1),
    ]


def test_months_ended_in_a_year():
    now = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)  # 1 April 00:30 in Shanghai
    assert months_ended(2026, now) == [1, 2, 3]
    assert months_ended(2025, now) == list(range(1, 13))
    assert months_ended(2027, now) == []


def test_month_bounds_are_local_midnights():
    start, end = month_bounds(2026, 12)
    assert (start.isoformat(), end.isoformat()) == (
        "2026-12-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00",
    )
