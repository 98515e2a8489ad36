"""Work ledger (daily reports, weekly summaries), the three lists and community funds."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.access.lookups import lookups_via

from .points import DemonstrationPoint

# ---------------------------------------------------------------------------
# Work ledger: daily reports and weekly summaries; the three lists
# ---------------------------------------------------------------------------


class ReportKind(models.TextChoices):
    DAILY = "daily", _("Daily report")
    WEEKLY = "weekly", _("Weekly summary")


class WorkReport(models.Model):
    """A daily report (for ``period_start``) or a weekly summary (week from Monday
    ``period_start``) filed by the cadre assigned to a point."""

    point = models.ForeignKey(
        DemonstrationPoint, on_delete=models.PROTECT, related_name="reports",
        verbose_name=_("demonstration point"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices)
    period_start = models.DateField(_("day / week from"))
    content = models.TextField(_("content"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("author"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    scope_lookups = lookups_via(community="point__community")

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        ordering = ["-period_start", "point"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "kind", "period_start"], name="work_report_once_per_period",
                violation_error_message=_("A report for this period has already been filed."),
            )
        ]

    def __str__(self):
        return f"{self.point} · {self.get_kind_display()} · {self.period_start}"


class ListKind(models.TextChoices):
    PARTY_BUILDING = "party_building", _("Party building")
    CO_GOVERNANCE = "co_governance", _("Co-governance")
    LIVELIHOOD = "livelihood", _("Livelihood project")


class Infrastructure(models.TextChoices):
    NONE = "", _("Not infrastructure")
    WATER = "water", _("Water supply")
    POWER = "power", _("Power supply")
    GAS = "gas", _("Gas supply")
    HEATING = "heating", _("Heating")
    ROADS = "roads", _("Roads")
    PARKING = "parking", _("Parking")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ListItem(models.Model):
    """An item of a community's three lists (三项清单)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, related_name="list_items",
        verbose_name=_("community"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    list_kind = models.CharField(_("list"), max_length=20, choices=ListKind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    infrastructure = models.CharField(_("infrastructure work"), max_length=10, blank=True,
                                      choices=Infrastructure.choices, default="")
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices,
                              default=ItemStatus.PLANNED)
    due_date = models.DateField(_("due date"), null=True, blank=True)

    scope_lookups = lookups_via(community="community")

    class Meta:
        verbose_name = _("three-list item")
        verbose_name_plural = _("three-list items")
        ordering = ["-year", "community__name", "list_kind", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year", "list_kind", "title"],
                name="list_item_unique_per_year",
                violation_error_message=_("This item is already on the community's list."),
            ),
            models.CheckConstraint(
                condition=Q(infrastructure="") | Q(list_kind="livelihood"),
                name="list_item_infrastructure_only_livelihood",
                violation_error_message=_("Only livelihood projects can be infrastructure works."),
            ),
        ]

    def __str__(self):
        return self.title


# ---------------------------------------------------------------------------
# Funds: allocations and spending
# ---------------------------------------------------------------------------


class FundKind(models.TextChoices):
    OFFICE = "office", _("Office funds")
    PARTY_BUILDING = "party_building", _("Party-building funds")
    SERVICE = "service", _("Special funds for serving residents")


class FundAllocation(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, related_name="fund_allocations",
        verbose_name=_("community"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("fund"), max_length=20, choices=FundKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_lookups = lookups_via(community="community")

    class Meta:
        verbose_name = _("fund allocation")
        verbose_name_plural = _("fund allocations")
        ordering = ["-year", "community__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year", "kind"], name="fund_allocation_once_per_year",
                violation_error_message=_("This fund is already allocated for the year."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="fund_allocation_positive",
                violation_error_message=_("The amount must be positive."),
            ),
        ]

    def __str__(self):
        return f"{self.community} · {self.year} · {self.get_kind_display()}"


class FundSpending(models.Model):
    allocation = models.ForeignKey(
        FundAllocation, on_delete=models.PROTECT, related_name="spendings",
        verbose_name=_("fund allocation"),
    )
    spent_on = models.DateField(_("spent on"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    purpose = models.CharField(_("purpose"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_lookups = lookups_via(community="allocation__community")

    class Meta:
        verbose_name = _("fund spending")
        verbose_name_plural = _("fund spending")
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="fund_spending_positive",
                violation_error_message=_("The amount must be positive."),
            )
        ]

    def __str__(self):
        return f"{self.allocation} · {self.amount}"
