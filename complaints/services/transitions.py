"""Each transition of the state machine (``complaints.lifecycle``), and the one entry
the workbench and the API both call, ``complaint_transition``.

Every transition takes ``(*, complaint_id, actor, version=None, note="", …inputs)``: it
locks the complaint row, checks the actor's scope, the version the actor saw (when
sent), the state and the actor's permission, writes one timeline event and owes the
resident a text message after commit.
"""

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access.scoping import is_in_scope
from communities.models import Grid
from core.errors import ApplicationError, ConflictError
from properties.models import PropertyFirm, ServiceContract

from ..lifecycle import (
    RESIDENT,
    can_act,
    check_can_act,
    check_state,
    feedback_open,
    forbidden,
    not_found,
    transition_for,
)
from ..models import (
    Complaint,
    EventKind,
    FeedbackSource,
    HandlerKind,
    RejectionKind,
    Satisfaction,
    Status,
)
from .staff_notices import notify_dispatched, notify_reopened
from .timeline import notify_resident, record_event, save_change, save_photos


def _lock(complaint_id: int, *, actor=None, version: int | None = None) -> Complaint:
    """Lock the row (other writers wait), then check scope and the version the actor saw."""
    try:
        complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise not_found() from None
    if actor is not None and not is_in_scope(actor, complaint):
        raise not_found()
    if version is not None and int(version) != complaint.version:
        raise ConflictError(
            _("This complaint was changed by someone else in the meantime; "
              "reload the page and try again.")
        )
    return complaint


def _open(complaint_id, *, actor, version, action: str) -> Complaint:
    """Lock the complaint and refuse ``action`` if its state or the actor forbid it."""
    complaint = _lock(complaint_id, actor=actor, version=version)
    check_can_act(actor, complaint, action)
    return complaint


def _required_note(note: str, message) -> str:
    note = (note or "").strip()
    if not note:
        raise ApplicationError(message, code="note_required")
    return note


# ----------------------------------------------------------------------------- dispatch


def complaint_transition(*, action: str, complaint_id: int, actor, version: int | None = None,
                         data: Mapping) -> Complaint:
    """Take ``action`` (a key of ``lifecycle.TRANSITIONS``) with the cleaned input of the
    workbench form or the API request: its ``note`` and the inputs the table names."""
    transition = transition_for(action)
    service = globals()[transition.service]
    inputs = {name: data[name] for name in transition.fields if name in data}
    return service(complaint_id=complaint_id, actor=actor, version=version, **inputs)


# ----------------------------------------------------------------------------- the steps


@transaction.atomic
def complaint_accept(*, complaint_id: int, actor, version: int | None = None,
                     note: str = "") -> Complaint:
    c = _open(complaint_id, actor=actor, version=version, action="accept")
    c.status, c.accepted_at = Status.ACCEPTED, timezone.now()
    save_change(c, ["status", "accepted_at"])
    record_event(c, kind=EventKind.ACCEPTED, actor=actor, note=(note or "").strip(),
                 from_status=Status.SUBMITTED, to_status=Status.ACCEPTED)
    notify_resident(c, "accepted")
    return c


def dispatch_targets(complaint) -> list[tuple[str, str]]:
    """Where a complaint may go: a firm holding an active contract on its compound, a
    grid of its community, or the community itself. Values are "firm:<id>",
    "grid:<id>", "community"."""
    serving = ServiceContract.objects.active().filter(compound_id=complaint.compound_id)
    firms = PropertyFirm.objects.filter(pk__in=serving.values("firm_id")).order_by("name")
    grids = Grid.objects.filter(community_id=complaint.compound.community_id).order_by("name")
    targets = [(f"firm:{f.pk}", f"{HandlerKind.FIRM.label}：{f.name}") for f in firms]
    targets += [(f"grid:{g.pk}", f"{HandlerKind.GRID.label}：{g.name}") for g in grids]
    targets.append(("community", f"{HandlerKind.COMMUNITY.label}：{complaint.compound.community}"))
    return targets


