"""Every write to complaints: submission, staff logging, each transition of the state
machine (DESIGN §6), follow-up answers, and the deadline sweep.

Each transition locks the complaint row, checks the actor's scope and permission and
the current state (and, when the caller sends it, the version the actor saw), writes
one timeline event and schedules the resident's text message after commit.
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities import audit
from communities.access.scoping import is_in_scope, scope_for_user
from communities.metrics.writer import mark_dirty
from communities.models import AuditAction, Grid, StaffRole
from core.errors import ApplicationError, ConflictError
from core.services import refuse_null_characters
from properties.models import ContractStatus, PropertyFirm, ServiceContract

from . import outbox
from .deadlines import deadline_is_provisional, deadlines_for
from .models import (
    OPEN_STATUSES,
    STAFF_CHANNELS,
    AlertKind,
    Channel,
    Complaint,
    ComplaintAlert,
    ComplaintEvent,
    ComplaintPhoto,
    EventKind,
    FeedbackSource,
    HandlerKind,
    OutboxKind,
    RejectionKind,
    Satisfaction,
    Status,
    Urgency,
)
from .photos import MAX_PHOTOS

logger = logging.getLogger(__name__)

MANAGE = "complaints.manage_complaint"
WORK = "complaints.work_complaint"
LOG = "complaints.add_complaint"

FEEDBACK_WINDOW = datetime.timedelta(days=7)
RESIDENT = "resident"
SYSTEM = "system"

ACTION_LABELS = {
    "accept": gettext_lazy("accepted"),
    "dispatch": gettext_lazy("dispatched"),
    "start": gettext_lazy("started"),
    "progress": gettext_lazy("given a progress note"),
    "resolve": gettext_lazy("resolved"),
    "close": gettext_lazy("closed"),
    "reject": gettext_lazy("rejected"),
    "duplicate": gettext_lazy("marked as a duplicate"),
    "reopen": gettext_lazy("reopened"),
    "feedback": gettext_lazy("rated"),
}

# The state machine: action → states it may start from (DESIGN §6).
ALLOWED_FROM = {
    "accept": (Status.SUBMITTED,),
    "dispatch": (Status.ACCEPTED,),
    "start": (Status.DISPATCHED, Status.REOPENED),
    "progress": (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.REOPENED),
    "resolve": (Status.IN_PROGRESS,),
    "close": (Status.RESOLVED,),
    "reject": (Status.SUBMITTED, Status.ACCEPTED),
    "duplicate": (Status.SUBMITTED, Status.ACCEPTED),
    "reopen": (Status.RESOLVED,),
    "feedback": (Status.RESOLVED,),
}
# Which permission each staff action needs; "handler" actions also need the actor to be
# the complaint's current handler.
ACTION_PERMISSION = {
    "accept": MANAGE, "dispatch": MANAGE, "close": MANAGE, "reject": MANAGE,
    "duplicate": MANAGE, "reopen": MANAGE, "feedback": MANAGE,
    "start": WORK, "resolve": WORK, "progress": WORK,
}
HANDLER_ACTIONS = ("start", "resolve")


# ----------------------------------------------------------------------------- helpers


def _actor_role(actor) -> str:
    if actor is None:
        return SYSTEM
    if actor.is_superuser:
        return "admin"
    return scope_for_user(actor).role or ""


def _event(complaint, *, kind, actor=None, actor_role=None, note="", from_status="",
           to_status="", is_public=True, at=None) -> ComplaintEvent:
    event = ComplaintEvent.objects.create(
        complaint=complaint, kind=kind, actor=actor,
        actor_role=actor_role if actor_role is not None else _actor_role(actor),
        note=note, from_status=from_status, to_status=to_status, is_public=is_public,
        created_at=at or timezone.now(),
    )
    if kind not in (EventKind.REMINDER, EventKind.ESCALATED):
        _audit_transition(complaint, event)
    return event


def _remember_changes(complaint, fields: list[str]) -> None:
    """Keep field → [old, new] of this save for the audit event of the transition."""
    attnames = {f: Complaint._meta.get_field(f).attname for f in fields}
    before = Complaint.objects.filter(pk=complaint.pk).values(*attnames.values()).first() or {}
    pending = getattr(complaint, "_audit_changes", {})
    for field, attname in attnames.items():
        old, new = before.get(attname), getattr(complaint, attname)
        if old != new:
            pending[field] = [old, new]
    complaint._audit_changes = pending


def _audit_transition(complaint, event) -> None:
    changes = getattr(complaint, "_audit_changes", None) or {}
    complaint._audit_changes = {}
    if event.kind == EventKind.CREATED:
        changes = {"status": [None, complaint.status], "reporter_phone": complaint.reporter_phone}
    audit.record(action=AuditAction.COMPLAINT_TRANSITION, obj=complaint, actor=event.actor,
                 changes={"event": event.kind, **changes})


def _notify_resident(complaint, kind: str) -> None:
    # Through the outbox: stored with the change, queued after commit, flushed again
    # later if the broker was down; never undoes (or hides) the saved change.
    outbox.enqueue(kind=OutboxKind.RESIDENT_NOTICE, complaint_id=complaint.pk, event=kind)


def _forbidden():
    return ApplicationError(
        _("You may not do this with this complaint."), code="forbidden", status_code=403
    )


def _not_found():
    return ApplicationError(
        _("No such complaint in your area."), code="not_found", status_code=404
    )


def _lock(complaint_id: int, *, actor=None, expected_version: int | None = None) -> Complaint:
    """Lock the row (other writers wait), then check scope and the version the actor saw."""
    try:
        complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise _not_found() from None
    if actor is not None and not is_in_scope(actor, complaint):
        raise _not_found()
    if expected_version is not None and int(expected_version) != complaint.version:
        raise ConflictError(
            _("This complaint was changed by someone else in the meantime; "
              "reload the page and try again.")
        )
    return complaint


def _check_state(complaint, action: str) -> None:
    if complaint.status not in ALLOWED_FROM[action]:
        raise ApplicationError(
            _("A complaint that is “%(status)s” cannot be %(action)s.")
            % {"status": complaint.get_status_display(), "action": ACTION_LABELS[action]},
            code="invalid_transition",
        )


def is_handler(actor, complaint) -> bool:
    """The actor works for the complaint's current handler (or is an administrator)."""
    if actor.is_superuser:
        return True
    scope = scope_for_user(actor)
    if complaint.handler_kind == HandlerKind.FIRM:
        return scope.level == "firm" and scope.node_id == complaint.handler_firm_id
    if complaint.handler_kind == HandlerKind.GRID:
        return scope.level == "grid" and scope.node_id == complaint.handler_grid_id
    if complaint.handler_kind == HandlerKind.COMMUNITY:
        return scope.role == StaffRole.COMMUNITY_STAFF
    return False


