"""Every write of the Party organisation ledgers. One function per use case; each checks
the actor's scope (and, for the 三审 review, the actor's role and the current step)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from communities import audit
from communities.access.scoping import is_in_scope, scope_for_user
from communities.models import AuditAction, StaffRole
from core.errors import ApplicationError, ConflictError
from core.services import require_aware_past, save_validated
from core.timeutils import local, local_today

from .models import (
    PATH_STEP,
    ActionItem,
    ActionStatus,
    DemonstrationAssessment,
    DemonstrationPoint,
    DemonstrationReview,
    FundAllocation,
    FundSpending,
    JointMeeting,
    ListItem,
    MeetingKind,
    OrgUnitType,
    PartyMember,
    PartyOrganization,
    PointStatus,
    ReportKind,
    ReviewDecision,
    ReviewStep,
    WorkReport,
)
from .notices import notify_point_review

FUTURE_TOLERANCE = timedelta(minutes=5)


def _require_in_scope(actor, obj, message=None):
    """Services called by a person check the person's scope; None is the system (demo data,
    tasks)."""
    if actor is not None and not is_in_scope(actor, obj):
        raise ApplicationError(
            message or _("This record is not in your area."), code="out_of_scope",
            status_code=404,
        )


def _require_role(actor, roles, message):
    if actor is None or actor.is_superuser:
        return
    if scope_for_user(actor).role not in {str(r) for r in roles}:
        raise ApplicationError(message, code="wrong_role", status_code=403)


def _person(actor):
    return actor if actor is not None and actor.is_authenticated else None


# ---------------------------------------------------------------------------
# Organisations and members
# ---------------------------------------------------------------------------


def _path_segment(pk: int) -> str:
    return f"{pk:0{PATH_STEP}d}"


@transaction.atomic
def party_org_create(
    *, actor=None, name: str, kind: str, unit_type: str, parent: PartyOrganization | None = None,
    community=None, compound=None, grid=None, building=None, firm=None, unit_name: str = "",
    secretary_name: str = "", founded_on: date | None = None,
) -> PartyOrganization:
    """Add an organisation to the tree; its path is its parent's path plus its own id."""
    if parent is not None:
        _require_in_scope(actor, parent, _("The parent organisation is not in your area."))
        if community is None and unit_type != OrgUnitType.FIRM:
            community = parent.community
        if grid is None and parent.grid_id and unit_type == OrgUnitType.BUILDING:
            grid = parent.grid
    if actor is not None and community is not None:
        _require_in_scope(actor, community, _("This community is not in your area."))
    org = PartyOrganization(
        name=name, kind=kind, unit_type=unit_type, parent=parent, community=community,
        compound=compound, grid=grid, building=building, firm=firm, unit_name=unit_name,
        secretary_name=secretary_name, founded_on=founded_on,
    )
    org.full_clean()
    if (
        grid is not None and building is not None
        and not grid.buildings.filter(pk=building.pk).exists()
    ):
        raise ApplicationError(_("The building is not covered by the grid."), code="invalid")
    org.save()
    segment = _path_segment(org.pk)
    org.path = f"{parent.path}.{segment}" if parent is not None else segment
    org.depth = parent.depth + 1 if parent is not None else 0
    org.save(update_fields=["path", "depth"])
    return org


@transaction.atomic
def party_org_move(*, actor=None, org: PartyOrganization, parent: PartyOrganization | None):
    """Hang ``org`` (and its whole subtree) under ``parent``: one UPDATE for the subtree."""
    org = PartyOrganization.objects.select_for_update().get(pk=org.pk)
    _require_in_scope(actor, org)
    if parent is not None:
        _require_in_scope(actor, parent, _("The parent organisation is not in your area."))
        parent = PartyOrganization.objects.get(pk=parent.pk)
        if parent.pk == org.pk or parent.path.startswith(f"{org.path}."):
            raise ApplicationError(_("An organisation cannot sit under itself."),
                                   code="cycle")
    org.parent = parent
    org.full_clean()
    old_path, old_depth = org.path, org.depth
    new_path = f"{parent.path}.{_path_segment(org.pk)}" if parent else _path_segment(org.pk)
    new_depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["parent"])
    PartyOrganization.objects.filter(org.subtree_q()).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + (new_depth - old_depth),
    )
    org.refresh_from_db()
    return org


def _apply_changes(obj, changes: dict, allowed: set[str]):
    """Set ``changes`` (only ``allowed`` fields) on ``obj``, validate and save them."""
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here."), code="not_editable",
                               fields=tuple(sorted(unknown)))
    for field, value in changes.items():
        setattr(obj, field, value)
    return save_validated(obj, update_fields=list(changes)) if changes else obj


