from django.utils.functional import SimpleLazyObject

from .selectors import unread_count as count_unread


def unread_count(request) -> dict:
    """``unread_notifications`` for the header: one query, and only on pages that show it."""
    user = getattr(request, "user", None)
    return {"unread_notifications": SimpleLazyObject(lambda: count_unread(user=user))}
