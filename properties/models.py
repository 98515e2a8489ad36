"""Property firms and the service contracts that tie them to compounds."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.access.lookups import lookups_via, served_by_firm
from communities.models import ManagementMode
from core.validators import validate_phone

from .credit_code import is_valid_credit_code
from .owner_votes.models import Ballot, OwnerVote  # noqa: F401  (registered with the app)


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
        contracts = ServiceContract.objects.active().filter(
            **{contract_path_to_node: scope.node_id}
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
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_phone]
    )
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


class ServiceContractQuerySet(models.QuerySet):
    """The one way to say "active contract" (at most one per compound)."""

    def active(self):
        """Contracts in force: not ended."""
        return self.filter(status=ContractStatus.ACTIVE)

    def serving(self, firm):
        """The active contracts of ``firm`` (a PropertyFirm or its id): the compounds it
        serves now."""
        return self.active().filter(firm=firm)


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

    objects = ServiceContractQuerySet.as_manager()

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


# Scope of records hanging off a compound: the hierarchy above it, and for firm staff
# the compounds their firm holds an active contract for.
COMPOUND_SCOPE = {**lookups_via(compound="compound"), "firm": served_by_firm("compound__")}


class CommitteeKind(models.TextChoices):
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    MANAGEMENT_COMMITTEE = "management_committee", _("Property management committee")


class OwnersCommittee(models.Model):
    """业委会 (elected by the owners) or 物管会 (set up where no owners' committee exists)."""

    compound = models.ForeignKey(
        "communities.Compound", on_delete=models.PROTECT, related_name="owners_committees",
        verbose_name=_("compound"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=CommitteeKind.choices)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)
    members = models.PositiveSmallIntegerField(_("members"), validators=[MinValueValidator(1)])
    party_members = models.PositiveSmallIntegerField(_("of whom Party members"), default=0)

    scope_lookups = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("owners' committee")
        verbose_name_plural = _("owners' committees")
        ordering = ["compound__name", "-term_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(party_members__lte=models.F("members")),
                name="committee_party_members_within_members",
                violation_error_message=_(
                    "The Party members cannot outnumber the committee's members."
                ),
            ),
            models.CheckConstraint(
                condition=Q(members__gte=1),
                name="committee_has_members",
                violation_error_message=_("A committee has at least one member."),
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="committee_term_ends_after_start",
                violation_error_message=_("The term cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.compound} · {self.get_kind_display()}"

    def is_current_on(self, day) -> bool:
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)


class ImportKind(models.TextChoices):
    BILLS = "bills", _("Fee bills")
    PAYMENTS = "payments", _("Payments")


class ImportOutcome(models.TextChoices):
    QUEUED = "queued", _("Waiting to be imported")
    RUNNING = "running", _("Being imported")
    IMPORTED = "imported", _("Imported")
    REFUSED = "refused", _("Refused (nothing imported)")


class FeeImport(models.Model):
    """One upload of a bills or payments file: who, when, what, and how it ended.

    An upload is queued (the file kept under a private storage path, never served), then
    imported by the Celery task ``properties.tasks.run_fee_import``; the stored file is
    deleted when the import ends, imported or refused."""

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fee_imports",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ImportOutcome.choices)
    rows_total = models.PositiveIntegerField(_("data rows"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    error_count = models.PositiveIntegerField(_("bad rows"), default=0)
    errors = models.JSONField(
        _("errors"), default=list, blank=True,
        help_text=_("The bad rows: row number and reason (the first 1,000)."),
    )
    rows_processed = models.PositiveIntegerField(_("rows processed"), default=0)
    stored_file = models.CharField(
        _("stored file"), max_length=255, blank=True, editable=False,
        help_text=_("Storage path of the uploaded file while the import waits or runs."),
    )
    compounds = models.ManyToManyField(
        "communities.Compound", related_name="fee_imports", blank=True,
        verbose_name=_("compounds"),
    )

    scope_lookups = {
        **lookups_via(compound="compounds"),
        "firm": served_by_firm("compounds__"),
    }

    class Meta:
        verbose_name = _("fee import")
        verbose_name_plural = _("fee imports")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def is_pending(self) -> bool:
        """Queued or running: the report is not ready yet."""
        return self.outcome in (ImportOutcome.QUEUED, ImportOutcome.RUNNING)


class FeeBill(models.Model):
    """What a household owes for one period (usually a calendar month)."""

    household = models.ForeignKey(
        "communities.Household", on_delete=models.PROTECT, related_name="fee_bills",
        verbose_name=_("household"),
    )
    # Kept equal to household.compound by the services: rollups group by it.
    compound = models.ForeignKey(
        "communities.Compound", on_delete=models.PROTECT, related_name="fee_bills",
        verbose_name=_("compound"), editable=False,
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    amount_due = models.DecimalField(
        _("amount due (yuan)"), max_digits=10, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount_waived = models.DecimalField(
        _("amount waived (yuan)"), max_digits=10, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_import = models.ForeignKey(
        FeeImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="bills",
        verbose_name=_("imported by"), editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_lookups = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("fee bill")
        verbose_name_plural = _("fee bills")
        ordering = ["-period_start", "household_id"]
        indexes = [
            models.Index(fields=["compound", "period_start"], name="bill_compound_period"),
            # The monthly fee roll-up reads one month of bills: an index-only scan of this
            # instead of a scan of the whole table (EXPLAIN ANALYZE, README "Benchmarks").
            models.Index(fields=["period_start", "compound", "amount_due", "amount_waived"],
                         name="bill_period_rollup"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "period_start"],
                name="one_bill_per_household_period",
                violation_error_message=_("This household already has a bill for this period."),
            ),
            models.CheckConstraint(
                condition=Q(amount_due__gte=0) & Q(amount_waived__gte=0),
                name="bill_amounts_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(amount_waived__lte=models.F("amount_due")),
                name="bill_waived_within_due",
                violation_error_message=_("The amount waived cannot exceed the amount due."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="bill_period_ends_after_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.household} · {self.period_start:%Y-%m}"

    @property
    def amount_payable(self) -> Decimal:
        return self.amount_due - self.amount_waived


class PaymentChannel(models.TextChoices):
    CASH = "cash", _("Cash")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    BANK = "bank", _("Bank transfer")


class Payment(models.Model):
    """Money received against a bill. Never deleted: a mistaken payment is voided."""

    bill = models.ForeignKey(
        FeeBill, on_delete=models.PROTECT, related_name="payments", verbose_name=_("bill")
    )
    compound = models.ForeignKey(
        "communities.Compound", on_delete=models.PROTECT, related_name="payments",
        verbose_name=_("compound"), editable=False,
    )
    # The firm that issued the receipt (the compound's contracted firm); empty when the
    # community collected the fee itself.
    firm = models.ForeignKey(
        PropertyFirm, on_delete=models.PROTECT, null=True, blank=True, related_name="payments",
        verbose_name=_("property firm"), editable=False,
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    paid_at = models.DateTimeField(_("paid at"))
    channel = models.CharField(_("channel"), max_length=8, choices=PaymentChannel.choices)
    receipt_no = models.CharField(_("receipt number"), max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"), editable=False,
    )
    fee_import = models.ForeignKey(
        FeeImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="payments",
        verbose_name=_("imported by"), editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("voided by"), editable=False,
    )

    scope_lookups = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("The amount paid must be greater than zero."),
            ),
            models.UniqueConstraint(
                fields=["firm", "receipt_no"], condition=Q(firm__isnull=False),
                name="receipt_no_unique_per_firm",
                violation_error_message=_("This receipt number has already been used."),
            ),
            models.UniqueConstraint(
                fields=["compound", "receipt_no"], condition=Q(firm__isnull=True),
                name="receipt_no_unique_per_compound_without_firm",
                violation_error_message=_("This receipt number has already been used."),
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="void_has_reason",
                violation_error_message=_("Give the reason for voiding the payment."),
            ),
        ]

    def __str__(self):
        return f"{self.receipt_no} · {self.amount}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class DisclosureItem(models.TextChoices):
    """The five items a compound's notice board must carry (DESIGN §5)."""

    FIRM_AND_MANAGER = "firm_manager", _("Property firm and project manager")
    SERVICE_STANDARDS = "service_standards", _("Service content and standards")
    FEE_STANDARDS = "fee_standards", _("Fee items and standards")
    PUBLIC_REVENUE = "public_revenue", _("Public-area revenue and spending")
    MAINTENANCE_FUND = "maintenance_fund", _("Use of the maintenance fund")


def disclosure_upload_to(instance, filename):
    return f"disclosures/{instance.compound_id}/{filename}"


class Disclosure(models.Model):
    """A notice on a compound's public board (公示栏)."""

    compound = models.ForeignKey(
        "communities.Compound", on_delete=models.PROTECT, related_name="disclosures",
        verbose_name=_("compound"),
    )
    firm = models.ForeignKey(
        PropertyFirm, on_delete=models.PROTECT, null=True, blank=True,
        related_name="disclosures", verbose_name=_("property firm"),
        help_text=_("Empty when the community publishes for a community-led compound."),
    )
    item = models.CharField(_("item"), max_length=20, choices=DisclosureItem.choices)
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"))
    attachment = models.FileField(
        _("attachment"), upload_to=disclosure_upload_to, blank=True, max_length=200,
        help_text=_("A PDF or a JPEG/PNG image, at most 10 MB."),
    )
    attachment_type = models.CharField(max_length=40, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True,
        help_text=_("Leave empty if the notice stays valid until replaced."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("published by"), editable=False,
    )

    scope_lookups = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["compound__name", "item", "-published_at"]
        indexes = [models.Index(fields=["compound", "item"], name="disclosure_compound_item")]

    def __str__(self):
        return f"{self.compound} · {self.title}"

    def is_current_on(self, day, now) -> bool:
        return self.published_at <= now and (self.valid_until is None or self.valid_until >= day)


class Inspection(models.Model):
    """A contract-fulfilment inspection (履约检查) of a compound's service contract."""

    compound = models.ForeignKey(
        "communities.Compound", on_delete=models.PROTECT, related_name="inspections",
        verbose_name=_("compound"),
    )
    contract = models.ForeignKey(
        ServiceContract, on_delete=models.PROTECT, related_name="inspections",
        verbose_name=_("service contract"),
    )
    date = models.DateField(_("date"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("inspector"),
    )
    note = models.TextField(_("note"), blank=True)

    scope_lookups = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.compound} · {self.date}"

    def clean(self):
        super().clean()
        if self.contract_id and self.compound_id and self.contract.compound_id != self.compound_id:
            raise ValidationError(
                {"contract": _("The contract does not belong to this compound.")}
            )


def inspection_photo_upload_to(instance, filename):
    return f"inspections/{instance.inspection.compound_id}/{filename}"


class InspectionItem(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="items", verbose_name=_("inspection")
    )
    clause = models.CharField(
        _("clause or service standard"), max_length=200,
        help_text=_("The contract clause or service standard checked."),
    )
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    photo = models.ImageField(
        _("photo"), upload_to=inspection_photo_upload_to, blank=True, max_length=200
    )

    scope_lookups = {
        **lookups_via(compound="inspection__compound"),
        "firm": served_by_firm("inspection__compound__"),
    }

    class Meta:
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")
        ordering = ["inspection_id", "id"]

    def __str__(self):
        return self.clause


class RenovationWork(models.TextChoices):
    WATER = "water", _("Water supply and drainage")
    POWER = "power", _("Power supply")
    GAS = "gas", _("Gas")
    HEATING = "heating", _("Heating")
    ROADS = "roads", _("Roads")
    PARKING = "parking", _("Parking")
    FACADES = "facades", _("Facades and insulation")
    LIFTS = "lifts", _("Lifts")
    GREENING = "greening", _("Greening")
    SECURITY = "security", _("Security and fire safety")
    BARRIER_FREE = "barrier_free", _("Barrier-free access")


class RenovationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class RenovationProject(models.Model):
    """An old-compound renovation project (老旧小区改造)."""

    compound = models.ForeignKey(
        "communities.Compound", on_delete=models.PROTECT, related_name="renovation_projects",
        verbose_name=_("compound"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000)],
    )
    works = models.JSONField(_("works"), default=list)
    budget = models.DecimalField(
        _("budget (yuan)"), max_digits=14, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RenovationStatus.choices,
        default=RenovationStatus.PLANNED,
    )
    completion_date = models.DateField(_("completion date"), null=True, blank=True)

    scope_lookups = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("renovation project")
        verbose_name_plural = _("renovation projects")
        ordering = ["-year", "compound__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="renovation_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completion_date__isnull=False),
                name="renovation_completed_has_date",
                violation_error_message=_("Give the completion date of a completed project."),
            ),
        ]

    def __str__(self):
        return f"{self.compound} · {self.year}"

    def clean(self):
        super().clean()
        valid = set(RenovationWork.values)
        if not isinstance(self.works, list) or not self.works:
            raise ValidationError({"works": _("Choose at least one kind of work.")})
        if not set(self.works) <= valid:
            raise ValidationError({"works": _("Unknown kind of renovation work.")})
        if len(set(self.works)) != len(self.works):
            raise ValidationError({"works": _("A kind of work is listed twice.")})

    def get_works_display(self) -> str:
        labels = dict(RenovationWork.choices)
        return "、".join(str(labels[code]) for code in self.works if code in labels)