@transaction.atomic
def party_org_update(*, actor=None, org: PartyOrganization, parent=..., **changes):
    """Correct an organisation's particulars; a new ``parent`` moves its subtree."""
    org = PartyOrganization.objects.select_for_update().get(pk=org.pk)
    _require_in_scope(actor, org)
    _apply_changes(org, changes, {
        "name", "kind", "unit_type", "community", "compound", "grid", "building", "firm",
        "unit_name", "secretary_name", "founded_on",
    })
    if parent is not ...:
        org = party_org_move(actor=actor, org=org, parent=parent)
    return org


def check_party_member(*, organization, is_central_household: bool, households) -> None:
    """Only a central household looks after households, and only of its own community."""
    households = list(households)
    if not households:
        return
    if not is_central_household:
        raise ApplicationError(
            _("Only a Party-member central household looks after households."),
            code="not_central_household", fields=("is_central_household",),
        )
    if any(h.compound.community_id != organization.community_id for h in households):
        raise ApplicationError(
            _("A central household looks after households of its own community only."),
            code="foreign_household", fields=("households",),
        )


@transaction.atomic
def party_member_create(
    *, actor=None, organization: PartyOrganization, name: str, phone: str = "",
    role: str = "member", joined_on: date | None = None, is_central_household: bool = False,
    households=(), model_post: str = "", shows_identity: bool = False,
    public_commitment: str = "",
) -> PartyMember:
    _require_in_scope(actor, organization)
    member = save_validated(
        PartyMember(
            organization=organization, name=name, phone=phone, role=role, joined_on=joined_on,
            is_central_household=is_central_household, model_post=model_post,
            shows_identity=shows_identity, public_commitment=public_commitment,
        )
    )
    households = list(households)
    check_party_member(organization=organization, is_central_household=is_central_household,
                       households=households)
    if households:
        member.households.set(households)
    return member


@transaction.atomic
def party_member_update(*, actor=None, member: PartyMember, households=None,
                        **changes) -> PartyMember:
    member = PartyMember.objects.select_for_update().get(pk=member.pk)
    _require_in_scope(actor, member)
    if "organization" in changes:
        _require_in_scope(actor, changes["organization"])
    _apply_changes(member, changes, {
        "organization", "name", "phone", "role", "joined_on", "is_central_household",
        "model_post", "shows_identity", "public_commitment",
    })
    households = list(member.households.all()) if households is None else list(households)
    check_party_member(organization=member.organization,
                       is_central_household=member.is_central_household, households=households)
    member.households.set(households)
    return member


# ---------------------------------------------------------------------------
# Joint meetings and action items
# ---------------------------------------------------------------------------


def _check_compounds(community, compounds):
    if any(c.community_id != community.pk for c in compounds):
        raise ApplicationError(_("A compound of another community cannot be linked."),
                               code="foreign_compound", fields=("compounds",))


def check_joint_meeting(*, actor=None, community, kind: str, held_at, compounds=(),
                        organizations=()) -> None:
    """A meeting of a community in the actor's area, already held, about compounds and
    with organisations of that community (a three-party meeting: at least one compound)."""
    _require_in_scope(actor, community, _("This community is not in your area."))
    require_aware_past(
        held_at, missing_message=_("Give the date and time of the meeting."),
        future_message=_("A meeting cannot be recorded before it is held."),
        future_code="future_meeting", tolerance=FUTURE_TOLERANCE, field="held_at",
    )
    compounds = list(compounds)
    _check_compounds(community, compounds)
    if kind == MeetingKind.THREE_PARTY and not compounds:
        raise ApplicationError(
            _("A three-party meeting concerns at least one compound: choose it."),
            code="compound_required", fields=("compounds",),
        )
    foreign = [
        o for o in organizations
        if o.community_id is not None and o.community_id != community.pk
    ]
    if foreign:
        raise ApplicationError(
            _("An organisation of another community cannot be listed as attending."),
            code="foreign_organisation", fields=("organizations",),
        )


@transaction.atomic
def joint_meeting_record(
    *, actor=None, community, kind: str, held_at, title: str, topics: str, minutes: str = "",
    attendees: str = "", owners_committee_present: bool = False, organizations=(),
    compounds=(), action_items=(),
) -> JointMeeting:
    """Record a joint meeting and its decisions (``action_items``: dicts with description,
    owner, due_date and optionally compounds)."""
    compounds, organizations = list(compounds), list(organizations)
    check_joint_meeting(actor=actor, community=community, kind=kind, held_at=held_at,
                        compounds=compounds, organizations=organizations)
    meeting = save_validated(
        JointMeeting(
            community=community, kind=kind, held_at=held_at, title=title, topics=topics,
            minutes=minutes, attendees=attendees,
            owners_committee_present=owners_committee_present, recorded_by=_person(actor),
        )
    )
    meeting.compounds.set(compounds)
    meeting.organizations.set(organizations)
    for item in action_items:
        action_item_add(
            actor=None, meeting=meeting, description=item["description"], owner=item["owner"],
            due_date=item["due_date"], compounds=item.get("compounds") or compounds,
        )
    return meeting


