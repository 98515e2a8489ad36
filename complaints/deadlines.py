"""Time limits of a complaint, fixed when it is received (DESIGN §5).

The response deadline is the time of receipt plus the category's hours (wall-clock).
The resolve deadline is 23:59:59 local time of the N-th working day after the day of
receipt, counted on the official Chinese calendar (holidays and make-up working days)
from the ``chinesecalendar`` package; for a year it does not cover yet, Monday to
Friday are working days.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from core.timeutils import is_working_day

__all__ = ["add_working_days", "deadlines_for", "is_working_day", "resolve_deadline",
           "response_deadline"]


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day after ``day`` (``day`` itself is not counted)."""
    found = 0
    while found < count:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            found += 1
    return day


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def response_deadline(*, received_at: datetime.datetime, hours: int) -> datetime.datetime:
    return received_at + datetime.timedelta(hours=hours)


def resolve_deadline(*, received_at: datetime.datetime, working_days: int) -> datetime.datetime:
    zone = local_zone()
    receipt_day = timezone.localtime(received_at, zone).date()
    last_day = add_working_days(receipt_day, working_days)
    return datetime.datetime.combine(last_day, datetime.time(23, 59, 59), tzinfo=zone)


def deadlines_for(*, category, received_at: datetime.datetime):
    """(response deadline, resolve deadline) of a complaint of ``category``."""
    return (
        response_deadline(received_at=received_at, hours=category.hours_to_respond),
        resolve_deadline(received_at=received_at, working_days=category.days_to_resolve),
    )
