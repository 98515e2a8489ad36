"""Settings of the benchmark server: the project's settings, with the complaint rate
limits raised so that the load loop is not refused (the limiter still runs: one Redis
increment per submission, as in production)."""

from config.settings import *  # noqa: F403

COMPLAINT_RATE_LIMITS = dict.fromkeys(
    ("submit_ip", "submit_phone", "submit_attempt_ip", "track_ip", "track_code_failure",
     "open311_key"),
    (10**9, 3600),
)
