"""What every write to a complaint does besides the change itself: bump the version,
write one timeline event (and its audit event), attach photos, mark the month's
metrics dirty, and owe the resident a text message through the outbox."""

from django.utils import timezone
from django.utils.translation import gettext as _

from communities import audit
from communities.access.scoping import scope_for_user
from communities.metrics.writer import mark_dirty
from communities.models import AuditAction
from core.errors import ApplicationError

from .. import outbox
from ..lifecycle import SYSTEM
from ..models import Complaint, ComplaintEvent, ComplaintPhoto, EventKind, OutboxKind
from ..photos import MAX_PHOTOS


def actor_role(actor) -> str:
    if actor is None:
        return SYSTEM
    if actor.is_superuser:
        return "admin"
    return scope_for_user(actor).role or ""


def record_event(complaint, *, kind, actor=None, role=None, note="", from_status="",
                 to_status="", is_public=True, at=None) -> ComplaintEvent:
    """One timeline event; every event but reminders and escalations is also audited."""
    event = ComplaintEvent.objects.create(
        complaint=complaint, kind=kind, actor=actor,
        actor_role=role if role is not None else actor_role(actor),
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


def save_change(complaint, fields: list[str]) -> Complaint:
    """Save ``fields`` of a locked complaint with a new version."""
    _remember_changes(complaint, fields)
    complaint.version += 1
    complaint.full_clean(validate_unique=False)
    complaint.save(update_fields=[*fields, "version", "updated_at"])
    mark_dirty(compound_id=complaint.compound_id, when=complaint.received_at)
    return complaint


def notify_resident(complaint, kind: str) -> None:
    # Through the outbox: stored with the change, queued after commit, flushed again
    # later if the broker was down; never undoes (or hides) the saved change.
    outbox.enqueue(kind=OutboxKind.RESIDENT_NOTICE, complaint_id=complaint.pk, event=kind)


def save_photos(complaint, event, photos) -> list[ComplaintPhoto]:
    """Attach photos (already checked and re-encoded by ``photos.clean_photo``)."""
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
