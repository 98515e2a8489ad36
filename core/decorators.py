"""Decorators of staff pages."""

from functools import wraps

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


def permission_refusal(permission: str) -> str:
    """The reason a user reads on the 403 page: which permission the account lacks,
    e.g. "您的账号没有查看巡访记录的权限。"."""
    app_label, _dot, codename = permission.partition(".")
    action, _sep, model_name = codename.partition("_")
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return _("Your account does not have permission to open this page.")
    things = model._meta.verbose_name_plural
    messages = {
        "view": _("Your account does not have permission to view %(things)s."),
        "add": _("Your account does not have permission to add %(things)s."),
        "change": _("Your account does not have permission to change %(things)s."),
        "delete": _("Your account does not have permission to delete %(things)s."),
    }
    if action not in messages:
        return _("Your account does not have permission to open this page.")
    return messages[action] % {"things": things}


def staff_view(permission):
    """Login required, the permission of the page (refused with the reason), no caching
    of personal pages."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied(permission_refusal(permission))
            return view(request, *args, **kwargs)

        return never_cache(login_required(checked))

    return decorate