def _resolve_target(complaint, target: str):
    kind, _sep, ident = (target or "").partition(":")
    if kind == HandlerKind.COMMUNITY and not ident:
        return HandlerKind.COMMUNITY, None, None
    try:
        ident = int(ident)
    except ValueError:
        ident = None
    if kind == HandlerKind.FIRM and ident:
        contract = ServiceContract.objects.serving(ident).filter(
            compound_id=complaint.compound_id
        ).select_related("firm").first()
        if contract is None:
            raise ApplicationError(
                _("This firm holds no active contract on the complaint's compound."),
                code="invalid_target",
            )
        return HandlerKind.FIRM, contract.firm, None
    if kind == HandlerKind.GRID and ident:
        grid = Grid.objects.filter(
            pk=ident, community_id=complaint.compound.community_id
        ).first()
        if grid is None:
            raise ApplicationError(
                _("This grid does not belong to the complaint's community."),
                code="invalid_target",
            )
        return HandlerKind.GRID, None, grid
    raise ApplicationError(_("Choose who will handle the complaint."), code="invalid_target")


@transaction.atomic
def complaint_dispatch(*, complaint_id: int, actor, version: int | None = None,
                       note: str = "", target: str) -> Complaint:
    c = _open(complaint_id, actor=actor, version=version, action="dispatch")
    kind, firm, grid = _resolve_target(c, target)
    c.handler_kind, c.handler_firm, c.handler_grid = kind, firm, grid
    c.status, c.dispatched_at = Status.DISPATCHED, timezone.now()
    save_change(c, ["status", "dispatched_at", "handler_kind", "handler_firm", "handler_grid"])
    record_event(c, kind=EventKind.DISPATCHED, actor=actor, note=(note or "").strip(),
                 from_status=Status.ACCEPTED, to_status=Status.DISPATCHED)
    notify_resident(c, "dispatched")
    notify_dispatched(c)
    return c


@transaction.atomic
def complaint_start(*, complaint_id: int, actor, version: int | None = None,
                    note: str = "") -> Complaint:
    c = _open(complaint_id, actor=actor, version=version, action="start")
    before = c.status
    c.status = Status.IN_PROGRESS
    c.started_at = c.started_at or timezone.now()
    save_change(c, ["status", "started_at"])
    record_event(c, kind=EventKind.STARTED, actor=actor, note=(note or "").strip(),
                 from_status=before, to_status=Status.IN_PROGRESS)
    return c


@transaction.atomic
def complaint_add_progress(*, complaint_id: int, actor, version: int | None = None,
                           note: str = "") -> Complaint:
    c = _open(complaint_id, actor=actor, version=version, action="progress")
    note = _required_note(note, _("Write what has been done."))
    save_change(c, [])
    record_event(c, kind=EventKind.PROGRESS, actor=actor, note=note)
    return c


@transaction.atomic
def complaint_resolve(*, complaint_id: int, actor, version: int | None = None,
                      note: str = "", photos=()) -> Complaint:
    c = _open(complaint_id, actor=actor, version=version, action="resolve")
    note = _required_note(note, _("Write how the problem was solved."))
    c.status, c.resolved_at = Status.RESOLVED, timezone.now()
    save_change(c, ["status", "resolved_at"])
    event = record_event(c, kind=EventKind.RESOLVED, actor=actor, note=note,
                         from_status=Status.IN_PROGRESS, to_status=Status.RESOLVED)
    save_photos(c, event, photos)
    notify_resident(c, "resolved")
    return c


def close(c, *, actor, note: str, role=None) -> Complaint:
    """Close a locked, resolved complaint (staff, the resident's answer or the sweep)."""
    c.status, c.closed_at = Status.CLOSED, timezone.now()
    save_change(c, ["status", "closed_at"])
    record_event(c, kind=EventKind.CLOSED, actor=actor, role=role, note=note,
                 from_status=Status.RESOLVED, to_status=Status.CLOSED)
    return c


@transaction.atomic
def complaint_close(*, complaint_id: int, actor, version: int | None = None,
                    note: str = "") -> Complaint:
    c = _open(complaint_id, actor=actor, version=version, action="close")
    close(c, actor=actor, note=(note or "").strip())
    notify_resident(c, "closed")
    return c


@transaction.atomic
def complaint_reject(*, complaint_id: int, actor, version: int | None = None,
                     note: str = "") -> Complaint:
    """Reject as invalid; ``note`` is the reason the resident reads."""
    c = _open(complaint_id, actor=actor, version=version, action="reject")
    reason = _required_note(note, _("Give the reason for rejecting the complaint."))
    before = c.status
    c.status, c.rejected_at = Status.REJECTED, timezone.now()
    c.rejection_kind, c.rejection_reason = RejectionKind.INVALID, reason[:500]
    save_change(c, ["status", "rejected_at", "rejection_kind", "rejection_reason"])
    record_event(c, kind=EventKind.REJECTED, actor=actor, note=reason,
                 from_status=before, to_status=Status.REJECTED)
    notify_resident(c, "rejected")
    return c


