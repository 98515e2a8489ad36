"""Edges refused before any view runs (issue 16 item 6).

``RequestGuardMiddleware`` answers 400 — a Chinese page, or the API's JSON error under
``/api/`` — to a NUL character anywhere in the path or the query, and to an id parameter
that looks like a number but is not a plain decimal one (``?compound=-1``, ``?year=²``):
such input can never name a record, and deeper down it turned into server errors.
``PermissionsPolicyMiddleware`` switches off the browser features the portal does not use.
"""

import re

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# Query parameters that name a record or a year: plain decimal numbers only (a comma
# list for Open311's service_request_id). Empty means "not given" and passes.
ID_PARAMETERS = frozenset({
    "id", "pk", "year", "unit", "compound", "community", "street", "district", "city",
    "grid", "building", "category", "firm", "household", "organization", "point",
    "meeting", "allocation", "bill", "payment", "complaint", "site", "service_request_id",
})
DECIMAL = re.compile(r"^[0-9]{1,18}$")
NUL = "\x00"


def _bad_number(text: str) -> bool:
    """A value that looks like a number but is not a plain decimal id: a sign (``-5``),
    other scripts' digits or superscripts (``²``, ``١٢``), more than 18 digits. Words
    (a compound's name typed in a search box) are left to the view."""
    looks_numeric = any(ch.isdigit() for ch in text) and all(
        ch.isdigit() or ch in "+-" for ch in text)
    return looks_numeric and not DECIMAL.match(text)


def _problem(request) -> tuple[str, str | None] | None:
    """(message, the parameter at fault or None), or None when the request is fine."""
    if NUL in request.path_info or NUL in request.META.get("QUERY_STRING", ""):
        return _("The address contains a character that is not allowed."), None
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return _("The address contains a character that is not allowed."), key
        if key in ID_PARAMETERS:
            for value in values:
                parts = [part.strip() for part in value.split(",")]
                if any(_bad_number(part) for part in parts):
                    return _("%(name)s must be a whole number.") % {"name": key}, key
    return None


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            problem = _problem(request)
        except UnicodeDecodeError:
            problem = _("The address contains a character that is not allowed."), None
        if problem is None:
            return self.get_response(request)
        message, field = problem
        if request.path_info.startswith("/api/"):
            fields = {field: [message]} if field else {}
            return JsonResponse(
                {"error": {"code": "invalid", "message": message, "fields": fields}},
                status=400)
        return render(request, "400.html", {"message": message}, status=400)


PERMISSIONS_POLICY = ", ".join([
    "accelerometer=()", "autoplay=()", "camera=()", "display-capture=()",
    "geolocation=(self)", "gyroscope=()", "magnetometer=()", "microphone=()",
    "midi=()", "payment=()", "usb=()", "interest-cohort=()",
])


class PermissionsPolicyMiddleware:
    """Browser features off, except the location a resident may share (Open311 lat/long)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
