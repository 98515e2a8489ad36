"""The generated city's year (December 2025 – November 2026, observed at ``AS_OF``),
importable without the generator's tables, so that a measured task loads no more than
it would in service."""

import datetime
from zoneinfo import ZoneInfo

from core.timeutils import months_from

ZONE = ZoneInfo("Asia/Shanghai")
FIRST_MONTH = datetime.date(2025, 12, 1)
MONTHS = 12
AS_OF = datetime.datetime(2026, 11, 20, 18, 0, tzinfo=ZONE)


def month_starts() -> list[datetime.date]:
    return months_from(FIRST_MONTH, MONTHS)
