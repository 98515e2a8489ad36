"""The dashboard's comparisons: child units ranked, property firms compared, the
management modes compared, and the compounds whose mode changed (before / after)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import BigIntegerField, Count, F, Model, OuterRef, Subquery, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from communities.dashboard.selectors import (
    RED,
    Unit,
    chart_number,
    export_change,
    export_value,
    format_change,
    format_value,
    scoped_snapshots,
    unit_children,
)
from communities.metrics.definitions import (
    METRICS,
    min_sample,
    rating,
)
from communities.models import (
    RED_PROPERTY_MODES,
    Compound,
    ManagementMode,
    MetricSnapshot,
    StaffAssignment,
)

# ---------------------------------------------------------------------------
# Ranking of the child units
# ---------------------------------------------------------------------------


@dataclass
class RankedUnit:
    id: int
    name: str
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal
    display: str
    rating: str
    rank: int | None = None


RANK_ORDERS = ("best", "worst", "name", "sample")


def ranking(*, user, unit: Unit, period: date, code: str, order: str = "best",
            children: list[tuple[int, str]] | None = None) -> dict:
    """The child units on metric ``code``: ``ranked`` (denominator at least the minimum
    sample) and ``below_sample`` (listed apart, with their sample). One query (plus the
    children when not given)."""
    definition = METRICS[code]
    child = unit.child_level
    if child is None:
        return {"level": None, "ranked": [], "below_sample": [], "min_sample": None}
    if children is None:
        children = unit_children(user=user, unit=unit)
    names = dict(children)
    rows = scoped_snapshots(user).filter(
        metric=code, period=period, scope_level=child, dimension="", scope_id__in=list(names),
    ).values_list("scope_id", "numerator", "denominator", "value")
    found = {scope_id: (num, den, value) for scope_id, num, den, value in rows}
    threshold = min_sample(code)
    ranked, below = [], []
    zero = Decimal("0")
    for pk, name in children:
        num, den, value = found.get(pk, (zero, zero, None))
        entry = RankedUnit(id=pk, name=name, value=value, numerator=num, denominator=den,
                           display=format_value(definition, value),
                           rating=rating(definition, value))
        (ranked if value is not None and den >= threshold else below).append(entry)
    # Best first: the rank is always by merit, whatever order the table is shown in.
    sign = -1 if definition.higher_is_better else 1
    best_first = sorted(ranked, key=lambda r: (sign * r.value, r.name))
    for position, entry in enumerate(best_first, start=1):
        entry.rank = position
    if order == "worst":
        ranked = list(reversed(best_first))
    elif order == "name":
        ranked = sorted(best_first, key=lambda r: r.name)
    elif order == "sample":
        ranked = sorted(best_first, key=lambda r: (-r.denominator, r.name))
    else:
        ranked = best_first
    below.sort(key=lambda r: (-r.denominator, r.name))
    return {"level": child, "ranked": ranked, "below_sample": below, "min_sample": threshold}


# ---------------------------------------------------------------------------
# Property firms compared (districts and cities: the roll-up rows split by firm)
# ---------------------------------------------------------------------------

FIRM_LEVELS = ("district", "city")
SHOWN_FIRMS = 10


@dataclass
class RankedFirm(RankedUnit):
    compounds: int = 0


def _firm_model() -> type[Model]:
    """PropertyFirm without importing ``properties`` (communities imports none of the apps
    above it): the model a staff assignment's firm points to."""

    return StaffAssignment._meta.get_field("firm").related_model