@transaction.atomic
def complaint_mark_duplicate(*, complaint_id: int, actor, version: int | None = None,
                             note: str = "", duplicate_of: str) -> Complaint:
    """Reject as a duplicate of another complaint of the same compound (by tracking code)."""
    c = _open(complaint_id, actor=actor, version=version, action="duplicate")
    code = (duplicate_of or "").strip().upper()
    original = Complaint.objects.filter(tracking_code=code, compound_id=c.compound_id).first()
    if original is None or original.pk == c.pk or not is_in_scope(actor, original):
        raise ApplicationError(
            _("Give the tracking code of another complaint of the same compound."),
            code="invalid_duplicate",
        )
    if original.duplicate_of_id:
        original = original.duplicate_of
    before = c.status
    reason = _("Same problem as request %(code)s.") % {"code": original.tracking_code}
    c.status, c.rejected_at = Status.REJECTED, timezone.now()
    c.rejection_kind, c.duplicate_of = RejectionKind.DUPLICATE, original
    c.rejection_reason = reason
    save_change(c, ["status", "rejected_at", "rejection_kind", "rejection_reason",
                    "duplicate_of"])
    record_event(c, kind=EventKind.DUPLICATE, actor=actor,
                 note=" ".join(filter(None, [reason, (note or "").strip()])),
                 from_status=before, to_status=Status.REJECTED)
    notify_resident(c, "rejected")
    return c


def _reopen(c, *, actor, role, note: str) -> Complaint:
    c.status = Status.REOPENED
    c.reopen_count += 1
    save_change(c, ["status", "reopen_count"])
    record_event(c, kind=EventKind.REOPENED, actor=actor, role=role, note=note,
                 from_status=Status.RESOLVED, to_status=Status.REOPENED)
    notify_resident(c, "reopened")
    notify_reopened(c)
    return c


@transaction.atomic
def complaint_reopen(*, complaint_id: int, actor, version: int | None = None,
                     note: str = "") -> Complaint:
    """Staff reopen a resolved complaint (e.g. the resident called to say it is not fixed)."""
    c = _open(complaint_id, actor=actor, version=version, action="reopen")
    note = _required_note(note, _("Say why the complaint is reopened."))
    return _reopen(c, actor=actor, role=None, note=note)


@transaction.atomic
def complaint_record_feedback(*, complaint_id: int, actor=None, version: int | None = None,
                              note: str = "", resolved: bool, satisfaction: str) -> Complaint:
    """The two follow-up answers: resolved or not (not → reopened) and satisfaction;
    ``note`` is the resident's comment.

    ``actor`` None is the resident on the tracking page (within 7 days of resolution);
    a member of staff records the answers of a follow-up call (回访)."""
    c = _lock(complaint_id, actor=actor, version=version)
    now = timezone.now()
    check_state(c, "feedback")
    if actor is None:
        if not feedback_open(c, now):
            raise ApplicationError(
                _("The follow-up questions can be answered within 7 days of resolution, once."),
                code="feedback_closed",
            )
        source, role = FeedbackSource.RESIDENT, RESIDENT
    else:
        if not can_act(actor, c, "feedback"):
            raise forbidden()
        source, role = FeedbackSource.CALL, None
    if satisfaction not in Satisfaction.values:
        raise ApplicationError(_("Choose how satisfied the resident is."),
                               code="invalid_satisfaction")
    c.resident_resolved = bool(resolved)
    c.satisfaction = satisfaction
    c.satisfaction_comment = (note or "").strip()[:500]
    c.feedback_at, c.feedback_source = now, source
    c.feedback_by = actor
    save_change(c, ["resident_resolved", "satisfaction", "satisfaction_comment", "feedback_at",
                    "feedback_source", "feedback_by"])
    answer = _("resolved") if resolved else _("not resolved")
    record_event(c, kind=EventKind.FEEDBACK, actor=actor, role=role,
                 note=f"{answer}；{Satisfaction(satisfaction).label}"
                      + (f"；{c.satisfaction_comment}" if c.satisfaction_comment else ""))
    if not resolved:
        return _reopen(c, actor=actor, role=role,
                       note=_("The resident says the problem is not resolved."))
    return close(c, actor=actor, role=role,
                 note=_("The resident confirmed the problem is resolved."))
