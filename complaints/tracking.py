"""The tracking lock-out (issue 16 item 3): wrong lookups are counted per tracking code
*and client address*, so a stranger's guesses do not lock the resident out of their own
request. A much higher ceiling per code (from all addresses together) pauses the code for
the day — and the resident is texted, through the outbox, so the pause is never silent.
"""

from django.core.cache import cache
from django.db import transaction

from . import outbox, ratelimit
from .models import Complaint, OutboxKind

TRACKING_PAUSED_EVENT = "tracking_paused"


def _per_address(code: str, ip: str) -> str:
    return f"{code}|{ip}"


def tracking_locked(*, code: str, ip: str) -> bool:
    """True while lookups of ``code`` from ``ip`` are refused."""
    return ratelimit.any_limited(("track_code_failure", _per_address(code, ip)),
                                 ("track_code_ceiling", code))


@transaction.atomic
def tracking_failure_record(*, code: str, ip: str) -> None:
    """Count one wrong lookup of ``code`` from ``ip``; when this reaches the per-code
    ceiling, text the resident (once per window) that lookups of their request are paused."""
    ratelimit.hit("track_code_failure", _per_address(code, ip))
    ratelimit.hit("track_code_ceiling", code)
    if not ratelimit.is_limited("track_code_ceiling", code):
        return
    window = ratelimit.window_of("track_code_ceiling")
    complaint_id = (Complaint.objects.filter(tracking_code=code)
                    .values_list("pk", flat=True).first())
    if complaint_id is None:
        return
    if cache.add(f"complaints:tracking-paused-texted:{complaint_id}", 1, timeout=window):
        outbox.enqueue(kind=OutboxKind.RESIDENT_NOTICE, complaint_id=complaint_id,
                       event=TRACKING_PAUSED_EVENT)
