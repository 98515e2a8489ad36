"""Staff session rules: time-outs, a second factor for officials, no caching of staff pages."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from communities.access.second_factor import second_factor_missing

LOGIN_AT = "_staff_login_at"
LAST_SEEN = "_staff_last_seen"


class StaffSessionTimeoutMiddleware:
    """Log a user out after an idle period and after an absolute session lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.setdefault(LOGIN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            if (
                now - last_seen > settings.SESSION_IDLE_TIMEOUT
                or now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                logout(request)
                messages.warning(request, _("Your session has expired. Please log in again."))
                return redirect(f"{reverse('login')}?next={request.path}")
            session[LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Officials whose role needs a second factor must pass TOTP before anything else.

    The API (``/api/v1/``) answers the same rule itself (``SecondFactorPassed``), with a JSON
    403 instead of a redirect, after DRF has authenticated the request.
    """

    allowed_prefixes = ("/accounts/", "/static/", "/i18n/", "/api/v1/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not request.path.startswith(self.allowed_prefixes)
            and second_factor_missing(getattr(request, "user", None))
        ):
            return redirect(f"{reverse('otp-verify')}?next={request.path}")
        return self.get_response(request)


class StaffNoStoreMiddleware:
    """Pages seen by a logged-in user (staff pages, the API, exports) are never cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
