"""Each task family has its queue, so workers on several hosts can share the broker and
take one family each; `make worker` takes every queue."""

from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("task", "queue"), [
    ("communities.tasks.recompute_family", "metrics"),
    ("communities.tasks.refresh_dirty_metrics", "metrics"),
    ("complaints.tasks.deliver_outbox_message", "notifications"),
    ("complaints.tasks.flush_outbox", "notifications"),
    ("complaints.tasks.check_complaint_deadlines", "celery"),
    ("properties.tasks.refresh_owners_organisations", "celery"),
])
def test_task_goes_to_its_family_queue(task, queue):
    route = app.amqp.router.route({}, task)
    assert route["queue"].name == queue
    assert queue in settings.WORKER_QUEUES


def test_make_worker_consumes_every_queue():
    makefile = (ROOT / "Makefile").read_text()
    assert f"-Q {','.join(settings.WORKER_QUEUES)}" in makefile