def can_act(actor, complaint, action: str) -> bool:
    """May ``actor`` take ``action`` on ``complaint`` now (permission, handler, state)?"""
    if actor is None or not actor.is_authenticated:
        return False
    if complaint.status not in ALLOWED_FROM[action]:
        return False
    if not actor.has_perm(ACTION_PERMISSION[action]):
        return False
    if action == "progress" and actor.has_perm(MANAGE):
        return True
    if action in HANDLER_ACTIONS or action == "progress":
        return is_handler(actor, complaint)
    return True


def _authorise(actor, complaint, action: str) -> None:
    _check_state(complaint, action)
    if not can_act(actor, complaint, action):
        raise _forbidden()


def _save(complaint, fields: list[str]) -> Complaint:
    _remember_changes(complaint, fields)
    complaint.version += 1
    complaint.full_clean(validate_unique=False)
    complaint.save(update_fields=[*fields, "version", "updated_at"])
    mark_dirty(compound_id=complaint.compound_id, when=complaint.received_at)
    return complaint


def _required_note(note: str, message) -> str:
    note = (note or "").strip()
    if not note:
        raise ApplicationError(message, code="note_required")
    return note


def _save_photos(complaint, event, photos) -> list[ComplaintPhoto]:
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise ApplicationError(_("At most 3 photos."), code="too_many_photos")
    saved = []
    try:
        for content in photos:
            photo = ComplaintPhoto(complaint=complaint, event=event)
            photo.image.save(content.name, content, save=False)
            photo.save()
            saved.append(photo)
    except Exception:
        for photo in saved:
            photo.image.delete(save=False)
        raise
    return saved


