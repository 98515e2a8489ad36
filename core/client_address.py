"""The client's address as the trusted proxy saw it (issue 16 item 3).

Behind nginx every request arrives from the proxy's address; the client's is the one
the proxy appended to ``X-Forwarded-For``. ``TRUSTED_PROXY_COUNT`` says how many proxies
we run in front of the portal (0: none, the default — ``REMOTE_ADDR`` is the client).
Each trusted proxy appends the address it saw, so the client is the N-th entry from the
right; anything further left was written by the client and is not believed. Used by the
rate limits, the tracking lock-out, django-axes (``AXES_CLIENT_IP_CALLABLE``) and the audit.
"""

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    value = (value or "").strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's IP address, or None when the request carries none."""
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if part.strip()]
    if len(forwarded) < proxies:
        return remote  # not through all our proxies: only the direct peer is known
    return _valid(forwarded[-proxies]) or remote
