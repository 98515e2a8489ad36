"""Celery tasks of the properties app: thin wrappers over services."""

from celery import shared_task

from . import fee_import_services, services


@shared_task
def refresh_owners_organisations() -> int:
    """Committee terms end by the calendar: keep each compound's "has owners'
    organisation" flag true exactly while a committee's term is current."""
    return services.owners_organisation_refresh_all()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_fee_import(import_id: int) -> str:
    """Import a queued bills or payments file (all rows or none) and delete the stored
    file. Idempotent: a redelivered task finds the import ended and does nothing; a run
    killed mid-way was rolled back, so the redelivery imports the file afresh."""
    record = fee_import_services.fee_import_run(import_id=import_id)
    return record.outcome if record is not None else "missing"


@shared_task
def requeue_stale_fee_imports() -> list[int]:
    """Every quarter of an hour: imports whose task was lost are queued again."""
    return fee_import_services.fee_imports_requeue_stale()
