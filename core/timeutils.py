"""Local time of the portal (DESIGN §3: Asia/Shanghai; a month is a calendar month there)."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local(moment: datetime) -> datetime:
    """An aware datetime in the portal's zone."""
    return timezone.localtime(moment, local_zone())


def local_now(now: datetime | None = None) -> datetime:
    return local(now or timezone.now())


def local_today(now: datetime | None = None) -> date:
    return local_now(now).date()


def start_of_day(day: date) -> datetime:
    """00:00:00 local of ``day`` as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=local_zone())


def month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def month_of(moment: date | datetime) -> date:
    """The first day of the local calendar month of a date or an aware datetime."""
    if isinstance(moment, datetime):
        moment = local(moment).date()
    return moment.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def previous_month(day: date) -> date:
    """The first day of the month before ``day``'s."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return next_month(day) - timedelta(days=1)


def months_from(first: date, count: int) -> list[date]:
    """``count`` consecutive month starts, the first being ``first``'s month."""
    months = [month_of(first)]
    for _ in range(count - 1):
        months.append(next_month(months[-1]))
    return months[:count]


def recent_months(count: int, today: date | None = None) -> list[date]:
    """The last ``count`` months, oldest first, ending with the current (local) month."""
    months = [month_of(today or local_today())]
    for _ in range(count - 1):
        months.append(previous_month(months[-1]))
    return list(reversed(months))


def months_ended(year: int, now: datetime | None = None) -> list[int]:
    """The numbers of the months of ``year`` that have ended, in local time."""
    current = local_today(now)
    if year < current.year:
        return list(range(1, 13))
    if year > current.year:
        return []
    return list(range(1, current.month))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """[start, end) of a calendar month, local, as aware datetimes."""
    first = date(year, month, 1)
    return start_of_day(first), start_of_day(next_month(first))


def days(start: date, end: date):
    """Every date from ``start`` to ``end`` inclusive."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


# The official calendar's listed days of a year ({date: is working}), or None for a year
# not imported; supplied by the app that keeps the calendar (communities.official_calendar)
# so that this module imports no app.
_listed_days: Callable[[int], dict[date, bool] | None] | None = None


def set_calendar_source(source: Callable[[int], dict[date, bool] | None]) -> None:
    global _listed_days
    _listed_days = source


def is_working_day(day: date) -> bool:
    """The official Chinese calendar (holidays and make-up working days, kept as data by
    ``communities.official_calendar``): a listed day is what the list says, any other
    day (and every day of a year not imported) follows Monday to Friday."""
    listed = _listed_days(day.year) if _listed_days is not None else None
    if listed and day in listed:
        return listed[day]
    return day.weekday() < 5
