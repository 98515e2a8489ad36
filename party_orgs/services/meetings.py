"""Joint meetings and their action items."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.services import require_aware_past, save_validated
from core.timeutils import local, local_today

from ..models import (
    ActionItem,
    ActionStatus,
    JointMeeting,
    MeetingKind,
)
from .common import (
    FUTURE_TOLERANCE,
    _apply_changes,
    _person,
    _require_in_scope,
)

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
