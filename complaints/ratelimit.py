"""A small fixed-window rate limiter on the Django cache (Redis in production).

Keys are hashed so that phone numbers never appear in the cache in clear.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from core import client_address

# name → (limit, window in seconds); overridable with settings.COMPLAINT_RATE_LIMITS.
DEFAULT_LIMITS = {
    "submit_ip": (5, 3600),
    "submit_phone": (5, 3600),
    "submit_attempt_ip": (30, 3600),
    "track_ip": (30, 3600),
    # wrong lookups of one tracking code from one address (core.client_address)
    "track_code_failure": (5, 3600),
    # wrong lookups of one tracking code from all addresses: at the ceiling the code is
    # paused for the day and the resident is texted (complaints.tracking)
    "track_code_ceiling": (50, 86400),
    "open311_key": (120, 3600),
    # anonymous Open311 reads (requests.json, requests/<id>.json) per client address
    "open311_read_ip": (300, 3600),
}


def _limits(name: str) -> tuple[int, int]:
    overrides = getattr(settings, "COMPLAINT_RATE_LIMITS", {}) or {}
    return tuple(overrides.get(name, DEFAULT_LIMITS[name]))


def window_of(name: str) -> int:
    """The window of the limit ``name``, in seconds."""
    return _limits(name)[1]


def _key(name: str, ident: str) -> str:
    digest = hashlib.sha256(f"{name}:{ident}".encode()).hexdigest()[:32]
    return f"complaints:rl:{name}:{digest}"


def is_limited(name: str, ident: str) -> bool:
    """True when ``ident`` has already used up the limit ``name`` (without counting)."""
    return any_limited((name, ident))


def any_limited(*checks: tuple[str, str]) -> bool:
    """True when any (limit name, ident) is used up; one cache round trip for all."""
    keys = {_key(name, ident): _limits(name)[0] for name, ident in checks}
    counts = cache.get_many(list(keys))
    return any(counts.get(key, 0) >= limit for key, limit in keys.items())


def hit(name: str, ident: str) -> bool:
    """Count one use; True while ``ident`` stays within the limit."""
    limit, window = _limits(name)
    key = _key(name, ident)
    try:
        count = cache.incr(key)  # one round trip while the window is open
    except ValueError:  # no window yet, or it just expired: open one
        count = 1
        if not cache.add(key, 1, timeout=window):  # another request opened it first
            try:
                count = cache.incr(key)
            except ValueError:  # …and it expired again in between
                count = 1
    return count <= limit


def client_ip(request) -> str:
    """The client's address behind the trusted proxies (core.client_address)."""
    return client_address.client_ip(request) or "unknown"
