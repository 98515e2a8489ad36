"""Hand-made metric snapshot rows for the dashboard tests (the dashboard reads nothing else)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from communities.metrics.definitions import METRICS
from communities.models import MetricSnapshot
from core.timeutils import recent_months

COMPUTED_AT = timezone.make_aware(datetime.datetime(2026, 1, 1, 3, 0))


def running_month() -> datetime.date:
    """The month still running (the dashboard shows it only when asked, as preliminary)."""
    return recent_months(1)[0]


def shown_month() -> datetime.date:
    """The month the dashboard opens on: the last complete one."""
    return recent_months(2)[0]


def last_month() -> datetime.date:
    """The month before the one shown (what the cards compare with)."""
    return recent_months(3)[0]


def months_ago(n: int) -> datetime.date:
    """``n`` months before the month shown."""
    return recent_months(n + 2)[0]


def row(metric, period, level, scope_id, num, den, *, dimension="", dimension_value="",
        **compound_fields) -> MetricSnapshot:
    num, den = Decimal(str(num)), Decimal(str(den))
    return MetricSnapshot(
        metric=metric, period=period, scope_level=level, scope_id=scope_id,
        dimension=dimension, dimension_value=dimension_value, numerator=num, denominator=den,
        value=METRICS[metric].value(num, den), computed_at=COMPUTED_AT, **compound_fields,
    )


def compound_row(compound, metric, period, num, den, *, mode=None) -> MetricSnapshot:
    community = compound.community
    street = community.street
    return row(
        metric, period, "compound", compound.pk, num, den,
        community_id=community.pk, street_id=street.pk, district_id=street.district_id,
        city_id=street.district.city_id, mode=mode or compound.management_mode,
    )


def save(*rows) -> None:
    MetricSnapshot.objects.bulk_create(rows)
