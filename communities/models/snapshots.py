"""Metric snapshots (written only by the metric tasks) and the marks of compound-months
to recompute."""


from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .hierarchy import Community, Compound, District, Street


class ScopeLevel(models.TextChoices):
    COMPOUND = "compound", _("compound")
    COMMUNITY = "community", _("community")
    STREET = "street", _("street")
    DISTRICT = "district", _("district")
    CITY = "city", _("city")


class Dimension(models.TextChoices):
    NONE = "", _("all")
    MODE = "mode", _("management mode")
    FIRM = "firm", _("property firm")


class MetricSnapshot(models.Model):
    """One metric for one month and one unit (optionally split by mode or firm).

    Written only by the metric tasks; pages read snapshots, never the raw rows. A rate
    for a larger unit is Σ numerators / Σ denominators of its compounds. Compound rows
    carry their ancestors, mode and firm so the roll-ups are one GROUP BY.
    """

    metric = models.CharField(_("metric"), max_length=40)
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    scope_level = models.CharField(_("level"), max_length=10, choices=ScopeLevel.choices)
    scope_id = models.BigIntegerField(_("unit id"))
    dimension = models.CharField(
        _("split by"), max_length=8, choices=Dimension.choices, blank=True, default=""
    )
    dimension_value = models.CharField(_("split value"), max_length=40, blank=True, default="")
    numerator = models.DecimalField(_("numerator"), max_digits=18, decimal_places=4)
    denominator = models.DecimalField(_("denominator"), max_digits=18, decimal_places=4)
    value = models.DecimalField(
        _("value"), max_digits=18, decimal_places=4, null=True, blank=True,
        help_text=_("Empty when the denominator is 0: no data."),
    )
    computed_at = models.DateTimeField(_("computed at"))
    # Compound rows only: where the compound sits, and its mode and firm in that month.
    community_id = models.BigIntegerField(null=True, blank=True)
    street_id = models.BigIntegerField(null=True, blank=True)
    district_id = models.BigIntegerField(null=True, blank=True)
    city_id = models.BigIntegerField(null=True, blank=True)
    mode = models.CharField(max_length=24, blank=True, default="")
    firm_id = models.BigIntegerField(null=True, blank=True)

    scope_lookups = {
        "city": lambda s: _snapshots_under("city", s.node_id),
        "district": lambda s: _snapshots_under("district", s.node_id),
        "street": lambda s: _snapshots_under("street", s.node_id),
        "community": lambda s: _snapshots_under("community", s.node_id),
    }

    class Meta:
        verbose_name = _("metric snapshot")
        verbose_name_plural = _("metric snapshots")
        ordering = ["metric", "period", "scope_level", "scope_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period", "scope_level", "scope_id", "dimension",
                        "dimension_value"],
                name="snapshot_unique_per_unit_month_dimension",
            ),
            models.CheckConstraint(
                condition=Q(denominator__gte=0), name="snapshot_denominator_not_negative"
            ),
        ]
        indexes = [
            # A unit's months of one split ("" for the unit itself): a city also holds
            # a row per firm and metric each month, which a (level, id, period) index
            # would read and discard (EXPLAIN: 16,560 rows removed for 120 at 400,000
            # households).
            models.Index(fields=["scope_level", "scope_id", "dimension", "period"],
                         name="snapshot_unit_split_month"),
            models.Index(fields=["period", "metric", "scope_level"],
                         name="snapshot_month_metric_level"),
        ]
        permissions = [("view_dashboard", _("Can view the officials' dashboard"))]

    def __str__(self):
        return f"{self.metric} {self.period:%Y-%m} {self.scope_level}#{self.scope_id}"


_LEVEL_ORDER = ["compound", "community", "street", "district", "city"]


def _snapshots_under(level: str, node_id: int) -> Q:
    """Snapshot rows of the node itself and of every unit below it."""
    q = Q(scope_level=level, scope_id=node_id)
    for lower in _LEVEL_ORDER[: _LEVEL_ORDER.index(level)]:
        if lower == "compound":
            q |= Q(scope_level="compound", **{f"{level}_id": node_id})
        else:
            ids = _unit_ids_under(lower, level, node_id)
            q |= Q(scope_level=lower, scope_id__in=ids)
    return q


def _unit_ids_under(lower: str, level: str, node_id: int):
    paths = {
        ("community", "street"): (Community, "street_id"),
        ("community", "district"): (Community, "street__district_id"),
        ("community", "city"): (Community, "street__district__city_id"),
        ("street", "district"): (Street, "district_id"),
        ("street", "city"): (Street, "district__city_id"),
        ("district", "city"): (District, "city_id"),
    }
    model, path = paths[(lower, level)]
    return model.objects.filter(**{path: node_id}).values("pk")


class DirtyCompoundMonth(models.Model):
    """A compound's month whose metrics must be recomputed (marked in the same
    transaction as the change; cleared by the incremental refresh task)."""

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("metric refresh mark")
        verbose_name_plural = _("metric refresh marks")
        constraints = [
            models.UniqueConstraint(fields=["compound", "period"], name="dirty_once_per_month")
        ]

    def __str__(self):
        return f"{self.compound_id} {self.period:%Y-%m}"
