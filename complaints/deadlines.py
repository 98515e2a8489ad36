"""Time limits of a complaint, fixed when it is received (DESIGN §5).

The response deadline is the time of receipt plus the category's hours (wall-clock).
The resolve deadline is 23:59:59 local time of the N-th working day after the day of
receipt, counted on the official calendar (``communities.official_calendar``: the
holidays and make-up working days imported each year). A deadline that crosses a year
not imported yet is counted Monday to Friday and marked provisional; importing the year
recomputes the resolve deadlines of the open complaints that depend on it
(``complaint_deadlines_recompute``, audited).
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from communities.audit import record
from communities.models import AuditAction
from communities.official_calendar import calendar_changed, year_imported
from core.timeutils import is_working_day

from .models import OPEN_STATUSES, Complaint

__all__ = ["add_working_days", "complaint_deadlines_recompute", "deadline_is_provisional",
           "deadlines_for", "is_working_day", "resolve_deadline", "response_deadline"]


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


def deadline_is_provisional(*, received_at: datetime.datetime,
                            resolve_by: datetime.datetime) -> bool:
    """Was a working day between receipt and the resolve deadline counted on a year whose
    official calendar has not been imported?"""
    zone = local_zone()
    first = timezone.localtime(received_at, zone).year
    last = timezone.localtime(resolve_by, zone).year
    return any(not year_imported(year) for year in range(first, last + 1))


def deadlines_for(*, category, received_at: datetime.datetime):
    """(response deadline, resolve deadline) of a complaint of ``category``."""
    return (
        response_deadline(received_at=received_at, hours=category.hours_to_respond),
        resolve_deadline(received_at=received_at, working_days=category.days_to_resolve),
    )


@transaction.atomic
def complaint_deadlines_recompute(*, years, actor=None) -> int:
    """The official calendar of ``years`` changed: count again the resolve deadline of
    every open complaint whose count crosses one of them (or was provisional), on the
    calendar now in force, with its category's working days. One audit event per moved
    deadline (old → new). Returns how many deadlines moved."""
    years = sorted(set(years))
    if not years:
        return 0
    zone = local_zone()
    touches = Q(deadline_provisional=True)
    for year in years:
        start = datetime.datetime(year, 1, 1, tzinfo=zone)
        end = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
        # The count runs from the day after receipt to the deadline's day.
        touches |= Q(received_at__lt=end, resolve_deadline__gte=start)
    moved = 0
    complaints = (Complaint.objects.select_for_update(of=("self",))
                  .select_related("category").filter(touches, status__in=OPEN_STATUSES)
                  .order_by("pk"))
    for complaint in complaints:
        new = resolve_deadline(received_at=complaint.received_at,
                               working_days=complaint.category.days_to_resolve)
        provisional = deadline_is_provisional(received_at=complaint.received_at,
                                              resolve_by=new)
        if new == complaint.resolve_deadline and provisional == complaint.deadline_provisional:
            continue
        old = complaint.resolve_deadline
        Complaint.objects.filter(pk=complaint.pk).update(
            resolve_deadline=new, deadline_provisional=provisional,
            version=complaint.version + 1, updated_at=timezone.now(),
        )
        record(action=AuditAction.DEADLINES_RECOMPUTED, obj=complaint, actor=actor,
               changes={"resolve_deadline": [old, new],
                        "deadline_provisional": [complaint.deadline_provisional, provisional],
                        "years": ",".join(map(str, years))})
        moved += 1
    return moved


@receiver(calendar_changed, dispatch_uid="complaints-recompute-deadlines")
def _follow_the_calendar(sender, *, years, actor=None, **kwargs):
    complaint_deadlines_recompute(years=years, actor=actor)