# ----------------------------------------------------------------------------- creation


@transaction.atomic
def complaint_create(
    *,
    compound,
    category,
    description: str,
    reporter_phone: str,
    reporter_name: str = "",
    building=None,
    channel: str = Channel.WEB,
    urgency: str = Urgency.NORMAL,
    external_ref: str = "",
    address_string: str = "",
    latitude=None,
    longitude=None,
    photos=(),
    actor=None,
    open311_client=None,
    received_at: datetime.datetime | None = None,
) -> Complaint:
    """Record a new complaint with its deadlines, its first timeline event and photos
    (already checked and re-encoded by ``photos.clean_photo``)."""
    if category is None or not category.is_active:
        raise ApplicationError(_("Choose a category."), code="invalid_category")
    if category.parent_id is None and category.children.exists():
        raise ApplicationError(_("Choose a specific category."), code="invalid_category")
    received_at = received_at or timezone.now()
    response_by, resolve_by = deadlines_for(category=category, received_at=received_at)
    complaint = Complaint(
        compound=compound, building=building, category=category, channel=channel,
        urgency=urgency, external_ref=(external_ref or "").strip(),
        description=(description or "").strip(), reporter_name=(reporter_name or "").strip(),
        reporter_phone=(reporter_phone or "").strip().replace(" ", ""),
        address_string=address_string, latitude=latitude, longitude=longitude,
        received_at=received_at, response_deadline=response_by, resolve_deadline=resolve_by,
        deadline_provisional=deadline_is_provisional(received_at=received_at,
                                                     resolve_by=resolve_by),
        created_by=actor, open311_client=open311_client,
    )
    refuse_null_characters(complaint)
    # Field checks give the messages. The related rows were loaded and checked by the
    # caller, the tracking code is random and every constrained field is set just above,
    # so the existence, uniqueness and constraint queries (15 per submission, the bulk of
    # its cost) are left to the database, which enforces them all.
    complaint.full_clean(
        exclude=["compound", "building", "category", "created_by", "open311_client"],
        validate_unique=False, validate_constraints=False,
    )
    complaint.save()
    mark_dirty(compound_id=complaint.compound_id, when=complaint.received_at)
    event = _event(
        complaint, kind=EventKind.CREATED, actor=actor,
        actor_role=_actor_role(actor) if actor else RESIDENT,
        to_status=Status.SUBMITTED, at=received_at,
    )
    _save_photos(complaint, event, photos)
    _notify_resident(complaint, "created")
    return complaint


def complaint_log(*, actor, compound, channel: str, **fields) -> Complaint:
    """A member of staff logs a request taken by phone, at the window or from 12345."""
    if not actor.has_perm(LOG) or not is_in_scope(actor, compound):
        raise _forbidden()
    if channel not in STAFF_CHANNELS:
        raise ApplicationError(_("Choose how the request was received."), code="invalid_channel")
    return complaint_create(actor=actor, compound=compound, channel=channel, **fields)


# ----------------------------------------------------------------------------- transitions


@transaction.atomic
def complaint_accept(*, complaint_id: int, actor, note: str = "",
                     expected_version: int | None = None) -> Complaint:
    c = _lock(complaint_id, actor=actor, expected_version=expected_version)
    _authorise(actor, c, "accept")
    c.status, c.accepted_at = Status.ACCEPTED, timezone.now()
    _save(c, ["status", "accepted_at"])
    _event(c, kind=EventKind.ACCEPTED, actor=actor, note=(note or "").strip(),
           from_status=Status.SUBMITTED, to_status=Status.ACCEPTED)
    _notify_resident(c, "accepted")
    return c


