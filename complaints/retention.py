"""Retention rules of complaints (registered with communities.retention).

- Withdrawn and rejected complaints: ``complaints_withdrawn_or_rejected_days`` after they
  were rejected (or closed).
- Every other finished complaint (resolved or closed): ``complaints_other_days`` after it
  was closed (or resolved, when never closed). Open complaints are never due.

Anonymising a complaint blanks the reporter's name and phone (so the tracking page no
longer finds it), and replaces runs of 7 or more digits in the description, the address,
the resident's comment and the timeline notes by asterisks. Statuses, times, answers and
handlers stay, so every metric computed from the complaint is unchanged.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from communities.retention import RetentionRule, policy, register, scrub_digits
from core.timeutils import local_zone

from .models import Complaint, ComplaintEvent, Status

# "Withdrawn" is a status only where the lifecycle has one.
SHORT_STATUSES = [s for s in ("rejected", "withdrawn") if s in Status.values]
LONG_STATUSES = [Status.RESOLVED, Status.CLOSED]


def _cutoff(today: date, days: int) -> datetime:
    return datetime.combine(today - timedelta(days=days), time.min, tzinfo=local_zone())


def _not_anonymised() -> Q:
    return ~Q(reporter_phone="") | ~Q(reporter_name="")


def _withdrawn_or_rejected_due(today: date) -> QuerySet:
    cutoff = _cutoff(today, int(policy()["complaints_withdrawn_or_rejected_days"]))
    return (Complaint.objects.filter(status__in=SHORT_STATUSES)
            .annotate(retention_closed_at=Coalesce("rejected_at", "closed_at", "updated_at"))
            .filter(_not_anonymised(), retention_closed_at__lt=cutoff))


def _other_due(today: date) -> QuerySet:
    cutoff = _cutoff(today, int(policy()["complaints_other_days"]))
    return (Complaint.objects.filter(status__in=LONG_STATUSES)
            .annotate(retention_closed_at=Coalesce("closed_at", "resolved_at"))
            .filter(_not_anonymised(), retention_closed_at__lt=cutoff))


def complaints_anonymise(ids) -> int:
    """Blank the reporter and the long digit runs of these complaints and their notes."""
    complaints = list(Complaint.objects.filter(pk__in=ids).only(
        "pk", "description", "address_string", "satisfaction_comment", "rejection_reason",
    ))
    for complaint in complaints:
        complaint.reporter_name = ""
        complaint.reporter_phone = ""
        complaint.description = scrub_digits(complaint.description)
        complaint.address_string = scrub_digits(complaint.address_string)
        complaint.satisfaction_comment = scrub_digits(complaint.satisfaction_comment)
        complaint.rejection_reason = scrub_digits(complaint.rejection_reason)
    # bulk_update: no save() signals, no auto_now, no version bump — nothing a metric reads.
    Complaint.objects.bulk_update(complaints, [
        "reporter_name", "reporter_phone", "description", "address_string",
        "satisfaction_comment", "rejection_reason",
    ])
    events = list(ComplaintEvent.objects.filter(complaint_id__in=ids)
                  .exclude(note="").only("pk", "note"))
    changed = []
    for event in events:
        scrubbed = scrub_digits(event.note)
        if scrubbed != event.note:
            event.note = scrubbed
            changed.append(event)
    ComplaintEvent.objects.bulk_update(changed, ["note"])
    return len(complaints)


register(RetentionRule(
    name="complaints_withdrawn_or_rejected", label=_("Withdrawn or rejected complaints"),
    model_label="complaints.complaint", period_key="complaints_withdrawn_or_rejected_days",
    due=_withdrawn_or_rejected_due, anonymise=complaints_anonymise,
))
register(RetentionRule(
    name="complaints_finished", label=_("Resolved and closed complaints"),
    model_label="complaints.complaint", period_key="complaints_other_days",
    due=_other_due, anonymise=complaints_anonymise,
))
