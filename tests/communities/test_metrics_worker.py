"""With a real Celery worker on Redis: a change committed through a service reaches the
snapshots through the incremental refresh task."""

import datetime
import time
from decimal import Decimal

from communities.metrics import writer as snapshots
from communities.models import MetricSnapshot
from communities.tasks import refresh_dirty_metrics
from core.timeutils import local_today, month_of
from properties import services as property_services


def _fee_row(compound, period):
    return MetricSnapshot.objects.filter(
        metric="fee_collection_rate", period=period, scope_level="compound",
        scope_id=compound.pk,
    ).values_list("numerator", "denominator").first()


def test_committed_payment_reaches_snapshots_through_the_worker(celery_worker, world):
    compound = world.compounds["A1a-c-p"]
    period = month_of(local_today())
    bill = property_services.fee_bill_create(
        household=world.households["A1a-c-p-b1-1"], period_start=period,
        period_end=period.replace(day=28), amount_due=Decimal("120"),
    )
    snapshots.refresh_month(period=period)
    assert _fee_row(compound, period) == (Decimal("0"), Decimal("120"))

    property_services.payment_record(
        bill=bill, amount=Decimal("90"), channel="wechat", receipt_no="W-1",
        paid_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1),
    )
    refresh_dirty_metrics.apply_async(queue=celery_worker.queue)
    deadline = time.monotonic() + 60
    while _fee_row(compound, period) != (Decimal("90"), Decimal("120")):
        assert time.monotonic() < deadline, "the worker did not refresh the snapshots"
        time.sleep(0.3)
    district = MetricSnapshot.objects.get(
        metric="fee_collection_rate", period=period, scope_level="district",
        scope_id=world.districts["A1"].pk, dimension="",
    )
    assert district.value == Decimal("0.7500")