def dispatch_targets(complaint) -> list[tuple[str, str]]:
    """Where a complaint may go: a firm holding an active contract on its compound, a
    grid of its community, or the community itself. Values are "firm:<id>",
    "grid:<id>", "community"."""
    firms = PropertyFirm.objects.filter(
        contracts__compound_id=complaint.compound_id, contracts__status=ContractStatus.ACTIVE
    ).distinct().order_by("name")
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
        contract = ServiceContract.objects.filter(
            compound_id=complaint.compound_id, firm_id=ident, status=ContractStatus.ACTIVE
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
def complaint_dispatch(*, complaint_id: int, actor, target: str, note: str = "",
                       expected_version: int | None = None) -> Complaint:
    c = _lock(complaint_id, actor=actor, expected_version=expected_version)
    _authorise(actor, c, "dispatch")
    kind, firm, grid = _resolve_target(c, target)
    c.handler_kind, c.handler_firm, c.handler_grid = kind, firm, grid
    c.status, c.dispatched_at = Status.DISPATCHED, timezone.now()
    _save(c, ["status", "dispatched_at", "handler_kind", "handler_firm", "handler_grid"])
    _event(c, kind=EventKind.DISPATCHED, actor=actor, note=(note or "").strip(),
           from_status=Status.ACCEPTED, to_status=Status.DISPATCHED)
    _notify_resident(c, "dispatched")
    return c


@transaction.atomic
def complaint_start(*, complaint_id: int, actor, note: str = "",
                    expected_version: int | None = None) -> Complaint:
    c = _lock(complaint_id, actor=actor, expected_version=expected_version)
    _authorise(actor, c, "start")
    before = c.status
    c.status = Status.IN_PROGRESS
    c.started_at = c.started_at or timezone.now()
    _save(c, ["status", "started_at"])
    _event(c, kind=EventKind.STARTED, actor=actor, note=(note or "").strip(),
           from_status=before, to_status=Status.IN_PROGRESS)
    return c


@transaction.atomic
def complaint_add_progress(*, complaint_id: int, actor, note: str,
                           expected_version: int | None = None) -> Complaint:
    c = _lock(complaint_id, actor=actor, expected_version=expected_version)
    _authorise(actor, c, "progress")
    note = _required_note(note, _("Write what has been done."))
    _save(c, [])
    _event(c, kind=EventKind.PROGRESS, actor=actor, note=note)
    return c


@transaction.atomic
def complaint_resolve(*, complaint_id: int, actor, note: str, photos=(),
                      expected_version: int | None = None) -> Complaint:
    c = _lock(complaint_id, actor=actor, expected_version=expected_version)
    _authorise(actor, c, "resolve")
    note = _required_note(note, _("Write how the problem was solved."))
    c.status, c.resolved_at = Status.RESOLVED, timezone.now()
    _save(c, ["status", "resolved_at"])
    event = _event(c, kind=EventKind.RESOLVED, actor=actor, note=note,
                   from_status=Status.IN_PROGRESS, to_status=Status.RESOLVED)
    _save_photos(c, event, photos)
    _notify_resident(c, "resolved")
    return c


def _close(c, *, actor, note: str, actor_role=None) -> Complaint:
    c.status, c.closed_at = Status.CLOSED, timezone.now()
    _save(c, ["status", "closed_at"])
    _event(c, kind=EventKind.CLOSED, actor=actor, actor_role=actor_role, note=note,
           from_status=Status.RESOLVED, to_status=Status.CLOSED)
    return c


@transaction.atomic
def complaint_close(*, complaint_id: int, actor, note: str = "",
                    expected_version: int | None = None) -> Complaint:
    c = _lock(complaint_id, actor=actor, expected_version=expected_version)
    _authorise(actor, c, "close")
    _close(c, actor=actor, note=(note or "").strip())
    _notify_resident(c, "closed")
    return c


@transaction.atomic
def complaint_reject(*, complaint_id: int, actor, reason: str,
                     expected_version: int | None = None) -> Complaint:
    c = _lock(complaint_id, actor=actor, expected_version=expected_version)
    _authorise(actor, c, "reject")
    reason = _required_note(reason, _("Give the reason for rejecting the complaint."))
    before = c.status
    c.status, c.rejected_at = Status.REJECTED, timezone.now()
    c.rejection_kind, c.rejection_reason = RejectionKind.INVALID, reason[:500]
    _save(c, ["status", "rejected_at", "rejection_kind", "rejection_reason"])
    _event(c, kind=EventKind.REJECTED, actor=actor, note=reason,
           from_status=before, to_status=Status.REJECTED)
    _notify_resident(c, "rejected")
    return c


@transaction.atomic
def complaint_mark_duplicate(*, complaint_id: int, actor, duplicate_of: str, note: str = "",
                             expected_version: int | None = None) -> Complaint:
    """Reject as a duplicate of another complaint of the same compound (by tracking code)."""
    c = _lock(complaint_id, actor=actor, expected_version=expected_version)
    _authorise(actor, c, "duplicate")
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
    _save(c, ["status", "rejected_at", "rejection_kind", "rejection_reason", "duplicate_of"])
    _event(c, kind=EventKind.DUPLICATE, actor=actor,
           note=" ".join(filter(None, [reason, (note or "").strip()])),
           from_status=before, to_status=Status.REJECTED)
    _notify_resident(c, "rejected")
    return c


def _reopen(c, *, actor, actor_role, note: str) -> Complaint:
    c.status = Status.REOPENED
    c.reopen_count += 1
    _save(c, ["status", "reopen_count"])
    _event(c, kind=EventKind.REOPENED, actor=actor, actor_role=actor_role, note=note,
           from_status=Status.RESOLVED, to_status=Status.REOPENED)
    _notify_resident(c, "reopened")
    return c


@transaction.atomic
def complaint_reopen(*, complaint_id: int, actor, note: str,
                     expected_version: int | None = None) -> Complaint:
    """Staff reopen a resolved complaint (e.g. the resident called to say it is not fixed)."""
    c = _lock(complaint_id, actor=actor, expected_version=expected_version)
    _authorise(actor, c, "reopen")
    note = _required_note(note, _("Say why the complaint is reopened."))
    return _reopen(c, actor=actor, actor_role=None, note=note)


def feedback_open(complaint, now=None) -> bool:
    """Can the resident still answer the follow-up questions on the tracking page?"""
    now = now or timezone.now()
    return (
        complaint.status == Status.RESOLVED
        and complaint.resolved_at is not None
        and now - complaint.resolved_at <= FEEDBACK_WINDOW
        and (complaint.feedback_at is None or complaint.feedback_at < complaint.resolved_at)
    )


@transaction.atomic
def complaint_record_feedback(*, complaint_id: int, resolved: bool, satisfaction: str,
                              comment: str = "", actor=None,
                              expected_version: int | None = None) -> Complaint:
    """The two follow-up answers: resolved or not (not → reopened) and satisfaction.

    ``actor`` None is the resident on the tracking page (within 7 days of resolution);
    a member of staff records the answers of a follow-up call (回访)."""
    c = _lock(complaint_id, actor=actor, expected_version=expected_version)
    now = timezone.now()
    _check_state(c, "feedback")
    if actor is None:
        if not feedback_open(c, now):
            raise ApplicationError(
                _("The follow-up questions can be answered within 7 days of resolution, once."),
                code="feedback_closed",
            )
        source, role = FeedbackSource.RESIDENT, RESIDENT
    else:
        if not can_act(actor, c, "feedback"):
            raise _forbidden()
        source, role = FeedbackSource.CALL, None
    if satisfaction not in Satisfaction.values:
        raise ApplicationError(_("Choose how satisfied the resident is."),
                               code="invalid_satisfaction")
    c.resident_resolved = bool(resolved)
    c.satisfaction = satisfaction
    c.satisfaction_comment = (comment or "").strip()[:500]
    c.feedback_at, c.feedback_source = now, source
    c.feedback_by = actor
    _save(c, ["resident_resolved", "satisfaction", "satisfaction_comment", "feedback_at",
              "feedback_source", "feedback_by"])
    answer = _("resolved") if resolved else _("not resolved")
    _event(c, kind=EventKind.FEEDBACK, actor=actor, actor_role=role,
           note=f"{answer}；{Satisfaction(satisfaction).label}"
                + (f"；{c.satisfaction_comment}" if c.satisfaction_comment else ""))
    if not resolved:
        return _reopen(c, actor=actor, actor_role=role,
                       note=_("The resident says the problem is not resolved."))
    return _close(c, actor=actor, actor_role=role,
                  note=_("The resident confirmed the problem is resolved."))


# ----------------------------------------------------------------------------- deadlines


def _badly_overdue_after() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "COMPLAINT_BADLY_OVERDUE_DAYS", 3))


