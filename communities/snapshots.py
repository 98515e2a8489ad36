"""Writes metric snapshots: compound rows from the families' figures, then the roll-ups
(community, street, district, city; by mode and by firm for districts and cities),
all rows of a month in one transaction. Full and incremental refresh share this code,
so an incremental refresh equals a full recompute."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from .metric_definitions import METRICS
from .metric_families import compound_context, families
from .models import Compound, DirtyCompoundMonth, MetricSnapshot
from .timeutils import local_today, next_month

ROLLUP_LEVELS = ("community", "street", "district", "city")
SPLIT_LEVELS = ("district", "city")
ZERO = Decimal("0")


def month_of(moment) -> date:
    """The first day of the local calendar month of a date or datetime."""
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment).date()
    return moment.replace(day=1)


def recent_months(count: int, today: date | None = None) -> list[date]:
    """The last ``count`` months, oldest first, ending with the current month."""
    month = month_of(today or local_today())
    months = [month]
    for _ in range(count - 1):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return list(reversed(months))


def mark_dirty(*, compound_id: int, when) -> None:
    """Record that a compound's month changed; call inside the writing transaction."""
    DirtyCompoundMonth.objects.bulk_create(
        [DirtyCompoundMonth(compound_id=compound_id, period=month_of(when))],
        update_conflicts=True, unique_fields=["compound", "period"],
        update_fields=["marked_at"],
    )


def mark_dirty_many(pairs) -> None:
    """``pairs`` of (compound_id, date or datetime): mark each compound-month once."""
    marks = {(compound_id, month_of(when)) for compound_id, when in pairs}
    DirtyCompoundMonth.objects.bulk_create(
        [DirtyCompoundMonth(compound_id=c, period=p) for c, p in sorted(marks)],
        batch_size=2000, update_conflicts=True, unique_fields=["compound", "period"],
        update_fields=["marked_at"],
    )


def mark_dirty_from(*, compound_id: int, since, months: int = 13) -> None:
    """A change that holds from ``since`` onwards (a contract, a disclosure): mark every
    month from then to now, at most the ``months`` recomputed nightly."""
    first = month_of(since)
    mark_dirty_many((compound_id, p) for p in recent_months(months) if p >= first)


def refresh_month(*, period: date, compound_ids=None, as_of: datetime | None = None,
                  family_names=None) -> int:
    """Recompute one month for all compounds (``compound_ids`` None) or some, and their
    ancestors. Returns the number of compound rows written."""
    period = month_of(period)
    as_of = as_of or timezone.now()
    chosen = [f for f in families() if family_names is None or f.name in family_names]
    metric_codes = [code for family in chosen for code in family.metrics]
    if not metric_codes:
        return 0
    ids = None if compound_ids is None else sorted(set(compound_ids))

    compounds = Compound.objects.all()
    if ids is not None:
        compounds = compounds.filter(pk__in=ids)
    places = list(
        compounds.values_list(
            "pk", "community_id", "community__street_id", "community__street__district_id",
            "community__street__district__city_id", "management_mode",
        )
    )
    context = compound_context(period, ids)
    figures = {}
    for family in chosen:
        figures.update(family.compute(period, as_of, ids))

    computed_at = timezone.now()
    rows = []
    for pk, community_id, street_id, district_id, city_id, current_mode in places:
        mode, firm_id = context.get(pk, (current_mode, None))
        for code in metric_codes:
            numerator, denominator = figures.get((pk, code), (ZERO, ZERO))
            rows.append(
                MetricSnapshot(
                    metric=code, period=period, scope_level="compound", scope_id=pk,
                    numerator=numerator, denominator=denominator,
                    value=METRICS[code].value(numerator, denominator),
                    computed_at=computed_at, community_id=community_id, street_id=street_id,
                    district_id=district_id, city_id=city_id, mode=mode or "", firm_id=firm_id,
                )
            )
    with transaction.atomic():
        MetricSnapshot.objects.bulk_create(
            rows, batch_size=2000, update_conflicts=True,
            unique_fields=["metric", "period", "scope_level", "scope_id", "dimension",
                           "dimension_value"],
            update_fields=["numerator", "denominator", "value", "computed_at", "community_id",
                           "street_id", "district_id", "city_id", "mode", "firm_id"],
        )
        ancestors = None
        if ids is not None:
            ancestors = {
                "community": {p[1] for p in places}, "street": {p[2] for p in places},
                "district": {p[3] for p in places}, "city": {p[4] for p in places},
            }
        _roll_up(period, metric_codes, ancestors, computed_at)
    return len(rows)


def _roll_up(period, metric_codes, ancestors, computed_at) -> None:
    base = MetricSnapshot.objects.filter(
        scope_level="compound", period=period, metric__in=metric_codes
    )
    for level in ROLLUP_LEVELS:
        key = f"{level}_id"
        source = base if ancestors is None else base.filter(**{f"{key}__in": ancestors[level]})
        stale = MetricSnapshot.objects.filter(
            scope_level=level, period=period, metric__in=metric_codes
        )
        if ancestors is not None:
            stale = stale.filter(scope_id__in=ancestors[level])
        stale.delete()

        groupings = [("", None)]
        if level in SPLIT_LEVELS:
            groupings += [("mode", "mode"), ("firm", "firm_id")]
        new_rows = []
        for dimension, field in groupings:
            group_by = ["metric", key] + ([field] if field else [])
            sums = source.values(*group_by).annotate(
                num=Sum("numerator"), den=Sum("denominator")
            ).order_by()
            if field == "firm_id":
                sums = sums.filter(firm_id__isnull=False)
            for row in sums:
                new_rows.append(
                    MetricSnapshot(
                        metric=row["metric"], period=period, scope_level=level,
                        scope_id=row[key], dimension=dimension,
                        dimension_value="" if not field else str(row[field] or ""),
                        numerator=row["num"], denominator=row["den"],
                        value=METRICS[row["metric"]].value(row["num"], row["den"]),
                        computed_at=computed_at,
                    )
                )
        MetricSnapshot.objects.bulk_create(new_rows, batch_size=2000)


def refresh_dirty() -> int:
    """Recompute the marked compound-months and their ancestors; returns marks handled.

    Marks made while this runs carry a later ``marked_at`` and survive for the next run.
    """
    started = timezone.now()
    marks = list(
        DirtyCompoundMonth.objects.filter(marked_at__lte=started).values_list(
            "compound_id", "period"
        )
    )
    by_month = defaultdict(set)
    for compound_id, period in marks:
        by_month[period].add(compound_id)
    for period, compound_ids in sorted(by_month.items()):
        refresh_month(period=period, compound_ids=compound_ids)
    DirtyCompoundMonth.objects.filter(marked_at__lte=started).delete()
    return len(marks)


def refresh_recent(months: int = 13) -> list[date]:
    periods = recent_months(months)
    for period in periods:
        refresh_month(period=period)
    return periods


__all__ = [
    "mark_dirty", "mark_dirty_from", "mark_dirty_many", "month_of", "next_month",
    "recent_months", "refresh_dirty", "refresh_month", "refresh_recent",
]
