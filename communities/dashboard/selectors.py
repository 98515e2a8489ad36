"""Reads for the officials' dashboard (DESIGN §5). Everything here reads metric snapshots
only — never bills or complaints — through the user's scope, in a fixed number of queries
whatever the amount of data: the unit, its children, one query for the unit's 12 months,
one for the ranking, one for the mode comparison, one for before/after, two for the
property firms compared.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import BigIntegerField, Count, F, Model, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from communities.access.scoping import get_scoped_object_or_404, scope_for_user, scope_queryset
from communities.metrics.definitions import (
    METRICS,
    TWO_UP_ONE_DOWN,
    MetricDefinition,
    min_sample,
    rating,
)
from communities.models import (
    RED_PROPERTY_MODES,
    City,
    Community,
    Compound,
    DirtyCompoundMonth,
    District,
    ManagementMode,
    MetricSnapshot,
    StaffAssignment,
    Street,
)
from core.exports import Formatted, number, percent, points_change
from core.timeutils import local_today, month_of, previous_month, recent_months

LEVELS = ("city", "district", "street", "community", "compound")
CHILD_LEVEL = {"city": "district", "district": "street", "street": "community",
               "community": "compound"}
LEVEL_MODELS: dict[str, type[Model]] = {
    "city": City, "district": District, "street": Street, "community": Community,
    "compound": Compound,
}
LEVEL_LABELS = {
    "city": gettext_lazy("city"), "district": gettext_lazy("district"),
    "street": gettext_lazy("street"), "community": gettext_lazy("community"),
    "compound": gettext_lazy("compound"),
}
# From each level's model to its ancestors (for the breadcrumb), top first.
_ANCESTORS = {
    "city": (),
    "district": (("city", "city"),),
    "street": (("city", "district__city"), ("district", "district")),
    "community": (("city", "street__district__city"), ("district", "street__district"),
                  ("street", "street")),
    "compound": (("city", "community__street__district__city"),
                 ("district", "community__street__district"),
                 ("street", "community__street"), ("community", "community")),
}
# From a compound to the node of each level.
_FROM_COMPOUND = {
    "compound": "pk", "community": "community", "street": "community__street",
    "district": "community__street__district", "city": "community__street__district__city",
}
# From a community to the node of each level (the compound level uses its community).
_FROM_COMMUNITY = {
    "community": "pk", "street": "street", "district": "street__district",
    "city": "street__district__city",
}
TREND_MONTHS = 12
RED = "red"


# ---------------------------------------------------------------------------
# Units: the node a dashboard shows, checked against the user's scope
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    level: str
    id: int
    name: str
    obj: Model
    # (level, id, name, may the user open it) of the ancestors, top first
    ancestors: tuple = ()

    @property
    def level_label(self):
        return LEVEL_LABELS[self.level]

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(self.level)

    def compound_q(self, path: str = "") -> Q:
        """Filter for a model whose ORM path to its compound is ``path`` ("" for Compound
        itself): the compounds under this unit."""
        relative = _FROM_COMPOUND[self.level]
        return Q(**{f"{path}__{relative}" if path else relative: self.id})

    def community_q(self, path: str = "") -> Q:
        """Filter for a model whose ORM path to its community is ``path`` ("" for Community
        itself): the communities under this unit (a compound: its own community)."""
        if self.level == "compound":
            return Q(**{f"{path}__pk" if path else "pk": self.obj.community_id})
        relative = _FROM_COMMUNITY[self.level]
        return Q(**{f"{path}__{relative}" if path else relative: self.id})

    @property
    def breakdown_level(self) -> str:
        """The level a summary of this unit is broken down by: its children, down to
        communities (a community or compound: the community itself)."""
        return {"city": "district", "district": "street"}.get(self.level, "community")

    def community_breakdown(self, community_ids) -> dict[int, str]:
        """{community id: name of the unit of ``breakdown_level`` holding it}: a summary
        kept per community is shown with one row per child unit, whatever the size of
        the unit. One query."""
        path = {"district": "street__district__name", "street": "street__name",
                "community": "name"}[self.breakdown_level]
        return dict(Community.objects.filter(pk__in=list(community_ids))
                    .values_list("pk", path))

    def __str__(self):
        return self.name


def cached_summary(name: str, *, user, unit: Unit, parts=(), build):
    """``build()`` kept for ``DASHBOARD_SUMMARY_SECONDS`` per unit, user scope and
    language: the summaries that aggregate raw records grow with the unit's data, the rest
    of the page reads a fixed number of snapshot rows."""
    seconds = settings.DASHBOARD_SUMMARY_SECONDS
    if seconds <= 0:
        return build()
    scope = scope_for_user(user)
    key = ":".join(str(part) for part in (
        "dashboard", name, scope.role, scope.level, scope.node_id, get_language(),
        unit.level, unit.id, *parts,
    ))
    return cache.get_or_set(key, build, seconds)


def default_unit_ref(user) -> tuple[str, int] | None:
    """The unit a user's dashboard opens on: their own node; a superuser's first city."""
    scope = scope_for_user(user)
    if scope.is_everything:
        first = City.objects.order_by("name").values_list("pk", flat=True).first()
        return ("city", first) if first else None
    if scope.level in LEVELS:
        return scope.level, scope.node_id
    return None


def unit_get(*, user, level: str, unit_id: int) -> Unit:
    """The unit at ``level`` with id ``unit_id`` if it lies in the user's scope, else 404."""
    if level not in LEVELS:
        raise Http404(_("No such record in your area."))
    paths = [path for _level, path in _ANCESTORS[level]]
    model = LEVEL_MODELS[level]
    obj = get_scoped_object_or_404(model.objects.select_related(*paths), user, pk=unit_id)
    scope = scope_for_user(user)
    own = LEVELS.index(scope.level) if scope.level in LEVELS else 0
    ancestors = []
    for index, (ancestor_level, path) in enumerate(_ANCESTORS[level]):
        node = obj
        for part in path.split("__"):
            node = getattr(node, part)
        ancestors.append((ancestor_level, node.pk, node.name,
                          scope.is_everything or index >= own))
    return Unit(level=level, id=obj.pk, name=obj.name, obj=obj, ancestors=tuple(ancestors))