def _alert_rules(now):
    """(alert kind, deadline field, candidate filter, escalation level)."""
    response_soon = now + datetime.timedelta(
        hours=getattr(settings, "COMPLAINT_RESPONSE_REMINDER_HOURS", 1)
    )
    resolve_soon = now + datetime.timedelta(
        hours=getattr(settings, "COMPLAINT_RESOLVE_REMINDER_HOURS", 24)
    )
    open_q = Q(status__in=OPEN_STATUSES)
    return [
        (AlertKind.RESPONSE_REMINDER, "response_deadline",
         Q(status=Status.SUBMITTED, response_deadline__gt=now,
           response_deadline__lte=response_soon), 0),
        (AlertKind.RESOLVE_REMINDER, "resolve_deadline",
         open_q & Q(resolve_deadline__gt=now, resolve_deadline__lte=resolve_soon), 0),
        (AlertKind.RESPONSE_OVERDUE, "response_deadline",
         Q(status=Status.SUBMITTED, response_deadline__lte=now), 1),
        (AlertKind.RESOLVE_OVERDUE, "resolve_deadline",
         open_q & Q(resolve_deadline__lte=now), 1),
        (AlertKind.RESOLVE_BADLY_OVERDUE, "resolve_deadline",
         open_q & Q(resolve_deadline__lte=now - _badly_overdue_after()), 2),
    ]


