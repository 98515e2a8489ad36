"""A one-time password must be changed before anything else (issue 15).

``communities.accounts`` notes at login, in the session, that the password is a one-time
one; until the holder changes it every page redirects to the password change page and the
API answers 403 with the code ``password_change_required``.
"""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.accounts import MUST_CHANGE_SESSION_KEY


class PasswordChangeRequiredMiddleware:
    allowed_prefixes = ("/accounts/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if (
            user is not None
            and user.is_authenticated
            and session is not None
            and session.get(MUST_CHANGE_SESSION_KEY)
            and not request.path.startswith(self.allowed_prefixes)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": {"code": "password_change_required",
                               "message": _("Change your one-time password first."),
                               "fields": {}}},
                    status=403,
                )
            return redirect(f"{reverse('password-change')}?next={request.path}")
        return self.get_response(request)
