"""The complaint lifecycle (DESIGN §6) as data: which action may start from which state,
who may take it, what it is called, and which service performs it with which inputs.

    submitted → accepted → dispatched → in_progress → resolved → closed
    submitted | accepted → rejected      (invalid, or a duplicate of another complaint)
    resolved → reopened → in_progress    (the resident says it is not fixed)

Pure: no writes, and no import of the services, selectors, views or API, which all
import this module. The staff workbench and the API both dispatch an action through
``TRANSITIONS`` (``complaints.services.complaint_transition``), so a transition is
added, renamed or re-permissioned here and nowhere else.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access.scoping import Scope, scope_for_user
from communities.models import StaffRole
from core.errors import ApplicationError

from .models import HandlerKind, Status

# Permissions (complaints/roles.py grants them to the staff roles).
MANAGE = "complaints.manage_complaint"  # accept, dispatch, reject, close, reopen, follow-up
WORK = "complaints.work_complaint"  # start, progress, resolve (the handler)
LOG = "complaints.add_complaint"  # log a request taken by phone, window or 12345

# actor_role of the timeline events nobody on the staff wrote.
RESIDENT = "resident"
SYSTEM = "system"

# The resident answers the follow-up questions on the tracking page within this window;
# a resolved complaint nobody rated is closed automatically after it.
FEEDBACK_WINDOW = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Transition:
    """One action of the state machine.

    ``service`` is the name of the function in ``complaints.services`` that performs it
    (called with ``complaint_id``, ``actor``, ``version``, ``note`` and the ``inputs``);
    ``inputs`` are the required fields of the workbench form and the API request
    besides ``version`` and ``note``, ``optional_inputs`` the optional ones.
    """

    action: str
    service: str
    allowed_from: tuple[str, ...]
    to_states: tuple[str, ...]  # where it may leave the complaint
    permission: str
    label: Promise  # the button
    done: Promise  # "… cannot be %(done)s"
    handler_only: bool = False  # the actor must work for the current handler
    managers_too: bool = False  # … unless the actor manages complaints
    inputs: tuple[str, ...] = ()
    optional_inputs: tuple[str, ...] = ()
    note_required: bool = False
    note_label: Promise = gettext_lazy("Note")
    api_path: str = ""  # the API's URL segment; the action name when empty
    summary: str = ""  # the API operation's summary (OpenAPI, English)

    @property
    def url_segment(self) -> str:
        return self.api_path or self.action

    @property
    def fields(self) -> tuple[str, ...]:
        """Every input of the action's form and request besides ``version``."""
        return ("note", *self.inputs, *self.optional_inputs)


S = Status
TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition(
        "accept", "complaint_accept", (S.SUBMITTED,), (S.ACCEPTED,), MANAGE,
        label=gettext_lazy("Accept"), done=gettext_lazy("accepted"),
        summary="Accept (submitted → accepted)",
    ),
    Transition(
        "dispatch", "complaint_dispatch", (S.ACCEPTED,), (S.DISPATCHED,), MANAGE,
        label=gettext_lazy("Dispatch"), done=gettext_lazy("dispatched"),
        inputs=("target",), summary="Dispatch (accepted → dispatched)",
    ),
    Transition(
        "start", "complaint_start", (S.DISPATCHED, S.REOPENED), (S.IN_PROGRESS,), WORK,
        label=gettext_lazy("Start work"), done=gettext_lazy("started"), handler_only=True,
        summary="Start work (dispatched/reopened → in progress)",
    ),
    Transition(
        "progress", "complaint_add_progress",
        (S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.REOPENED), (), WORK,
        label=gettext_lazy("Add progress"), done=gettext_lazy("given a progress note"),
        handler_only=True, managers_too=True, note_required=True,
        summary="Add a progress note",
    ),
    Transition(
        "resolve", "complaint_resolve", (S.IN_PROGRESS,), (S.RESOLVED,), WORK,
        label=gettext_lazy("Resolve"), done=gettext_lazy("resolved"), handler_only=True,
        optional_inputs=("photos",), note_required=True,
        summary="Resolve (in progress → resolved), with up to 3 photos",
    ),
    Transition(
        "close", "complaint_close", (S.RESOLVED,), (S.CLOSED,), MANAGE,
        label=gettext_lazy("Close"), done=gettext_lazy("closed"),
        summary="Close (resolved → closed)",
    ),
    Transition(
        "reject", "complaint_reject", (S.SUBMITTED, S.ACCEPTED), (S.REJECTED,), MANAGE,
        label=gettext_lazy("Reject"), done=gettext_lazy("rejected"), note_required=True,
        note_label=gettext_lazy("Reason"),
        summary="Reject as invalid, with the reason in note",
    ),
    Transition(
        "duplicate", "complaint_mark_duplicate", (S.SUBMITTED, S.ACCEPTED), (S.REJECTED,),
        MANAGE, label=gettext_lazy("Mark duplicate"),
        done=gettext_lazy("marked as a duplicate"), inputs=("duplicate_of",),
        api_path="mark-duplicate", summary="Reject as a duplicate of another complaint",
    ),
    Transition(
        "reopen", "complaint_reopen", (S.RESOLVED,), (S.REOPENED,), MANAGE,
        label=gettext_lazy("Reopen"), done=gettext_lazy("reopened"), note_required=True,
        summary="Reopen (resolved → reopened)",
    ),
    Transition(
        "feedback", "complaint_record_feedback", (S.RESOLVED,), (S.CLOSED, S.REOPENED),
        MANAGE, label=gettext_lazy("Record follow-up call"), done=gettext_lazy("rated"),
        inputs=("resolved", "satisfaction"), note_label=gettext_lazy("Comment"),
        summary="Record the follow-up call's two answers (回访)",
    ),
]}
del S

