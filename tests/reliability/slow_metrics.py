"""Imported only by a test worker (see ``Workers.start(preload=...)``): registers a
metric family with no metrics whose computation signals that a recompute has started
(touches ``SLOW_METRICS_MARKER``) and then sleeps, so the test can kill the worker in
the middle of ``communities.tasks.recompute_month``. It adds no snapshot rows."""

import os
import time
from pathlib import Path

from communities.metrics.families import MetricFamily, register_family


def _slow(period, as_of, compound_ids):
    marker = os.environ.get("SLOW_METRICS_MARKER")
    if marker:
        Path(marker).touch()
        time.sleep(float(os.environ.get("SLOW_METRICS_SECONDS", "120")))
    return {}


register_family(MetricFamily.per_month("test_slow", (), _slow))
