"""A worker killed (SIGKILL) in the middle of a metric recompute: the task was not
acknowledged (acks_late), so the broker hands it to the next worker once the Redis
visibility timeout passes, and the snapshots end identical to an undisturbed run."""

import datetime
import time

import pytest
import redis
from django.utils import timezone

from communities.metrics import writer as snapshots
from communities.models import MetricSnapshot
from communities.tasks import recompute_month
from config.celery import app
from tests.complaints.conftest import make_complaint

from .conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = ("metric", "period", "scope_level", "scope_id", "dimension", "dimension_value",
          "numerator", "denominator", "value", "community_id", "street_id", "district_id",
          "city_id", "mode", "firm_id")

VISIBILITY_TIMEOUT = 3


def _rows():
    return sorted(MetricSnapshot.objects.values_list(*FIELDS))


def test_killed_worker_task_is_redelivered_and_ends_identical(
        cw, app_on_private_broker, private_redis, workers, tmp_path, settings):
    assert recompute_month.acks_late and recompute_month.reject_on_worker_lost
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost

    period = snapshots.month_of(timezone.now() - datetime.timedelta(days=35))
    received = timezone.make_aware(datetime.datetime.combine(period, datetime.time(9)))
    for i, compound in enumerate(["A1a-c-p", "A1a-c-p", "A1b-c-p", "B1a-c-p"] * 3):
        make_complaint(cw, compound=compound, category="noise" if i % 2 else "elevator",
                       received_at=received + datetime.timedelta(hours=i))
    snapshots.refresh_month(period=period)  # the undisturbed run, for reference
    reference = _rows()
    assert len(reference) > 50
    MetricSnapshot.objects.all().delete()

    marker = tmp_path / "started"
    short = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    first = workers.start(preload="tests.reliability.slow_metrics",
                          env={**short, "SLOW_METRICS_MARKER": str(marker)})
    recompute_month.apply_async((period.isoformat(),))
    wait_for(marker.exists, what="the recompute to start on the first worker")
    workers.kill(first)  # mid-task: nothing written, message not acknowledged
    assert not MetricSnapshot.objects.exists()

    # Once the unacknowledged message is older than the visibility timeout, the next
    # worker's first scan of them (at start-up) puts the task back on the queue.
    broker = redis.Redis.from_url(private_redis.url)
    wait_for(lambda: broker.zcount("unacked_index", 0, time.time() - VISIBILITY_TIMEOUT) > 0,
             timeout=30, what="the unacknowledged task to pass the visibility timeout")
    workers.start(env=short)  # a new worker: the unacknowledged task comes back
    wait_for(lambda: MetricSnapshot.objects.count() >= len(reference), timeout=90,
             what="the redelivered recompute to finish")
    assert _rows() == reference
