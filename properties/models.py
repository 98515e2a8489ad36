"""Property firms and the service contracts that tie them to compounds."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import ManagementMode
from communities.scoping import lookups_via

from .credit_code import is_valid_credit_code


def validate_credit_code(value: str) -> None:
    if not is_valid_credit_code(value):
        raise ValidationError(
            _(
                "This is not a valid unified social credit code: it must be 18 characters "
                "(digits and capital letters except I, O, S, V, Z) ending in the right "
                "check character."
            ),
            code="invalid_credit_code",
        )


def _firms_serving(contract_path_to_node: str):
    """Scope filter: firms with an active contract on a compound under the scope's node."""

    def firm_q(scope) -> Q:
        contracts = ServiceContract.objects.filter(
            status=ContractStatus.ACTIVE, **{contract_path_to_node: scope.node_id}
        )
        return Q(pk__in=contracts.values("firm_id"))

    return firm_q


class FirmOwnership(models.TextChoices):
    STATE_OWNED = "state_owned", _("State-owned")
    PRIVATE = "private", _("Private")
    COMMUNITY_RUN = "community_run", _("Community-run")
    COLLECTIVE = "collective", _("Collective")


class RedPropertyStanding(models.TextChoices):
    NONE = "", _("Not participating")
    PARTICIPATING = "participating", _("Participating")
    MODEL = "model", _("Model enterprise")
    BENCHMARK = "benchmark", _("Benchmark enterprise")


class PropertyFirm(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True,
        validators=[validate_credit_code],
    )
    ownership = models.CharField(_("ownership"), max_length=16, choices=FirmOwnership.choices)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    red_standing = models.CharField(
        _("Red Property standing"), max_length=16, choices=RedPropertyStanding.choices,
        blank=True, default=RedPropertyStanding.NONE,
    )
    red_standing_year = models.PositiveSmallIntegerField(
        _("standing since (year)"), null=True, blank=True
    )

    # A firm's staff see the firm itself; officials see the firms serving their area.
    scope_lookups = {
        "firm": "pk",
        **{
            level: _firms_serving(path)
            for level, path in lookups_via(compound="compound").items()
        },
    }

    class Meta:
        verbose_name = _("property firm")
        verbose_name_plural = _("property firms")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(red_standing="") | Q(red_standing_year__isnull=False),
                name="firm_standing_has_year",
                violation_error_message=_("Give the year of the Red Property standing."),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class ServiceContract(models.Model):
    """A firm serving a compound under one management mode, for a period.

    Changing firm or mode ends the old contract and starts a new one, so the history
    is kept for before/after comparisons. A compound's mode follows its active contract.
    """

    firm = models.ForeignKey(
        PropertyFirm, on_delete=models.PROTECT, related_name="contracts",
        verbose_name=_("property firm"), null=True, blank=True,
        help_text=_("Empty for a community-led service centre."),
    )
    compound = models.ForeignKey(
        "communities.Compound", on_delete=models.PROTECT, related_name="service_contracts",
        verbose_name=_("compound"),
    )
    mode = models.CharField(_("management mode"), max_length=24, choices=ManagementMode.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    fee_standard = models.DecimalField(
        _("fee standard (yuan per m² per month)"), max_digits=6, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ContractStatus.choices, default=ContractStatus.ACTIVE,
        db_index=True,
    )

    scope_lookups = {**lookups_via(compound="compound"), "firm": "firm"}

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["compound__name", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound"], condition=Q(status="active"),
                name="one_active_contract_per_compound",
                violation_error_message=_("This compound already has an active contract."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="contract_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(fee_standard__gte=0),
                name="contract_fee_not_negative",
                violation_error_message=_("The fee standard cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(mode__in=["community_led", "none"]) | Q(firm__isnull=False)
                ),
                name="contract_firm_required_for_mode",
                violation_error_message=_("Choose the property firm for this mode."),
            ),
        ]

    def __str__(self):
        firm = self.firm.name if self.firm_id else _("community service centre")
        return f"{self.compound} · {firm} · {self.get_mode_display()}"
