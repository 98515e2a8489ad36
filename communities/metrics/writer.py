"""Writes metric snapshots: compound rows from the families' figures, then the roll-ups
(community, street, district, city; by mode and by firm for districts and cities),
all rows of a month in one transaction.

A full recompute writes only the rows that differ from the stored ones; an incremental
refresh rewrites the marked compounds and moves their ancestors by the differences. Both
take the figures from the same families and place a compound row in the same roll-up
rows (``_groups``), so an incremental refresh equals a full recompute
(tests/communities/test_metrics_incremental_property.py)."""

import gc
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from communities.metrics.definitions import METRICS, round_half_up
from communities.metrics.families import compound_context, families
from communities.models import Compound, DirtyCompoundMonth, MetricSnapshot
from core.bulk import insert_rows
from core.timeutils import month_of, recent_months

ROLLUP_LEVELS = ("community", "street", "district", "city")
SPLIT_LEVELS = ("district", "city")
ZERO = Decimal("0")
LOCK_NAMESPACE = 7301  # pg_advisory_xact_lock(namespace, month): one writer per month


def mark_dirty(*, compound_id: int, when) -> None:
    """Record that a compound's month changed; call inside the writing transaction."""
    DirtyCompoundMonth.objects.bulk_create(
        [DirtyCompoundMonth(compound_id=compound_id, period=month_of(when))],
        update_conflicts=True, unique_fields=["compound", "period"],
        update_fields=["marked_at"],
    )
    _refresh_after_commit()


def mark_dirty_many(pairs) -> None:
    """``pairs`` of (compound_id, date or datetime): mark each compound-month once."""
    marks = {(compound_id, month_of(when)) for compound_id, when in pairs}
    DirtyCompoundMonth.objects.bulk_create(
        [DirtyCompoundMonth(compound_id=c, period=p) for c, p in sorted(marks)],
        batch_size=2000, update_conflicts=True, unique_fields=["compound", "period"],
        update_fields=["marked_at"],
    )
    _refresh_after_commit()


def _refresh_dirty_after_commit() -> None:
    refresh_dirty()


def _refresh_after_commit() -> None:
    """On the embedded default (no beat: ``METRICS_REFRESH_AFTER_COMMIT``), refresh the
    marked compound-months once the writing transaction commits, through the same
    incremental path as the beat task; once per transaction. A failure leaves the marks
    for the next write (or ``compute_metrics --dirty``) and never fails the write."""
    if not settings.METRICS_REFRESH_AFTER_COMMIT:
        return
    pending = transaction.get_connection().run_on_commit
    if any(entry[1] is _refresh_dirty_after_commit for entry in pending):
        return
    transaction.on_commit(_refresh_dirty_after_commit, robust=True)


def mark_dirty_from(*, compound_id: int, since, months: int = 13) -> None:
    """A change that holds from ``since`` onwards (a contract, a disclosure): mark every
    month from then to now, at most the ``months`` recomputed nightly."""
    first = month_of(since)
    mark_dirty_many((compound_id, p) for p in recent_months(months) if p >= first)


SNAPSHOT_COLUMNS = [
    "metric", "period", "scope_level", "scope_id", "dimension", "dimension_value",
    "numerator", "denominator", "value", "computed_at", "community_id", "street_id",
    "district_id", "city_id", "mode", "firm_id",
]


def refresh_month(*, period: date, compound_ids=None, as_of: datetime | None = None,
                  family_names=None) -> int:
    """Recompute one month for all compounds (``compound_ids`` None) or some, and their
    ancestors. Returns the number of compound rows written."""
    return refresh_months([period], compound_ids=compound_ids, as_of=as_of,
                          family_names=family_names)


def refresh_months(periods, *, compound_ids=None, as_of: datetime | None = None,
                   family_names=None) -> int:
    """Recompute several months: each family runs once over the whole range (one pass
    over its rows), then each month is written in its own transaction."""
    periods = sorted({month_of(p) for p in periods})
    as_of = as_of or timezone.now()
    chosen = [f for f in families() if family_names is None or f.name in family_names]
    metric_codes = [code for family in chosen for code in family.metrics]
    if not metric_codes or not periods:
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
    with _cyclic_gc_paused():
        return _refresh(periods, ids, places, chosen, metric_codes, as_of)


def _refresh(periods, ids, places, chosen, metric_codes, as_of) -> int:
    by_family = [family.compute(periods, as_of, ids) for family in chosen]
    written = 0
    for period in periods:
        figures = {}
        for by_month in by_family:
            figures.update(by_month.pop(period, None) or {})  # pop: free months as written
        context = compound_context(period, ids)
        with transaction.atomic():
            _lock_month(period)
            if ids is None:
                # One metric at a time: a city's month is tens of thousands of rows.
                with_rollups = _metrics_with_rollups(period, metric_codes)
                for code in metric_codes:
                    rows = _compound_rows(period, places, context, figures, [code])
                    _replace_month(period, [code], rows, has_rollups=code in with_rollups)
                    written += len(rows)
            else:
                rows = _compound_rows(period, places, context, figures, metric_codes)
                _replace_compounds(period, metric_codes, ids, rows)
                written += len(rows)
    return written


