"""Reads for the officials' dashboard (DESIGN §5). Everything here reads metric snapshots
only — never bills or complaints — through the user's scope, in a fixed number of queries
whatever the amount of data: the unit, its children, one query for the unit's 12 months,
one for the ranking, one for the mode comparison, one for before/after, two for the
property firms compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from communities.access.scoping import get_scoped_object_or_404, scope_for_user, scope_queryset
from communities.metrics.definitions import (
    METRICS,
    TWO_UP_ONE_DOWN,
    MetricDefinition,
    rating,
)
from communities.models import (
    City,
    Community,
    Compound,
    DirtyCompoundMonth,
    District,
    MetricSnapshot,
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


def scoped_snapshots(user):
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
    rows = scoped_snapshots(user).filter(
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
