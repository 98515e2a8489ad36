"""The official calendar (DESIGN §5): reading it, importing a year, editing a day.

Working days come from ``CalendarDay`` only (``core.timeutils.is_working_day`` asks
``listed_days`` below, registered in ``CommunitiesConfig.ready``). The listed days of a
year are cached (Django's cache: shared by every process on the production stack); every
change bumps a version so that no process keeps an old year. A change sends
``calendar_changed`` inside its transaction, so that the apps whose figures depend on the
calendar (complaint deadlines) follow it all-or-nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

import django.dispatch
from chinese_calendar import constants as package_calendar
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communities.audit import record
from communities.models import AuditAction, CalendarDay, CalendarDayKind
from core.errors import ApplicationError
from core.timeutils import local_today

# Sent inside the changing transaction with ``years`` (the years whose days changed)
# and ``actor``.
calendar_changed = django.dispatch.Signal()

CACHE_VERSION_KEY = "official-calendar:version"
CACHE_SECONDS = 24 * 3600
HEADER = ["date", "kind", "name"]
MAKE_UP_NAME = "调休上班"
BANNER_FROM = (11, 1)  # the banner for next year shows from 1 November


def _version() -> int:
    version = cache.get(CACHE_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(CACHE_VERSION_KEY, version, None)
    return version


def forget_cached_calendar() -> None:
    """Every process reads the calendar again (after a change, and after it commits)."""
    try:
        cache.incr(CACHE_VERSION_KEY)
    except ValueError:
        cache.set(CACHE_VERSION_KEY, 2, None)


def listed_days(year: int) -> dict[datetime.date, bool] | None:
    """{date: is a working day} of the listed days of ``year``; None if the year has not
    been imported (no listed day)."""
    key = f"official-calendar:{_version()}:{year}"
    days = cache.get(key)
    if days is None:
        days = {
            day: kind == CalendarDayKind.WORKDAY
            for day, kind in CalendarDay.objects.filter(date__year=year).values_list(
                "date", "kind"
            )
        }
        cache.set(key, days, CACHE_SECONDS)
    return days or None


def year_imported(year: int) -> bool:
    return listed_days(year) is not None


def missing_year_banner(today: datetime.date | None = None) -> int | None:
    """The year an administrator or official must be told about: the current year if it
    has not been imported, or from 1 November the next one; None when all is well."""
    today = today or local_today()
    if not year_imported(today.year):
        return today.year
    if (today.month, today.day) >= BANNER_FROM and not year_imported(today.year + 1):
        return today.year + 1
    return None


def _changed(*, years, actor) -> None:
    forget_cached_calendar()
    transaction.on_commit(forget_cached_calendar)
    calendar_changed.send(sender=CalendarDay, years=sorted(years), actor=actor)


def _require_administrator(actor) -> None:
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise ApplicationError(_("Only an administrator may change the official calendar."),
                               code="forbidden", status_code=403)


# ----------------------------------------------------------------------------- one day

@transaction.atomic
def calendar_day_save(*, actor, date: datetime.date, kind: str, name: str,
                      day: CalendarDay | None = None) -> CalendarDay:
    """An administrator adds or corrects one day of the official calendar."""
    _require_administrator(actor)
    if kind not in CalendarDayKind.values:
        raise ApplicationError(_("The kind must be “holiday” or “workday”."), code="invalid_kind",
                               fields={"kind": [_("The kind must be “holiday” or “workday”.")]})
    old = None
    if day is None:
        day = CalendarDay()
    else:
        day = CalendarDay.objects.select_for_update().get(pk=day.pk)
        old = (day.date, day.kind, day.name)
    day.date, day.kind, day.name, day.updated_by = date, kind, (name or "").strip(), actor
    try:
        day.full_clean()
    except ValidationError as error:
        raise ApplicationError(_("The calendar day is not valid."), code="invalid",
                               fields=error.message_dict) from error
    day.save()
    record(action=AuditAction.CALENDAR_CHANGED, obj=day, actor=actor, changes={
        "date": [old and old[0], day.date], "kind": [old and old[1], day.kind],
        "name": [old and old[2], day.name],
    })
    _changed(years={day.date.year} | ({old[0].year} if old else set()), actor=actor)
    return day


@transaction.atomic
def calendar_day_delete(*, actor, day: CalendarDay) -> None:
    """An administrator removes a listed day (it then follows Monday to Friday)."""
    _require_administrator(actor)
    record(action=AuditAction.CALENDAR_CHANGED, obj=day, actor=actor,
           changes={"date": [day.date, None], "kind": [day.kind, None],
                    "name": [day.name, None]})
    year = day.date.year
    CalendarDay.objects.filter(pk=day.pk).delete()
    _changed(years={year}, actor=actor)


# ----------------------------------------------------------------------------- import

@dataclass
class ImportReport:
    """What an import did, or why it was refused: (row number, reason) per bad row."""

    years: list[int] = field(default_factory=list)
    holidays: int = 0
    workdays: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.errors)


def _parse_rows(text: str, report: ImportReport) -> list[tuple[datetime.date, str, str]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header] != HEADER:
        report.errors.append((1, _("The first row must be the header date,kind,name.")))
        return []
    rows, seen = [], {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != 3:
            report.errors.append((number, _("A row has three columns: date, kind, name.")))
            continue
        text_date, kind, name = (c.strip() for c in cells)
        try:
            day = datetime.date.fromisoformat(text_date)
        except ValueError:
            report.errors.append((number, _("“%(value)s” is not a date (YYYY-MM-DD).")
                                  % {"value": text_date}))
            continue
        if kind not in CalendarDayKind.values:
            report.errors.append((number, _("The kind must be “holiday” or “workday”.")))
            continue
        if not name:
            report.errors.append((number, _("The name is missing (e.g. 春节, 调休上班).")))
            continue
        if len(name) > 60:
            report.errors.append((number, _("The name is longer than 60 characters.")))
            continue
        if kind == CalendarDayKind.WORKDAY and day.weekday() < 5:
            report.errors.append((number, _("%(day)s is a weekday: only a Saturday or Sunday "
                                            "can be a make-up working day.")
                                  % {"day": day.isoformat()}))
            continue
        if day in seen:
            report.errors.append((number, _("%(day)s is listed twice (also row %(row)s).")
                                  % {"day": day.isoformat(), "row": seen[day]}))
            continue
        seen[day] = number
        rows.append((day, kind, name))
    if not rows and not report.errors:
        report.errors.append((2, _("The file lists no day.")))
    return rows


@transaction.atomic
def calendar_seed_from_package() -> int:
    """List every day the ``chinesecalendar`` package knows that is not listed yet (the
    data migration's seed, also used by the tests after a flush)."""
    have = set(CalendarDay.objects.values_list("date", flat=True))
    new = [CalendarDay(date=d, kind=k, name=n) for d, k, n in package_rows() if d not in have]
    CalendarDay.objects.bulk_create(new)
    forget_cached_calendar()
    return len(new)


@transaction.atomic
def calendar_import(*, actor, text: str) -> ImportReport:
    """Import the official calendar of the years a CSV (``date,kind,name``) lists: each
    year in the file replaces that year's listed days; a date not listed follows Monday to
    Friday. All or nothing: any bad row refuses the whole file (the report says which row
    and why) and nothing changes."""
    _require_administrator(actor)
    report = ImportReport()
    rows = _parse_rows(text, report)
    if report.refused:
        return report
    years = sorted({day.year for day, _kind, _name in rows})
    CalendarDay.objects.filter(date__year__in=years).delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=day, kind=kind, name=name, updated_by=actor)
         for day, kind, name in rows]
    )
    report.years = years
    report.holidays = sum(1 for _d, kind, _n in rows if kind == CalendarDayKind.HOLIDAY)
    report.workdays = len(rows) - report.holidays
    record(action=AuditAction.CALENDAR_CHANGED, actor=actor,
           object_type="communities.calendarday", object_id=",".join(map(str, years)),
           changes={"years": ",".join(map(str, years)), "holidays": report.holidays,
                    "workdays": report.workdays})
    _changed(years=years, actor=actor)
    return report


def package_rows() -> list[tuple[datetime.date, str, str]]:
    """The days the ``chinesecalendar`` package knows (the seed of the table)."""
    names = {h.value: h.chinese for h in package_calendar.Holiday}
    rows = [(d, CalendarDayKind.HOLIDAY.value, names.get(v, v))
            for d, v in package_calendar.holidays.items()]
    rows += [(d, CalendarDayKind.WORKDAY.value, MAKE_UP_NAME) for d in package_calendar.workdays]
    return sorted(rows)