def firm_ranking(*, user, unit: Unit, period: date, code: str,
                 shown: int | None = SHOWN_FIRMS) -> dict | None:
    """The property firms serving a district or city on metric ``code`` in ``period``,
    from the unit's roll-up rows split by firm (ratios of sums of the firm's compounds
    in the unit), ranked as ``ranking`` ranks child units: ``ranked`` (denominator at
    least the minimum sample, best first) and ``below_sample``; with ``shown`` set, only
    the ``shown`` best and ``shown`` worst ranked firms are kept (``total`` counts them
    all). None below the district level (no firm rows there). Two queries whatever the
    number of firms: the firm rows with the firm's name, and the compounds per firm."""
    if unit.level not in FIRM_LEVELS:
        return None
    definition = METRICS[code]
    firm_model = _firm_model()
    base = scoped_snapshots(user).filter(metric=code, period=period)
    name_of = firm_model.objects.filter(
        pk=Cast(OuterRef("dimension_value"), BigIntegerField())
    ).values("name")[:1]
    rows = base.filter(
        scope_level=unit.level, scope_id=unit.id, dimension="firm",
    ).annotate(firm_name=Subquery(name_of)).values_list(
        "dimension_value", "firm_name", "numerator", "denominator", "value"
    )
    compounds = dict(
        base.filter(scope_level="compound", firm_id__isnull=False,
                    **{f"{unit.level}_id": unit.id})
        .values("firm_id").annotate(n=Count("id")).order_by().values_list("firm_id", "n")
    )
    threshold = min_sample(code)
    ranked, below = [], []
    for firm_id, name, num, den, value in rows:
        pk = int(firm_id)
        entry = RankedFirm(
            id=pk, name=name or _("property firm #%(id)s") % {"id": pk}, value=value,
            numerator=num, denominator=den, display=format_value(definition, value),
            rating=rating(definition, value), compounds=compounds.get(pk, 0),
        )
        (ranked if value is not None and den >= threshold else below).append(entry)
    sign = -1 if definition.higher_is_better else 1
    ranked.sort(key=lambda r: (sign * r.value, r.name))
    for position, entry in enumerate(ranked, start=1):
        entry.rank = position
    below.sort(key=lambda r: (-r.denominator, r.name))
    total, below_total = len(ranked) + len(below), len(below)
    best, worst = ranked, []
    if shown is not None:
        if len(ranked) > 2 * shown:
            best, worst = ranked[:shown], ranked[-shown:]
        below = below[:shown]
    return {
        "best": best, "worst": worst, "below_sample": below, "min_sample": threshold,
        "total": total, "ranked_total": len(ranked), "below_total": below_total,
        "cut": len(best) + len(worst) + len(below) < total,
    }


# ---------------------------------------------------------------------------
# The management modes compared
# ---------------------------------------------------------------------------


def mode_groups() -> list[tuple[str, str]]:
    """The columns of the comparison: the three Red Property modes, the three together,
    market firms, no property management."""
    labels = dict(ManagementMode.choices)
    return [
        *((str(m), labels[m]) for m in RED_PROPERTY_MODES),
        (RED, _("Red Property (three modes)")),
        (ManagementMode.MARKET.value, labels[ManagementMode.MARKET]),
        (ManagementMode.NONE.value, labels[ManagementMode.NONE]),
    ]


@dataclass
class ModeCell:
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal
    display: str
    rating: str


def mode_comparison(*, user, unit: Unit, period: date) -> dict:
    """Every metric by management mode for the unit's compounds in ``period``, as ratios of
    sums. Districts and cities have mode rows; below, the unit's compound rows are grouped
    by their mode. One query either way."""
    base = scoped_snapshots(user).filter(period=period)
    if unit.level in ("district", "city"):
        sums = base.filter(
            scope_level=unit.level, scope_id=unit.id, dimension="mode"
        ).values_list("metric", "dimension_value", "numerator", "denominator")
    else:
        compounds = base.filter(scope_level="compound", dimension="")
        if unit.level == "compound":
            compounds = compounds.filter(scope_id=unit.id)
        else:
            compounds = compounds.filter(**{f"{unit.level}_id": unit.id})
        sums = compounds.values("metric", "mode").annotate(
            num=Sum("numerator"), den=Sum("denominator")
        ).order_by().values_list("metric", "mode", "num", "den")
    figures: dict = defaultdict(lambda: [Decimal("0"), Decimal("0")])
    red = {str(m) for m in RED_PROPERTY_MODES}
    for code, mode, num, den in sums:
        if code not in METRICS:
            continue
        for key in (mode, RED) if mode in red else (mode,):
            figures[(code, key)][0] += num or 0
            figures[(code, key)][1] += den or 0
    groups = mode_groups()
    rows = []
    for code, definition in METRICS.items():
        cells = []
        for key, _label in groups:
            num, den = figures.get((code, key), (Decimal("0"), Decimal("0")))
            value = definition.value(num, den)
            cells.append(ModeCell(value=value, numerator=num, denominator=den,
                                  display=format_value(definition, value),
                                  rating=rating(definition, value)))
        rows.append({"definition": definition, "cells": cells})
    return {"groups": groups, "rows": rows}


def mode_chart(comparison: dict, code: str) -> dict:
    """Data for the mode comparison chart of one metric."""
    row = next(r for r in comparison["rows"] if r["definition"].code == code)
    definition = row["definition"]
    return {
        "labels": [str(label) for _key, label in comparison["groups"]],
        "values": [chart_number(definition, c.value) for c in row["cells"]],
        "metric": str(definition.label),
        "percent": definition.unit == "%",
    }


# ---------------------------------------------------------------------------
# Before / after: compounds whose mode changed within the 12 months
# ---------------------------------------------------------------------------


