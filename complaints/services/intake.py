"""New complaints: a resident's submission (web form, Open311) and a request logged by
staff (phone, window, 12345 hotline)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access.scoping import is_in_scope
from communities.metrics.writer import mark_dirty
from core.errors import ApplicationError
from core.services import refuse_null_characters
from core.validators import normalise_phone

from ..deadlines import deadline_is_provisional, deadlines_for
from ..lifecycle import LOG, RESIDENT, forbidden
from ..models import STAFF_CHANNELS, Channel, Complaint, EventKind, Status, Urgency
from .staff_notices import notify_new_complaint
from .timeline import actor_role, notify_resident, record_event, save_photos


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
        reporter_phone=normalise_phone(reporter_phone),
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
    event = record_event(
        complaint, kind=EventKind.CREATED, actor=actor,
        role=actor_role(actor) if actor else RESIDENT,
        to_status=Status.SUBMITTED, at=received_at,
    )
    save_photos(complaint, event, photos)
    notify_resident(complaint, "created")
    notify_new_complaint(complaint)
    return complaint


def complaint_log(*, actor, compound, channel: str, **fields) -> Complaint:
    """A member of staff logs a request taken by phone, at the window or from 12345."""
    if not actor.has_perm(LOG) or not is_in_scope(actor, compound):
        raise forbidden()
    if channel not in STAFF_CHANNELS:
        raise ApplicationError(_("Choose how the request was received."), code="invalid_channel")
    return complaint_create(actor=actor, compound=compound, channel=channel, **fields)