@contextmanager
def _cyclic_gc_paused():
    """A recompute allocates a few hundred thousand tuples and no reference cycles; on
    CPython 3.11 the cyclic collector would walk them all again and again in full
    collections (about a tenth of a city's twelve-month recompute)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compound_rows(period, places, context, figures, metric_codes) -> list[tuple]:
    computed_at = timezone.now()
    rows = []
    for pk, community_id, street_id, district_id, city_id, current_mode in places:
        mode, firm_id = context.get(pk, (current_mode, None))
        for code in metric_codes:
            numerator, denominator = figures.get((pk, code), (ZERO, ZERO))
            numerator = round_half_up(numerator)
            denominator = round_half_up(denominator)
            rows.append((
                code, period, "compound", pk, "", "", numerator, denominator,
                METRICS[code].value(numerator, denominator), computed_at, community_id,
                street_id, district_id, city_id, mode or "", firm_id,
            ))
    return rows


def _lock_month(period: date) -> None:
    """Writers of one month take turns (PostgreSQL; SQLite serialises writes anyway), so
    an incremental refresh never applies its differences to a month being replaced."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                           [LOCK_NAMESPACE, period.toordinal()])


def _replace_month(period, metric_codes, rows, *, has_rollups: bool) -> None:
    """Every row of the month for these metrics: compound rows, then the roll-ups summed
    from them. Only rows whose figures or place differ from the stored ones are written:
    a nightly recompute of twelve months mostly finds what it already holds, and a
    rewrite would cost more than the computation (every row passes three indexes). A
    row's ``computed_at`` is therefore when its figures last changed. The roll-ups are a
    function of the compound rows: when none of those changed and the month has its
    roll-ups, they are left as they are."""
    changed = _write_differences(_stored_rows(period, metric_codes, ["compound"]), rows)
    if changed or not has_rollups:
        stored = _stored_rows(period, metric_codes, ROLLUP_LEVELS)
        _write_differences(stored, _summed_rollups(period, rows))


def _metrics_with_rollups(period, metric_codes) -> set[str]:
    return set(
        MetricSnapshot.objects.filter(period=period, metric__in=metric_codes,
                                      scope_level="city")
        .values_list("metric", flat=True).distinct()
    )


def _row_key(row) -> tuple:
    metric, _period, level, scope_id, dimension, dimension_value = row[:6]
    return metric, level, scope_id, dimension, dimension_value


def _row_figures(row) -> tuple:
    return (row[6], row[7], *row[10:])  # numerator, denominator, place, mode, firm


def _stored_rows(period, metric_codes, levels) -> dict[tuple, tuple[int, tuple]]:
    """{key: (id, figures)} of the month's stored rows at ``levels``. Read through a plain
    cursor: the ORM's per-row work would double the cost of this read. PostgreSQL returns
    Decimals; a backend returning floats only makes rows look changed (rewritten), never
    wrong."""
    query = MetricSnapshot.objects.filter(
        period=period, metric__in=metric_codes, scope_level__in=list(levels)
    ).values_list(
        "id", "metric", "scope_level", "scope_id", "dimension", "dimension_value",
        "numerator", "denominator", "community_id", "street_id", "district_id", "city_id",
        "mode", "firm_id",
    ).order_by().query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {tuple(r[1:6]): (r[0], tuple(r[6:])) for r in cursor}


def _write_differences(stored, rows) -> int:
    """Make the stored rows (those read, all of the levels written) equal ``rows``;
    returns how many rows were deleted or inserted."""
    wanted = {_row_key(row): row for row in rows}
    stale = [
        pk for key, (pk, figures) in stored.items()
        if key not in wanted or figures != _row_figures(wanted[key])
    ]
    for start in range(0, len(stale), 5000):
        MetricSnapshot.objects.filter(pk__in=stale[start:start + 5000]).delete()
    return len(stale) + insert_rows(MetricSnapshot, SNAPSHOT_COLUMNS, [
        row for key, row in wanted.items()
        if key not in stored or stored[key][1] != _row_figures(row)
    ])


