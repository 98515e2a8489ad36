"""Demonstration points (示范点): the three-step review and the five-standard assessment."""


from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.access.lookups import lookups_via

from .organisations import PartyOrganization

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