@transaction.atomic
def joint_meeting_update(*, actor=None, meeting: JointMeeting, compounds=None,
                         organizations=None, **changes) -> JointMeeting:
    """Correct a recorded meeting (its community stays)."""
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    _require_in_scope(actor, meeting)
    compounds = list(meeting.compounds.all()) if compounds is None else list(compounds)
    organizations = (list(meeting.organizations.all()) if organizations is None
                     else list(organizations))
    check_joint_meeting(
        actor=actor, community=meeting.community, kind=changes.get("kind", meeting.kind),
        held_at=changes.get("held_at", meeting.held_at), compounds=compounds,
        organizations=organizations,
    )
    _apply_changes(meeting, changes, {
        "kind", "held_at", "title", "topics", "minutes", "attendees",
        "owners_committee_present",
    })
    meeting.compounds.set(compounds)
    meeting.organizations.set(organizations)
    return meeting


def check_action_item(*, meeting: JointMeeting, due_date, compounds=()) -> None:
    """A decision is due on or after its meeting's day and concerns the meeting's
    community's compounds."""
    _check_compounds(meeting.community, list(compounds))
    if due_date is None:
        raise ApplicationError(_("Give the due date of the decision."), code="due_required",
                               fields=("due_date",))
    if due_date < local(meeting.held_at).date():
        raise ApplicationError(_("The due date cannot be before the meeting."),
                               code="due_before_meeting", fields=("due_date",))


@transaction.atomic
def action_item_add(
    *, actor=None, meeting: JointMeeting, description: str, owner: str, due_date: date,
    compounds=(),
) -> ActionItem:
    _require_in_scope(actor, meeting)
    compounds = list(compounds)
    check_action_item(meeting=meeting, due_date=due_date, compounds=compounds)
    item = save_validated(
        ActionItem(meeting=meeting, description=description, owner=owner, due_date=due_date)
    )
    item.compounds.set(compounds)
    return item


@transaction.atomic
def action_item_update(*, actor=None, item: ActionItem, compounds=None,
                       **changes) -> ActionItem:
    """Correct a decision's text, owner or due date (its status: ``action_item_set_status``)."""
    item = ActionItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    _require_in_scope(actor, item)
    compounds = list(item.compounds.all()) if compounds is None else list(compounds)
    check_action_item(meeting=item.meeting, due_date=changes.get("due_date", item.due_date),
                      compounds=compounds)
    _apply_changes(item, changes, {"description", "owner", "due_date"})
    item.compounds.set(compounds)
    return item


@transaction.atomic
def action_item_set_status(
    *, actor=None, item: ActionItem, status: str, done_on: date | None = None
) -> ActionItem:
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    _require_in_scope(actor, item)
    if status not in ActionStatus.values:
        raise ApplicationError(_("Unknown status."), code="invalid_status")
    item.status = status
    item.done_on = (done_on or local_today()) if status == ActionStatus.DONE else None
    return save_validated(item, update_fields=["status", "done_on"])


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


# ---------------------------------------------------------------------------
# Work ledger: daily reports and weekly summaries; the three lists
# ---------------------------------------------------------------------------


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@transaction.atomic
def work_report_submit(
    *, actor, point: DemonstrationPoint, kind: str, period_start: date, content: str,
) -> WorkReport:
    """A daily report or weekly summary by the cadre assigned to the point (挂点包干), or
    by the staff of the point's community."""
    point = DemonstrationPoint.objects.select_related("community").get(pk=point.pk)
    _require_in_scope(actor, point)
    scope = scope_for_user(actor)
    is_cadre = point.cadre_id is not None and point.cadre_id == actor.pk
    is_community_staff = (
        scope.role == StaffRole.COMMUNITY_STAFF and scope.node_id == point.community_id
    )
    if not (is_cadre or is_community_staff or actor.is_superuser):
        raise ApplicationError(
            _("Reports are filed by the cadre assigned to the point or the community's staff."),
            code="wrong_role", status_code=403,
        )
    if point.status != PointStatus.APPROVED:
        raise ApplicationError(_("Reports are kept for approved demonstration points."),
                               code="not_approved")
    if kind not in ReportKind.values:
        raise ApplicationError(_("Unknown report kind."), code="invalid_kind")
    if kind == ReportKind.WEEKLY:
        period_start = week_start(period_start)
    if period_start > local_today():
        raise ApplicationError(_("A report cannot be filed for a day still to come."),
                               code="future_report")
    if not (content or "").strip():
        raise ApplicationError(_("Write what was done."), code="content_required")
    if WorkReport.objects.filter(point=point, kind=kind, period_start=period_start).exists():
        raise ConflictError(_("A report for this period has already been filed."),
                            code="duplicate_report")
    return save_validated(
        WorkReport(point=point, kind=kind, period_start=period_start, content=content,
                   author=actor)
    )


