"""Decorators of staff pages."""

from django.contrib.auth.decorators import login_required, permission_required
from django.views.decorators.cache import never_cache


def staff_view(permission):
    """Login required, the permission of the page, no caching of personal pages."""

    def decorate(view):
        return never_cache(
            login_required(permission_required(permission, raise_exception=True)(view))
        )

    return decorate
