"""Celery tasks of the metrics engine: thin wrappers over communities.metrics.writer."""

from datetime import date

from celery import shared_task
from django.contrib.auth import get_user_model

from communities import retention
from communities.metrics import writer as snapshots


@shared_task(acks_late=True, reject_on_worker_lost=True)
def recompute_month(period: str) -> int:
    """Full recompute of one month ("YYYY-MM-01")."""
    return snapshots.refresh_month(period=date.fromisoformat(period))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def recompute_recent(months: int = 13) -> list[str]:
    """Nightly: the last ``months`` months, in full."""
    return [p.isoformat() for p in snapshots.refresh_recent(months)]


@shared_task(acks_late=True, reject_on_worker_lost=True)
def refresh_dirty_metrics() -> int:
    """Every minute: only the compound-months marked dirty, and their ancestors."""
    return snapshots.refresh_dirty()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def recompute_family(family: str, months: int = 13) -> list[str]:
    """Nightly, one task per family (fee, complaints, disclosure, fulfilment), so each
    can run on its own queue and worker."""
    return [p.isoformat() for p in snapshots.refresh_recent(months, family_names={family})]


@shared_task(acks_late=True, reject_on_worker_lost=True)
def apply_retention(actor_id: int | None = None) -> dict[str, int]:
    """Nightly (or from the administrators' page): anonymise the personal data whose
    retention period ended (communities.retention; idempotent, so a redelivered task does
    nothing more)."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return retention.apply_retention(actor=actor)