@dataclass
class ModeChange:
    compound_id: int
    name: str
    community: str
    from_mode: str
    to_mode: str
    changed_in: date
    # code -> (before value, after value, before denominator, after denominator)
    figures: dict = field(default_factory=dict)

    def for_metric(self, code: str) -> dict:
        definition = METRICS[code]
        before, after, before_den, after_den = self.figures.get(
            code, (None, None, Decimal("0"), Decimal("0"))
        )
        change = after - before if before is not None and after is not None else None
        quality = ""
        if change:
            quality = "good" if (change > 0) == definition.higher_is_better else "bad"
        return {
            "before": format_value(definition, before), "after": format_value(definition, after),
            "before_sample": before_den, "after_sample": after_den,
            "change": format_change(definition, change), "quality": quality,
            "before_value": export_value(definition, before),
            "after_value": export_value(definition, after),
            "change_value": export_change(definition, change),
        }


SHOWN_MODE_CHANGES = 20


def mode_changes(*, user, unit: Unit, months: list[date], metric: str | None = None,
                 limit: int | None = SHOWN_MODE_CHANGES) -> tuple[list[ModeChange], int]:
    """Compounds under the unit whose management mode in the last month of ``months``
    differs from the earliest of those months they have figures for (at most ``limit``,
    None for all),
    with each metric before the change (the months in the old mode) and after it (from
    the month the new mode began): ratios of sums of the compound's monthly rows. Also
    the number of such compounds. Four queries, whatever the size of the unit: the
    changed compounds are found from one metric's compound rows (``metric``, by default
    the first; the engine writes every metric for every compound)."""
    first, last = months[0], months[-1]
    compound_rows = scoped_snapshots(user).filter(scope_level="compound", dimension="")
    if unit.level == "compound":
        compound_rows = compound_rows.filter(scope_id=unit.id)
    else:
        compound_rows = compound_rows.filter(**{f"{unit.level}_id": unit.id})
    one_metric = metric if metric in METRICS else next(iter(METRICS))
    mode_then = MetricSnapshot.objects.filter(
        metric=one_metric, period__gte=first, period__lte=last, scope_level="compound",
        dimension="", scope_id=OuterRef("scope_id"),
    ).order_by("period").values("mode")[:1]
    changed = (
        compound_rows.filter(metric=one_metric, period=last)
        .annotate(mode_then=Subquery(mode_then))
        .exclude(mode_then__isnull=True).exclude(mode=F("mode_then"))
    )
    total = changed.count()
    # A subquery, not a list that may be empty, so the page's query count does not
    # depend on whether any compound changed mode.
    chosen = changed.order_by("scope_id").values("scope_id")
    if limit is not None:
        chosen = chosen[:limit]
    rows = compound_rows.filter(scope_id__in=chosen, period__in=months).order_by(
        "scope_id", "period"
    ).values_list("scope_id", "period", "mode", "metric", "numerator", "denominator")
    by_compound: dict = defaultdict(list)
    for row in rows:
        by_compound[row[0]].append(row[1:])
    names = {
        pk: (name, community)
        for pk, name, community in Compound.objects.filter(pk__in=chosen)
        .values_list("pk", "name", "community__name")
    }
    if not by_compound:
        return [], total
    labels = dict(ManagementMode.choices)
    changes = []
    for pk, entries in by_compound.items():
        mode_of_month = {}
        for period, mode, *_rest in entries:
            mode_of_month.setdefault(period, mode)
        ordered = sorted(mode_of_month)
        first_mode, last_mode = mode_of_month[ordered[0]], mode_of_month[ordered[-1]]
        # Before: the months up to the first change; after: from the last change on.
        first_change = next((p for p in ordered if mode_of_month[p] != first_mode), None)
        if first_change is None:
            continue
        last_change = ordered[-1]
        for p in reversed(ordered):
            if mode_of_month[p] != last_mode:
                break
            last_change = p
        sums: dict = defaultdict(lambda: [Decimal("0")] * 4)
        for period, _mode, code, num, den in entries:
            if code not in METRICS:
                continue
            if period < first_change:
                sums[code][0] += num
                sums[code][1] += den
            elif period >= last_change:
                sums[code][2] += num
                sums[code][3] += den
        name, community = names.get(pk, (str(pk), ""))
        change = ModeChange(
            compound_id=pk, name=name, community=community,
            from_mode=str(labels.get(first_mode, first_mode)),
            to_mode=str(labels.get(last_mode, last_mode)), changed_in=last_change,
        )
        for code, (b_num, b_den, a_num, a_den) in sums.items():
            definition = METRICS[code]
            change.figures[code] = (definition.value(b_num, b_den),
                                    definition.value(a_num, a_den), b_den, a_den)
        changes.append(change)
    changes.sort(key=lambda c: (c.community, c.name))
    return changes, total