def city_choices(*, user) -> list[tuple[int, str]]:
    """The cities a superuser may pick from (officials see only their own node)."""
    return list(scope_queryset(City.objects.order_by("name"), user).values_list("pk", "name"))


def unit_children(*, user, unit: Unit) -> list[tuple[int, str]]:
    """(id, name) of the units one level down, in the user's scope."""
    child = unit.child_level
    if child is None:
        return []
    parent_field = {"district": "city_id", "street": "district_id",
                    "community": "street_id", "compound": "community_id"}[child]
    qs = LEVEL_MODELS[child].objects.filter(**{parent_field: unit.id})
    return list(scope_queryset(qs, user).order_by("name").values_list("pk", "name"))


# ---------------------------------------------------------------------------
# Periods and formatting
# ---------------------------------------------------------------------------


def current_month() -> date:
    return month_of(local_today())


def last_complete_month() -> date:
    """The month the dashboard opens on: the last one that has ended (no verdict is given
    on a month still running)."""
    return recent_months(2, today=current_month())[0]


def is_partial(period: date) -> bool:
    """Is ``period`` the month still running (its figures preliminary)?"""
    return period >= current_month()


def stale_changes(*, unit: Unit, now: datetime | None = None) -> int:
    """How many changes under ``unit`` have waited for the snapshots longer than the
    refresh interval allows (``METRICS_STALE_AFTER_SECONDS``): the figures shown are
    older than they should be. One query."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.METRICS_STALE_AFTER_SECONDS)
    return DirtyCompoundMonth.objects.filter(
        unit.compound_q("compound"), marked_at__lt=limit
    ).count()


def trend_months(period: date) -> list[date]:
    """The 12 months ending with ``period``, oldest first."""
    return recent_months(TREND_MONTHS, today=period)


def format_value(definition: MetricDefinition, value: Decimal | None) -> str:
    if value is None:
        return _("no data")
    if definition.unit == "%":
        return f"{value * 100:.1f}%"
    if definition.code == "resolution_hours_avg":
        return _("%(value)s h") % {"value": f"{value:.1f}"}
    return f"{value:.2f}"


def format_change(definition: MetricDefinition, change: Decimal | None) -> str:
    if change is None:
        return ""
    if definition.unit == "%":
        return _("%(change)s pp") % {"change": f"{change * 100:+.1f}"}
    if definition.code == "resolution_hours_avg":
        return _("%(value)s h") % {"value": f"{change:+.1f}"}
    return f"{change:+.2f}"


def export_value(definition: MetricDefinition, value: Decimal | None):
    """The value as a spreadsheet number: a rate is a ratio in a percent format; "no data"
    is an empty cell."""
    if value is None:
        return None
    if definition.unit == "%":
        return percent(value)
    return number(value, 2)


def export_change(definition: MetricDefinition, change: Decimal | None):
    """A change on the previous figure as a number: rates in percentage points."""
    if change is None:
        return None
    if definition.unit == "%":
        return points_change(change)
    return Formatted(change, "+0.00;-0.00;0.00")


def chart_number(definition: MetricDefinition, value: Decimal | None) -> float | None:
    """The value as the charts plot it (percentages for rates)."""
    if value is None:
        return None
    if definition.unit == "%":
        return round(float(value) * 100, 2)
    return round(float(value), 2)


def unit_note(definition: MetricDefinition) -> str:
    """What the number is in (shown under a card's value)."""
    if definition.unit == "%":
        return ""
    return str(definition.unit)


def _snapshots(user):
    return scope_queryset(MetricSnapshot.objects.all(), user)


# ---------------------------------------------------------------------------
# Cards and trends: one query for the unit's 12 months
# ---------------------------------------------------------------------------


@dataclass
class Card:
    definition: MetricDefinition
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    previous: Decimal | None
    computed_at: datetime | None
    # "up", "down", "flat" or "" (no comparison)
    direction: str = ""
    # "good", "bad" or "" (unchanged or no comparison)
    quality: str = ""
    change: Decimal | None = None
    # "两升一降": "up"/"down" for the three marked metrics
    target: str = ""
    rating: str = ""
    # The month is still running: figures shown, but no comparison and no verdict.
    partial: bool = False

    @property
    def code(self):
        return self.definition.code

    @property
    def label(self):
        return self.definition.label

    @property
    def display(self) -> str:
        return format_value(self.definition, self.value)

    @property
    def previous_display(self) -> str:
        return format_value(self.definition, self.previous)

    @property
    def change_display(self) -> str:
        return format_change(self.definition, self.change)

    @property
    def unit_note(self) -> str:
        return unit_note(self.definition)

    @property
    def has_data(self) -> bool:
        return self.value is not None

    @property
    def target_met(self) -> bool | None:
        if self.partial or not self.target or not self.direction:
            return None
        return self.direction == self.target

    @property
    def rating_label(self) -> str:
        return {"green": _("good"), "amber": _("fair"), "red": _("poor")}.get(self.rating, "")


def unit_series(*, user, unit: Unit, months: list[date]) -> dict:
    """{(metric, period): row} of the unit's own snapshot rows over ``months``: one query."""
    rows = _snapshots(user).filter(
        scope_level=unit.level, scope_id=unit.id, dimension="", period__in=months
    ).values("metric", "period", "numerator", "denominator", "value", "computed_at")
    return {(r["metric"], r["period"]): r for r in rows}


def metric_cards(*, series: dict, period: date, partial: bool = False) -> list[Card]:
    """The month's cards; for a ``partial`` month (still running) no change on last month,
    no arrow and no "两升一降" verdict: a few days are not compared with a whole month."""
    before_month = previous_month(period)
    cards = []
    for code, definition in METRICS.items():
        row = series.get((code, period))
        before = series.get((code, before_month))
        value = row["value"] if row else None
        previous = before["value"] if before else None
        card = Card(
            definition=definition, value=value,
            numerator=row["numerator"] if row else None,
            denominator=row["denominator"] if row else None,
            previous=previous, computed_at=row["computed_at"] if row else None,
            target=TWO_UP_ONE_DOWN.get(code, ""), rating=rating(definition, value),
            partial=partial,
        )
        if value is not None and previous is not None and not partial:
            card.change = value - previous
            if card.change > 0:
                card.direction = "up"
            elif card.change < 0:
                card.direction = "down"
            else:
                card.direction = "flat"
            if card.direction != "flat":
                better = (card.direction == "up") == definition.higher_is_better
                card.quality = "good" if better else "bad"
        cards.append(card)
    return cards


def two_up_one_down(cards: list[Card]) -> dict:
    """How many of the three "两升一降" goals moved the right way this month."""
    marked = [c for c in cards if c.target]
    return {
        "met": sum(1 for c in marked if c.target_met),
        "total": len(marked),
        "compared": sum(1 for c in marked if c.target_met is not None),
    }


def computed_at(series: dict, period: date) -> datetime | None:
    stamps = [r["computed_at"] for (_code, p), r in series.items() if p == period]
    return max(stamps) if stamps else None


@dataclass
class TrendPoint:
    period: date
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    display: str


def metric_trend(*, series: dict, months: list[date], code: str) -> list[TrendPoint]:
    definition = METRICS[code]
    points = []
    for month in months:
        row = series.get((code, month))
        value = row["value"] if row else None
        points.append(TrendPoint(
            period=month, value=value, numerator=row["numerator"] if row else None,
            denominator=row["denominator"] if row else None,
            display=format_value(definition, value),
        ))
    return points


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
    rows = _snapshots(user).filter(
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
    base = _snapshots(user).filter(metric=code, period=period)
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
    base = _snapshots(user).filter(period=period)
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
    compound_rows = _snapshots(user).filter(scope_level="compound", dimension="")
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


# ---------------------------------------------------------------------------
# Headline cards for the admin index
# ---------------------------------------------------------------------------


def headline(*, user) -> dict | None:
    """The cards of the user's own unit for the last complete month, or None without a
    unit."""
    if not user.has_perm("communities.view_dashboard"):
        return None
    ref = default_unit_ref(user)
    if ref is None or ref[1] is None:
        return None
    try:
        unit = unit_get(user=user, level=ref[0], unit_id=ref[1])
    except Http404:
        return None
    period = last_complete_month()
    series = unit_series(user=user, unit=unit, months=[previous_month(period), period])
    return {"unit": unit, "period": period, "cards": metric_cards(series=series, period=period),
            "computed_at": computed_at(series, period)}
