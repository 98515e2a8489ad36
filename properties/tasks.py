"""Celery tasks of the properties app: thin wrappers over services."""

from celery import shared_task

from . import services


@shared_task
def refresh_owners_organisations() -> int:
    """Committee terms end by the calendar: keep each compound's "has owners'
    organisation" flag true exactly while a committee's term is current."""
    return services.owners_organisation_refresh_all()
