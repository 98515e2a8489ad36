"""Deadlines fixed at receipt: hours wall-clock; working days on the Chinese calendar
(holidays and make-up days), Monday–Friday for a year the calendar does not know."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from complaints.deadlines import add_working_days, is_working_day, resolve_deadline

from .conftest import make_complaint

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def test_national_day_2026_holiday_and_make_up_saturday_are_counted():
    # Wed 30 Sep 2026, 3 working days: 1–7 Oct are holidays, Thu 8 and Fri 9 Oct work,
    # Sat 10 Oct is a make-up working day.
    received = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=TZ)
    assert not is_working_day(datetime.date(2026, 10, 5))
    assert is_working_day(datetime.date(2026, 10, 10))
    assert resolve_deadline(received_at=received, working_days=3) == datetime.datetime(
        2026, 10, 10, 23, 59, 59, tzinfo=TZ
    )


def test_mid_autumn_friday_2026_is_not_a_working_day():
    assert not is_working_day(datetime.date(2026, 9, 25))
    assert add_working_days(datetime.date(2026, 9, 24), 1) == datetime.date(2026, 9, 28)


def test_a_year_the_calendar_does_not_know_falls_back_to_weekdays():
    # Fri 1 Jan 2027: the package has no 2027 data; Mon–Fri count.
    received = datetime.datetime(2027, 1, 1, 9, 0, tzinfo=TZ)
    assert resolve_deadline(received_at=received, working_days=3) == datetime.datetime(
        2027, 1, 6, 23, 59, 59, tzinfo=TZ
    )


def test_receipt_late_at_night_counts_from_the_local_day():
    # 23:30 in Shanghai is 15:30 UTC the same day; 00:30 local is the previous UTC day.
    received = datetime.datetime(2026, 11, 23, 16, 30, tzinfo=datetime.UTC)  # Tue 00:30
    assert resolve_deadline(received_at=received, working_days=1) == datetime.datetime(
        2026, 11, 25, 23, 59, 59, tzinfo=TZ
    )


@pytest.mark.django_db
def test_complaint_deadlines_are_fixed_at_receipt(cw):
    received = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=TZ)
    complaint = make_complaint(cw, received_at=received)  # elevator: 2 h, 2 working days
    assert complaint.response_deadline == received + datetime.timedelta(hours=2)
    assert complaint.resolve_deadline == datetime.datetime(2026, 10, 9, 23, 59, 59, tzinfo=TZ)
    category = cw.categories["elevator"]
    category.days_to_resolve = 10
    category.save()
    complaint.refresh_from_db()
    assert complaint.resolve_deadline == datetime.datetime(2026, 10, 9, 23, 59, 59, tzinfo=TZ)
