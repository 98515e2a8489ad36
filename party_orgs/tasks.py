from celery import shared_task

from .notices import action_items_notify_due


@shared_task
def notify_due_decisions() -> int:
    """Daily: the joint-meeting decisions due today or late reach the community's inbox."""
    return action_items_notify_due()
