"""A small fixed-window rate limiter on the Django cache (Redis in production).

Keys are hashed so that phone numbers never appear in the cache in clear.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

# name → (limit, window in seconds); overridable with settings.COMPLAINT_RATE_LIMITS.
DEFAULT_LIMITS = {
    "submit_ip": (5, 3600),
    "submit_phone": (5, 3600),
    "submit_attempt_ip": (30, 3600),
    "track_ip": (30, 3600),
    "track_code_failure": (5, 3600),
    "open311_key": (120, 3600),
}


def _limits(name: str) -> tuple[int, int]:
    overrides = getattr(settings, "COMPLAINT_RATE_LIMITS", {}) or {}
    return tuple(overrides.get(name, DEFAULT_LIMITS[name]))


def _key(name: str, ident: str) -> str:
    digest = hashlib.sha256(f"{name}:{ident}".encode()).hexdigest()[:32]
    return f"complaints:rl:{name}:{digest}"


def is_limited(name: str, ident: str) -> bool:
    """True when ``ident`` has already used up the limit ``name`` (without counting)."""
    limit, _window = _limits(name)
    return (cache.get(_key(name, ident)) or 0) >= limit


def hit(name: str, ident: str) -> bool:
    """Count one use; True while ``ident`` stays within the limit."""
    limit, window = _limits(name)
    key = _key(name, ident)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"