@transaction.atomic
def list_item_create(
    *, actor=None, community, year: int, list_kind: str, title: str, description: str = "",
    infrastructure: str = "", status: str = "planned", due_date: date | None = None,
) -> ListItem:
    _require_in_scope(actor, community, _("This community is not in your area."))
    return save_validated(
        ListItem(
            community=community, year=year, list_kind=list_kind, title=title,
            description=description, infrastructure=infrastructure, status=status,
            due_date=due_date,
        )
    )


@transaction.atomic
def list_item_update(*, actor=None, item: ListItem, **changes) -> ListItem:
    item = ListItem.objects.select_for_update().get(pk=item.pk)
    _require_in_scope(actor, item)
    return _apply_changes(item, changes, {
        "year", "list_kind", "title", "description", "infrastructure", "status", "due_date",
    })


@transaction.atomic
def list_item_set_status(*, actor=None, item: ListItem, status: str) -> ListItem:
    item = ListItem.objects.select_for_update().get(pk=item.pk)
    _require_in_scope(actor, item)
    item.status = status
    return save_validated(item, update_fields=["status"])


# ---------------------------------------------------------------------------
# Funds
# ---------------------------------------------------------------------------


@transaction.atomic
def fund_allocation_create(
    *, actor=None, community, year: int, kind: str, amount: Decimal, note: str = "",
) -> FundAllocation:
    _require_in_scope(actor, community, _("This community is not in your area."))
    return save_validated(
        FundAllocation(community=community, year=year, kind=kind, amount=amount, note=note)
    )


@transaction.atomic
def fund_allocation_update(*, actor=None, allocation: FundAllocation,
                           **changes) -> FundAllocation:
    """Correct an allocation; its amount cannot fall below what has been spent from it."""
    allocation = FundAllocation.objects.select_for_update().get(pk=allocation.pk)
    _require_in_scope(actor, allocation)
    if "amount" in changes:
        check_fund_allocation_amount(allocation=allocation, amount=changes["amount"])
    return _apply_changes(allocation, changes, {"kind", "amount", "note"})


def _spent(allocation: FundAllocation) -> Decimal:
    return allocation.spendings.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def check_fund_allocation_amount(*, allocation: FundAllocation, amount: Decimal) -> None:
    spent = _spent(allocation)
    if amount is not None and amount < spent:
        raise ApplicationError(
            _("%(spent)s yuan have already been spent from this allocation.")
            % {"spent": spent},
            code="below_spent", fields=("amount",),
        )


def check_fund_spend(*, actor=None, allocation: FundAllocation, amount: Decimal,
                     spent_on: date) -> None:
    """A positive amount, in the allocation's year, within what is left of it."""
    _require_in_scope(actor, allocation)
    if amount is None or amount <= 0:
        raise ApplicationError(_("The amount must be positive."), code="invalid_amount",
                               fields=("amount",))
    if spent_on is None or spent_on.year != allocation.year:
        raise ApplicationError(_("The spending must fall in the allocation's year."),
                               code="wrong_year", fields=("spent_on",))
    remaining = allocation.amount - _spent(allocation)
    if amount > remaining:
        raise ApplicationError(
            _("This would overspend the allocation: %(remaining)s yuan left, %(amount)s asked.")
            % {"remaining": remaining, "amount": amount},
            code="overspent", fields=("amount",),
        )


@transaction.atomic
def fund_spend(
    *, actor=None, allocation: FundAllocation, amount: Decimal, spent_on: date, purpose: str,
) -> FundSpending:
    """Spend from an allocation. The allocation row is locked, so two spends at once cannot
    both pass the balance check; spending past the allocation is refused."""
    allocation = FundAllocation.objects.select_for_update().get(pk=allocation.pk)
    amount = Decimal(amount)
    check_fund_spend(actor=actor, allocation=allocation, amount=amount, spent_on=spent_on)
    return save_validated(
        FundSpending(allocation=allocation, amount=amount, spent_on=spent_on, purpose=purpose,
                     recorded_by=_person(actor))
    )