def _replace_compounds(period, metric_codes, ids, rows) -> None:
    """Some compounds' rows. When no compound changed its place, mode or firm, every
    ancestor row moves by the compounds' differences (a handful of rows, whatever the
    size of the city); otherwise the ancestors concerned are summed again."""
    current = MetricSnapshot.objects.filter(
        period=period, metric__in=metric_codes, scope_level="compound", scope_id__in=ids
    )
    old = {
        (row[0], row[1]): row[2:]
        for row in current.values_list(
            "scope_id", "metric", "numerator", "denominator", "community_id", "street_id",
            "district_id", "city_id", "mode", "firm_id",
        )
    }
    current.delete()
    insert_rows(MetricSnapshot, SNAPSHOT_COLUMNS, rows)
    new = {(row[3], row[0]): (row[6], row[7], *row[10:]) for row in rows}
    same_groups = old.keys() == new.keys() and all(
        old[key][2:] == new[key][2:] for key in new
    )
    if same_groups and _apply_differences(period, old, new):
        return
    ancestors = {level: set() for level in ROLLUP_LEVELS}
    for values in (*old.values(), *new.values()):
        for level, ancestor_id in zip(ROLLUP_LEVELS, values[2:6], strict=True):
            ancestors[level].add(ancestor_id)
    stale = Q()
    for level, scope_ids in ancestors.items():
        stale |= Q(scope_level=level, scope_id__in=scope_ids)
    MetricSnapshot.objects.filter(stale, period=period, metric__in=metric_codes).delete()
    under = MetricSnapshot.objects.filter(
        period=period, metric__in=metric_codes, scope_level="compound",
        city_id__in=ancestors["city"],
    ).values_list(*SNAPSHOT_COLUMNS)
    insert_rows(MetricSnapshot, SNAPSHOT_COLUMNS, _summed_rollups(period, under, ancestors))


def _groups(place) -> list[tuple[str, int, str, str]]:
    """The roll-up rows a compound row counts in, (level, unit id, dimension, value), from
    its place: (community, street, district, city, mode, firm)."""
    community_id, street_id, district_id, city_id, mode, firm_id = place
    units = dict(zip(ROLLUP_LEVELS, (community_id, street_id, district_id, city_id),
                     strict=True))
    groups = [(level, units[level], "", "") for level in ROLLUP_LEVELS]
    for level in SPLIT_LEVELS:
        groups.append((level, units[level], "mode", mode))
        if firm_id is not None:
            groups.append((level, units[level], "firm", str(firm_id)))
    return groups


def _apply_differences(period, old, new) -> bool:
    """Move each ancestor row by Σ (new − old) of its compounds. False (nothing written)
    when an ancestor row is missing, e.g. before the month's first full recompute."""
    differences = defaultdict(lambda: [ZERO, ZERO])
    for (pk, code), values in new.items():
        d_num, d_den = values[0] - old[(pk, code)][0], values[1] - old[(pk, code)][1]
        if not d_num and not d_den:
            continue
        for group in _groups(values[2:]):
            total = differences[(code, *group)]
            total[0] += d_num
            total[1] += d_den
    if not differences:
        return True
    wanted = Q()
    for code, level, scope_id, dimension, dimension_value in differences:
        wanted |= Q(metric=code, scope_level=level, scope_id=scope_id, dimension=dimension,
                    dimension_value=dimension_value)
    ancestors = list(MetricSnapshot.objects.filter(wanted, period=period))
    if len(ancestors) != len(differences):
        return False
    computed_at = timezone.now()
    for row in ancestors:
        d_num, d_den = differences[(row.metric, row.scope_level, row.scope_id, row.dimension,
                                    row.dimension_value)]
        row.numerator += d_num
        row.denominator += d_den
        row.value = METRICS[row.metric].value(row.numerator, row.denominator)
        row.computed_at = computed_at
    MetricSnapshot.objects.bulk_update(
        ancestors, ["numerator", "denominator", "value", "computed_at"]
    )
    return True


def _summed_rollups(period, compound_rows, ancestors=None) -> list[tuple]:
    """Roll-up rows summed from compound rows (tuples in SNAPSHOT_COLUMNS order): every
    unit they reach, or only the ``ancestors`` ({level: ids}) given."""
    sums = defaultdict(lambda: [ZERO, ZERO])
    groups_of_place = {}
    for row in compound_rows:
        place = row[10:]
        groups = groups_of_place.get(place)
        if groups is None:
            groups = groups_of_place[place] = [
                g for g in _groups(place) if ancestors is None or g[1] in ancestors[g[0]]
            ]
        code, numerator, denominator = row[0], row[6], row[7]
        for group in groups:
            total = sums[(code, *group)]
            total[0] += numerator
            total[1] += denominator
    computed_at = timezone.now()
    return [
        (code, period, level, scope_id, dimension, dimension_value, numerator, denominator,
         METRICS[code].value(numerator, denominator), computed_at, None, None, None, None,
         "", None)
        for (code, level, scope_id, dimension, dimension_value), (numerator, denominator)
        in sums.items()
    ]


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


def refresh_recent(months: int = 13, family_names=None) -> list[date]:
    periods = recent_months(months)
    refresh_months(periods, family_names=family_names)
    return periods


__all__ = [
    "mark_dirty", "mark_dirty_from", "mark_dirty_many", "refresh_dirty", "refresh_month",
    "refresh_months", "refresh_recent",
]
