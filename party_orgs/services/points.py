"""Demonstration points: the application, the three-step review (三审) and the yearly
five-standard assessment (五有)."""


from django.db import transaction
from django.utils.translation import gettext as _

from communities import audit
from communities.access.scoping import scope_for_user
from communities.models import AuditAction, StaffRole
from core.errors import ApplicationError, ConflictError
from core.services import save_validated
from core.timeutils import local_today

from ..models import (
    DemonstrationAssessment,
    DemonstrationPoint,
    DemonstrationReview,
    PartyOrganization,
    PointStatus,
    ReviewDecision,
    ReviewStep,
)
from ..notices import notify_point_review
from .common import (
    _apply_changes,
    _person,
    _require_in_scope,
    _require_role,
)

# ---------------------------------------------------------------------------
# Demonstration points: application and the three-step review (三审)
# ---------------------------------------------------------------------------

# What each open status waits for: the step, the role that takes it, and the ORM path
# from the point's community to that role's node.
NEXT_STEP = {
    PointStatus.AWAITING_STREET: (ReviewStep.STREET_REVIEW, StaffRole.STREET_STAFF, "street_id"),
    PointStatus.AWAITING_DISTRICT: (
        ReviewStep.DISTRICT_DECISION, StaffRole.DISTRICT_OFFICIAL, "district_id",
    ),
}


def _node_of_community(community, attribute):
    if attribute == "street_id":
        return community.street_id
    return community.street.district_id


def _require_community_staff(actor, community, message):
    """The branch acts through its community's staff (or the platform administrator)."""
    if actor is None or actor.is_superuser:
        return
    scope = scope_for_user(actor)
    if scope.role != StaffRole.COMMUNITY_STAFF:
        raise ApplicationError(message, code="wrong_role", status_code=403)
    if scope.node_id != community.pk:
        raise ApplicationError(_("This community is not in your area."), code="out_of_scope",
                               status_code=404)


def _record_review(point, *, step, decision, actor, comment):
    role = scope_for_user(actor).role if actor is not None else ""
    return save_validated(
        DemonstrationReview(
            point=point, round=point.round, step=step, decision=decision, reviewer=actor,
            reviewer_role=role or ("superuser" if actor and actor.is_superuser else ""),
            comment=comment,
        )
    )


def check_demonstration_point_apply(*, actor, organization: PartyOrganization,
                                    goals: str) -> None:
    """A community's organisation applies, through its community's staff, with goals."""
    if organization.community_id is None:
        raise ApplicationError(
            _("Only a community's Party organisation can apply for a demonstration point."),
            code="not_community_org", fields=("organization",),
        )
    _require_community_staff(
        actor, organization.community,
        _("Only the community's staff can submit a branch's application."),
    )
    if not (goals or "").strip():
        raise ApplicationError(_("Describe the goals of the demonstration point."),
                               code="goals_required", fields=("goals",))


@transaction.atomic
def demonstration_point_update(*, actor=None, point: DemonstrationPoint,
                               **changes) -> DemonstrationPoint:
    """Correct a point's name or cadre (its goals change through a resubmission, its
    status through the review)."""
    point = DemonstrationPoint.objects.select_for_update().get(pk=point.pk)
    _require_in_scope(actor, point)
    return _apply_changes(point, changes, {"name", "cadre"})


@transaction.atomic
def demonstration_point_apply(
    *, actor, organization: PartyOrganization, name: str, year: int, goals: str, cadre=None,
) -> DemonstrationPoint:
    """Step one of 三审: a branch (through its community's staff) applies."""
    check_demonstration_point_apply(actor=actor, organization=organization, goals=goals)
    point = save_validated(
        DemonstrationPoint(
            community=organization.community, organization=organization, name=name,
            year=year, goals=goals, cadre=cadre,
        )
    )
    _record_review(point, step=ReviewStep.APPLICATION, decision=ReviewDecision.SUBMITTED,
                   actor=actor, comment="")
    notify_point_review(point)
    return point


