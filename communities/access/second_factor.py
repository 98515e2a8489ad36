"""The one rule for the officials' second factor, on every door (issue 16 item 1).

``second_factor_missing`` decides; the page middleware
(``communities.access.middleware.SecondFactorRequiredMiddleware``) and the API permission
``SecondFactorPassed`` (first in ``REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]``) both ask
it, so a session, the admin, an export and the API cannot disagree. Third-party systems do
not log in as people: they hold an API token of their own (``communities.access.api_tokens``),
whose service account has no password and no second factor to pass.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from communities.access.scoping import scope_for_user

API_CLIENT_ATTRIBUTE = "api_client"


def second_factor_missing(user) -> bool:
    """True when ``user`` must pass TOTP (their role requires it) and has not yet."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, API_CLIENT_ATTRIBUTE, None) is not None:
        return False  # an administrator-issued client token, never a person's login
    if scope_for_user(user).role not in settings.OTP_REQUIRED_ROLES:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


class SecondFactorPassed(BasePermission):
    """API requests of officials who have not passed their second factor are refused."""

    message = _("Enter the code from your authenticator app first (/accounts/otp/).")
    code = "second_factor_required"

    def has_permission(self, request, view):
        return not second_factor_missing(request.user)


class ApiDocsPermission(BasePermission):
    """The OpenAPI schema and Swagger UI: public while ``API_DOCS_PUBLIC`` (development),
    else staff who have passed their second factor."""

    def has_permission(self, request, view):
        if settings.API_DOCS_PUBLIC:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff
                    and not second_factor_missing(user))