# The state table: action → the states it may start from.
ALLOWED_FROM: dict[str, tuple[str, ...]] = {a: t.allowed_from for a, t in TRANSITIONS.items()}
ACTION_LABELS = {a: t.done for a, t in TRANSITIONS.items()}


# ----------------------------------------------------------------------------- checks


def forbidden() -> ApplicationError:
    return ApplicationError(
        _("You may not do this with this complaint."), code="forbidden", status_code=403
    )


def not_found() -> ApplicationError:
    return ApplicationError(
        _("No such complaint in your area."), code="not_found", status_code=404
    )


def transition_for(action: str) -> Transition:
    """The transition called ``action``; an unknown action is a 404, as on a page."""
    try:
        return TRANSITIONS[action]
    except KeyError:
        raise ApplicationError(_("No such action."), code="not_found",
                               status_code=404) from None


def may_start_from(status: str, action: str) -> bool:
    return status in ALLOWED_FROM[action]


def check_state(complaint, action: str) -> None:
    """Refuse ``action`` on a complaint in a state it may not start from."""
    if not may_start_from(complaint.status, action):
        raise ApplicationError(
            _("A complaint that is “%(status)s” cannot be %(action)s.")
            % {"status": complaint.get_status_display(), "action": ACTION_LABELS[action]},
            code="invalid_transition",
        )


def is_handler(actor, complaint, *, scope: Scope | None = None) -> bool:
    """The actor works for the complaint's current handler (or is an administrator).

    ``scope`` is the actor's scope when the caller has it (else it is looked up)."""
    if actor.is_superuser:
        return True
    scope = scope if scope is not None else scope_for_user(actor)
    if complaint.handler_kind == HandlerKind.FIRM:
        return scope.level == "firm" and scope.node_id == complaint.handler_firm_id
    if complaint.handler_kind == HandlerKind.GRID:
        return scope.level == "grid" and scope.node_id == complaint.handler_grid_id
    if complaint.handler_kind == HandlerKind.COMMUNITY:
        return scope.role == StaffRole.COMMUNITY_STAFF
    return False


def can_act(actor, complaint, action: str, *, scope: Scope | None = None) -> bool:
    """May ``actor`` take ``action`` on ``complaint`` now (state, permission, handler)?

    The complaint's place in the actor's scope is checked where it is fetched."""
    transition = TRANSITIONS[action]
    if actor is None or not actor.is_authenticated:
        return False
    if not may_start_from(complaint.status, action):
        return False
    if not actor.has_perm(transition.permission):
        return False
    if transition.managers_too and actor.has_perm(MANAGE):
        return True
    if transition.handler_only:
        return is_handler(actor, complaint, scope=scope)
    return True


def check_can_act(actor, complaint, action: str) -> None:
    """Refuse in the state's words first (the same for everyone), then the actor's."""
    check_state(complaint, action)
    if not can_act(actor, complaint, action):
        raise forbidden()


def feedback_open(complaint, now=None) -> bool:
    """Can the resident still answer the follow-up questions on the tracking page?"""
    now = now or timezone.now()
    return (
        complaint.status == Status.RESOLVED
        and complaint.resolved_at is not None
        and now - complaint.resolved_at <= FEEDBACK_WINDOW
        and (complaint.feedback_at is None or complaint.feedback_at < complaint.resolved_at)
    )


def available_actions(actor, complaint, *, scope: Scope | None = None) -> list[str]:
    """The actions ``actor`` may take on ``complaint`` now, in the table's order."""
    return [a for a in TRANSITIONS if can_act(actor, complaint, a, scope=scope)]