@transaction.atomic
def demonstration_point_review(*, actor, point: DemonstrationPoint, decision: str,
                               comment: str = "") -> DemonstrationPoint:
    """Steps two and three of 三审: the street's first review, then the district's decision.
    Only the role of the current step, over the point's street or district, can act."""
    point = (
        DemonstrationPoint.objects.select_for_update()
        .select_related("community__street")
        .get(pk=point.pk)
    )
    if decision not in (ReviewDecision.APPROVED, ReviewDecision.REJECTED):
        raise ApplicationError(_("Choose to approve or to return the application."),
                               code="invalid_decision")
    if point.status == PointStatus.APPROVED:
        raise ConflictError(_("This application has already been approved."),
                            code="already_decided")
    if point.status == PointStatus.REJECTED:
        raise ConflictError(
            _("This application was returned; the branch must revise and resubmit it first."),
            code="awaiting_resubmission",
        )
    step, role, node_attribute = NEXT_STEP[PointStatus(point.status)]
    scope = scope_for_user(actor)
    if scope.role != role:
        waiting = point.status
        if waiting == PointStatus.AWAITING_STREET and scope.role == StaffRole.DISTRICT_OFFICIAL:
            raise ConflictError(
                _("The street Party working committee has not reviewed this application yet; "
                  "the district decides after the first review."),
                code="out_of_order",
            )
        if waiting == PointStatus.AWAITING_DISTRICT and scope.role == StaffRole.STREET_STAFF:
            raise ConflictError(
                _("The street has already reviewed this application; it now awaits the "
                  "district organisation department's decision."),
                code="out_of_order",
            )
        message = (
            _("Only the street Party working committee (street staff) can give the first review.")
            if step == ReviewStep.STREET_REVIEW
            else _("Only the district organisation department (district officials) can decide.")
        )
        raise ApplicationError(message, code="wrong_role", status_code=403)
    if scope.node_id != _node_of_community(point.community, node_attribute):
        raise ApplicationError(_("This application is not in your area."), code="out_of_scope",
                               status_code=404)
    comment = (comment or "").strip()
    if decision == ReviewDecision.REJECTED and not comment:
        raise ApplicationError(_("Give the reason for returning the application."),
                               code="reason_required")
    _record_review(point, step=step, decision=decision, actor=actor, comment=comment)
    before = point.status
    if decision == ReviewDecision.REJECTED:
        point.status = PointStatus.REJECTED
    elif step == ReviewStep.STREET_REVIEW:
        point.status = PointStatus.AWAITING_DISTRICT
    else:
        point.status = PointStatus.APPROVED
        point.approved_on = local_today()
    audit.record(action=AuditAction.REVIEW_DECISION, obj=point, actor=actor, changes={
        "step": step, "decision": decision, "status": [before, point.status],
        "comment": comment,
    })
    save_validated(point, update_fields=["status", "approved_on"])
    notify_point_review(point)
    return point


@transaction.atomic
def demonstration_point_resubmit(*, actor, point: DemonstrationPoint, goals: str,
                                 comment: str = "") -> DemonstrationPoint:
    """A returned application, revised, starts a new round of the review."""
    point = DemonstrationPoint.objects.select_for_update().select_related("community").get(
        pk=point.pk
    )
    _require_community_staff(
        actor, point.community, _("Only the community's staff can resubmit the application.")
    )
    if point.status != PointStatus.REJECTED:
        raise ConflictError(_("Only a returned application can be resubmitted."),
                            code="not_returned")
    if not goals.strip():
        raise ApplicationError(_("Describe the goals of the demonstration point."),
                               code="goals_required")
    point.goals = goals
    point.round += 1
    point.status = PointStatus.AWAITING_STREET
    save_validated(point, update_fields=["goals", "round", "status"])
    _record_review(point, step=ReviewStep.APPLICATION, decision=ReviewDecision.SUBMITTED,
                   actor=actor, comment=comment)
    notify_point_review(point)
    return point


def check_demonstration_assessment(*, actor, point: DemonstrationPoint, year: int) -> None:
    """Street staff or district officials assess an approved point of their area, once a
    year."""
    _require_in_scope(actor, point)
    _require_role(
        actor, [StaffRole.DISTRICT_OFFICIAL, StaffRole.STREET_STAFF],
        _("Only street staff or district officials assess demonstration points."),
    )
    if point.status != PointStatus.APPROVED:
        raise ApplicationError(_("Only an approved demonstration point is assessed."),
                               code="not_approved", fields=("point",))
    if DemonstrationAssessment.objects.filter(point=point, year=year).exists():
        raise ConflictError(_("This point has already been assessed for the year."),
                            code="already_assessed")


@transaction.atomic
def demonstration_assessment_record(
    *, actor=None, point: DemonstrationPoint, year: int, scores: dict, evidence: dict,
) -> DemonstrationAssessment:
    """The five-standard (五有) assessment of an approved point, once per year."""
    point = DemonstrationPoint.objects.select_for_update().get(pk=point.pk)
    check_demonstration_assessment(actor=actor, point=point, year=year)
    fields = {}
    for code in ("organisation", "governance", "service", "neighbourliness", "safety"):
        fields[f"{code}_score"] = scores.get(code)
        fields[f"{code}_evidence"] = evidence.get(code, "")
    return save_validated(
        DemonstrationAssessment(point=point, year=year, assessor=_person(actor), **fields)
    )
