"""Party organisations as a tree, their members, joint meetings and their decisions,
demonstration points (三审 review, 五有 assessment), work ledgers, the three lists and
community funds."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.access.scoping import lookups_via
from core.validators import validate_phone
from properties.models import ServiceContract

# ---------------------------------------------------------------------------
# Scope of Party organisations: through their community; a property firm's organisation
# (which has no community) through the compounds the firm serves under an active contract.
# ---------------------------------------------------------------------------

_COMMUNITY_PATHS = lookups_via(community="community")


def _org_scope(prefix: str = ""):
    """scope_lookups for PartyOrganization (prefix "") or a model hanging off one
    (prefix "organization__")."""

    def level_q(level):
        community_path = _COMMUNITY_PATHS[level]
        contract_path = f"compound__{community_path}"

        def q(scope) -> Q:

            firms = ServiceContract.objects.filter(
                status="active", **{contract_path: scope.node_id}
            ).values("firm_id")
            return Q(**{f"{prefix}{community_path}": scope.node_id}) | Q(
                **{f"{prefix}firm__in": firms}
            )

        return q

    def grid_q(scope) -> Q:
        return Q(**{f"{prefix}grid": scope.node_id})

    lookups = {level: level_q(level) for level in _COMMUNITY_PATHS}
    lookups["grid"] = grid_q
    lookups["firm"] = f"{prefix}firm"
    return lookups


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General Party branch")
    BRANCH = "branch", _("Party branch")
    GROUP = "group", _("Party group")


class OrgUnitType(models.TextChoices):
    COMMUNITY = "community", _("Community")
    COMPOUND = "compound", _("Residential compound")
    GRID = "grid", _("Grid")
    BUILDING = "building", _("Building")
    FIRM = "firm", _("Property firm")
    RESIDENT_UNIT = "resident_unit", _("Resident unit")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")


# The link each unit type needs (besides the community every non-firm organisation has).
UNIT_LINK = {
    OrgUnitType.COMPOUND: "compound",
    OrgUnitType.GRID: "grid",
    OrgUnitType.BUILDING: "building",
    OrgUnitType.FIRM: "firm",
    OrgUnitType.OWNERS_COMMITTEE: "compound",
    OrgUnitType.RESIDENT_UNIT: "unit_name",
}
PATH_STEP = 8  # digits per level of the materialised path


class PartyOrganization(models.Model):
    """A node of the Party organisation tree.

    ``path`` is the materialised path of ids ("00000001.00000004"), so a subtree is one
    ``path__startswith`` query. Firm organisations have no community; every other one
    keeps its community (derived from its unit), which is also how it is scoped.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    unit_type = models.CharField(_("located in"), max_length=20, choices=OrgUnitType.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent organisation"),
    )
    path = models.CharField(_("tree path"), max_length=255, editable=False, db_index=True,
                            default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)
    community = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, null=True, blank=True,
        related_name="party_organisations", verbose_name=_("community"),
    )
    compound = models.ForeignKey(
        "communities.Compound", on_delete=models.PROTECT, null=True, blank=True,
        related_name="party_organisations", verbose_name=_("compound"),
    )
    grid = models.ForeignKey(
        "communities.Grid", on_delete=models.PROTECT, null=True, blank=True,
        related_name="party_organisations", verbose_name=_("grid"),
    )
    building = models.ForeignKey(
        "communities.Building", on_delete=models.PROTECT, null=True, blank=True,
        related_name="party_organisations", verbose_name=_("building"),
    )
    firm = models.ForeignKey(
        "properties.PropertyFirm", on_delete=models.PROTECT, null=True, blank=True,
        related_name="party_organisations", verbose_name=_("property firm"),
    )
    unit_name = models.CharField(
        _("resident unit"), max_length=100, blank=True,
        help_text=_("Name of the resident unit (驻区单位), for its organisation."),
    )
    secretary_name = models.CharField(_("secretary / leader"), max_length=50, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    scope_lookups = _org_scope()

    class Meta:
        verbose_name = _("Party organisation")
        verbose_name_plural = _("Party organisations")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="party_org_name_unique_under_parent",
                violation_error_message=_(
                    "An organisation with this name already exists under the same parent."
                ),
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True),
                name="party_org_root_name_unique",
                violation_error_message=_("A top-level organisation with this name exists."),
            ),
            models.CheckConstraint(
                condition=Q(unit_type="firm", firm__isnull=False)
                | (~Q(unit_type="firm") & Q(community__isnull=False)),
                name="party_org_has_its_unit",
                violation_error_message=_(
                    "A firm's organisation needs the firm; every other one its community."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        link = UNIT_LINK.get(self.unit_type)
        if link and not (getattr(self, f"{link}_id", None) if link != "unit_name"
                         else self.unit_name):
            errors[link] = _("Choose the unit the organisation sits in.")
        # Derive the community from the unit, and refuse a unit of another community.
        derived = None
        if self.building_id:
            derived = self.building.compound.community_id
        elif self.grid_id:
            derived = self.grid.community_id
        elif self.compound_id:
            derived = self.compound.community_id
        if derived is not None:
            if self.community_id and self.community_id != derived:
                errors["community"] = _("The unit lies in another community.")
            else:
                self.community_id = derived
        if self.unit_type != OrgUnitType.FIRM and not self.community_id:
            errors.setdefault("community", _("Choose the community."))
        if self.parent_id:
            if self.pk and (self.parent_id == self.pk or self.parent.path.startswith(
                    f"{self.path}.") or self.parent.path == self.path):
                errors["parent"] = _("An organisation cannot sit under itself.")
            elif (
                self.unit_type != OrgUnitType.FIRM
                and self.parent.community_id
                and self.parent.community_id != self.community_id
            ):
                errors["parent"] = _("The parent organisation is in another community.")
        if errors:
            raise ValidationError(errors)

    def subtree_q(self) -> Q:
        return Q(path=self.path) | Q(path__startswith=f"{self.path}.")


class MemberRole(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy", _("Deputy secretary")
    GROUP_LEADER = "group_leader", _("Group leader")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    MEMBER = "member", _("Member")


class PartyMember(models.Model):
    organization = models.ForeignKey(
        PartyOrganization, on_delete=models.PROTECT, related_name="members",
        verbose_name=_("Party organisation"),
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices,
                            default=MemberRole.MEMBER)
    joined_on = models.DateField(_("joined the Party on"), null=True, blank=True)
    is_central_household = models.BooleanField(
        _("Party-member central household"), default=False,
        help_text=_("党员中心户: looks after the households of a building."),
    )
    households = models.ManyToManyField(
        "communities.Household", blank=True, related_name="central_household_members",
        verbose_name=_("households looked after"),
    )
    model_post = models.CharField(
        _("model post"), max_length=100, blank=True,
        help_text=_("党员示范岗: the post, e.g. the firm's service window."),
    )
    shows_identity = models.BooleanField(_("shows Party identity"), default=False)
    public_commitment = models.TextField(_("public commitment"), blank=True)

    scope_lookups = _org_scope("organization__")

    class Meta:
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        ordering = ["organization__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name", "phone"], name="party_member_unique_in_org",
                violation_error_message=_("This member is already in the organisation."),
            )
        ]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------------------
# Joint meetings (联席会议) and their decisions
# ---------------------------------------------------------------------------


class MeetingKind(models.TextChoices):
    THREE_PARTY = "three_party", _("Three-party monthly meeting")
    PARTY_BUILDING = "party_building", _("Party-building joint meeting with resident units")


class JointMeeting(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, related_name="joint_meetings",
        verbose_name=_("community"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    held_at = models.DateTimeField(_("held at"), db_index=True)
    title = models.CharField(_("title"), max_length=120)
    organizations = models.ManyToManyField(
        PartyOrganization, blank=True, related_name="meetings",
        verbose_name=_("attending organisations"),
    )
    attendees = models.TextField(_("attendees"), blank=True,
                                 help_text=_("People present, one per line."))
    owners_committee_present = models.BooleanField(
        _("owners' committee present"), default=False,
        help_text=_("业委会 or 物管会 representatives took part."),
    )
    compounds = models.ManyToManyField(
        "communities.Compound", blank=True, related_name="joint_meetings",
        verbose_name=_("compounds concerned"),
    )
    topics = models.TextField(_("topics"))
    minutes = models.TextField(_("minutes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_lookups = lookups_via(community="community")

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_at"]

    def __str__(self):
        return self.title


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ActionItem(models.Model):
    """A decision of a joint meeting: who does what by when."""

    meeting = models.ForeignKey(
        JointMeeting, on_delete=models.CASCADE, related_name="action_items",
        verbose_name=_("joint meeting"),
    )
    description = models.CharField(_("decision"), max_length=300)
    owner = models.CharField(_("owner"), max_length=100)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices,
                              default=ActionStatus.OPEN, db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    compounds = models.ManyToManyField(
        "communities.Compound", blank=True, related_name="action_items",
        verbose_name=_("compounds concerned"),
    )

    scope_lookups = lookups_via(community="meeting__community")

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="done") & Q(done_on__isnull=False))
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="action_item_done_has_date",
                violation_error_message=_("A done item has the day it was done, and only then."),
            )
        ]

    def __str__(self):
        return self.description


# ---------------------------------------------------------------------------
# Demonstration points (示范点): the three-step review and the five-standard assessment
# ---------------------------------------------------------------------------


class PointStatus(models.TextChoices):
    AWAITING_STREET = "awaiting_street", _("Awaiting the street's first review")
    AWAITING_DISTRICT = "awaiting_district", _("Awaiting the district's decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Returned for revision")


class DemonstrationPoint(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, related_name="demonstration_points",
        verbose_name=_("community"),
    )
    organization = models.ForeignKey(
        PartyOrganization, on_delete=models.PROTECT, related_name="demonstration_points",
        verbose_name=_("applying branch"),
    )
    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    goals = models.TextField(_("goals"))
    status = models.CharField(_("review status"), max_length=20, choices=PointStatus.choices,
                              default=PointStatus.AWAITING_STREET, db_index=True)
    round = models.PositiveSmallIntegerField(
        _("application round"), default=1, help_text=_("1 for the first application, +1 for "
                                                        "each resubmission."),
    )
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="demonstration_points", verbose_name=_("assigned cadre"),
        help_text=_("The cadre assigned to the point (挂点包干), who files the reports."),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True, editable=False)

    scope_lookups = lookups_via(community="community")

    class Meta:
        verbose_name = _("demonstration point")
        verbose_name_plural = _("demonstration points")
        ordering = ["-year", "community__name", "name"]
        permissions = [
            ("review_demonstrationpoint", _("Can review demonstration-point applications")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name", "year"], name="demo_point_unique_per_year",
                violation_error_message=_(
                    "This community already applied for a point with this name this year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="approved", approved_on__isnull=False)
                | (~Q(status="approved") & Q(approved_on__isnull=True)),
                name="demo_point_approved_has_date",
                violation_error_message=_("An approved point has its approval date."),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.year}）"


class ReviewStep(models.TextChoices):
    APPLICATION = "application", _("Branch application")
    STREET_REVIEW = "street_review", _("Street first review")
    DISTRICT_DECISION = "district_decision", _("District decision")


class ReviewDecision(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DemonstrationReview(models.Model):
    """One step of the 三审 review, as it happened; never edited."""

    point = models.ForeignKey(
        DemonstrationPoint, on_delete=models.CASCADE, related_name="reviews",
        verbose_name=_("demonstration point"),
    )
    round = models.PositiveSmallIntegerField(_("application round"))
    step = models.CharField(_("step"), max_length=20, choices=ReviewStep.choices)
    decision = models.CharField(_("decision"), max_length=12, choices=ReviewDecision.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewer_role = models.CharField(_("reviewer's role"), max_length=20)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    scope_lookups = lookups_via(community="point__community")

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["point", "decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "round", "step"], name="demo_review_step_once_per_round",
                violation_error_message=_("This step was already taken in this round."),
            )
        ]

    def __str__(self):
        return f"{self.point} · {self.get_step_display()} · {self.get_decision_display()}"


SCORE_RANGE = [MinValueValidator(0), MaxValueValidator(20)]
FIVE_STANDARDS = (
    ("organisation", _("Strong organisation")),
    ("governance", _("Effective governance")),
    ("service", _("Quality service")),
    ("neighbourliness", _("Caring neighbourhood")),
    ("safety", _("Safety and order")),
)


class DemonstrationAssessment(models.Model):
    """The five-standard (五有) assessment of an approved point for one year; 0–20 each."""

    point = models.ForeignKey(
        DemonstrationPoint, on_delete=models.CASCADE, related_name="assessments",
        verbose_name=_("demonstration point"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    organisation_score = models.PositiveSmallIntegerField(_("Strong organisation"),
                                                          validators=SCORE_RANGE)
    organisation_evidence = models.TextField(_("evidence: strong organisation"))
    governance_score = models.PositiveSmallIntegerField(_("Effective governance"),
                                                        validators=SCORE_RANGE)
    governance_evidence = models.TextField(_("evidence: effective governance"))
    service_score = models.PositiveSmallIntegerField(_("Quality service"),
                                                     validators=SCORE_RANGE)
    service_evidence = models.TextField(_("evidence: quality service"))
    neighbourliness_score = models.PositiveSmallIntegerField(_("Caring neighbourhood"),
                                                             validators=SCORE_RANGE)
    neighbourliness_evidence = models.TextField(_("evidence: caring neighbourhood"))
    safety_score = models.PositiveSmallIntegerField(_("Safety and order"),
                                                    validators=SCORE_RANGE)
    safety_evidence = models.TextField(_("evidence: safety and order"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("assessed by"),
    )
    assessed_at = models.DateTimeField(_("assessed at"), auto_now_add=True)

    scope_lookups = lookups_via(community="point__community")

    class Meta:
        verbose_name = _("five-standard assessment")
        verbose_name_plural = _("five-standard assessments")
        ordering = ["-year", "point"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "year"], name="demo_assessment_once_per_year",
                violation_error_message=_("This point has already been assessed for the year."),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{code}_score__lte": 20}),
                    name=f"demo_assessment_{code}_at_most_20",
                    violation_error_message=_("Each standard is scored from 0 to 20."),
                )
                for code, _label in FIVE_STANDARDS
            ],
        ]

    def __str__(self):
        return f"{self.point} · {self.year}"

    @property
    def total(self) -> int:
        return sum(getattr(self, f"{code}_score") or 0 for code, _label in FIVE_STANDARDS)


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
