from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import BaseBackend

from communities.access.role_permissions import permissions_of
from communities.access.scoping import scope_for_user


class StaffRoleBackend(BaseBackend):
    """Grants the permissions of the user's active staff role (never authenticates)."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(permissions_of(scope_for_user(user_obj).role))

    def has_module_perms(self, user_obj, app_label):
        prefix = f"{app_label}."
        return any(p.startswith(prefix) for p in self.get_all_permissions(user_obj))


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins made through a web request.

    ``authenticate()`` calls without a request (management commands, the test client's
    ``login()``) are not web login attempts and are left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