def complaint_sweep_deadlines(*, now: datetime.datetime | None = None,
                              batch: int = 500) -> dict[str, int]:
    """Remind handlers before a deadline, escalate overdue complaints to the community
    (and to the street when badly overdue), and close resolved complaints nobody rated
    within 7 days. Idempotent: one alert of each kind per complaint and deadline (a
    database constraint), so running twice (or on two workers) sends nothing twice."""
    now = now or timezone.now()
    counts = {}
    for kind, field, condition, level in _alert_rules(now):
        already = ComplaintAlert.objects.filter(
            complaint=OuterRef("pk"), kind=kind, deadline=OuterRef(field)
        )
        candidates = (
            Complaint.objects.filter(condition).filter(~Exists(already))
            .select_related("compound__community__street").order_by("pk")[:batch]
        )
        sent = 0
        for complaint in candidates:
            if _raise_alert(complaint, kind=kind, deadline=getattr(complaint, field),
                            level=level):
                sent += 1
        counts[str(kind)] = sent
    counts["auto_closed"] = _close_unrated(now, batch)
    return counts


def _raise_alert(complaint, *, kind, deadline, level) -> bool:
    try:
        with transaction.atomic():
            ComplaintAlert.objects.create(complaint=complaint, kind=kind, deadline=deadline)
            if level == 2:
                note = _("Escalated to %(unit)s.") % {"unit": complaint.compound.community.street}
            elif level == 1:
                note = _("Escalated to %(unit)s.") % {"unit": complaint.compound.community}
            else:
                note = str(AlertKind(kind).label)
            _event(complaint, kind=EventKind.ESCALATED if level else EventKind.REMINDER,
                   actor=None, note=f"{AlertKind(kind).label}。{note}" if level else note,
                   is_public=False)
            if level > complaint.escalation_level:
                Complaint.objects.filter(pk=complaint.pk, escalation_level__lt=level).update(
                    escalation_level=level
                )
            outbox.enqueue(kind=OutboxKind.HANDLER_ALERT, complaint_id=complaint.pk,
                           event=str(kind))
    except IntegrityError:
        return False  # another sweep sent it first
    return True


def _close_unrated(now, batch: int) -> int:
    stale = Complaint.objects.filter(
        status=Status.RESOLVED, resolved_at__lte=now - FEEDBACK_WINDOW
    ).filter(Q(feedback_at__isnull=True) | Q(feedback_at__lt=F("resolved_at")))
    closed = 0
    for pk in stale.order_by("pk").values_list("pk", flat=True)[:batch]:
        with transaction.atomic():
            c = Complaint.objects.select_for_update().get(pk=pk)
            if c.status != Status.RESOLVED:
                continue
            _close(c, actor=None, actor_role=SYSTEM,
                   note=_("No follow-up answer within 7 days: closed automatically."))
            closed += 1
    return closed

