"""Redis (the broker) down while a resident submits: the submission still succeeds and
is stored with an unsent outbox row; once Redis is back, the beat flush delivers the
text message exactly once, and the metric refresh the submission owes happens."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import MetricSnapshot
from communities.tasks import refresh_dirty_metrics
from complaints import outbox
from complaints.models import Complaint, OutboxMessage
from complaints.tasks import flush_outbox
from core.timeutils import month_of
from tests.complaints.conftest import PHONE, image_file

from .conftest import wait_for
from .recording import sent

pytestmark = pytest.mark.django_db(transaction=True)


def test_submission_survives_redis_down_and_is_notified_once(
        client, cw, private_redis, app_on_private_broker, workers, tmp_path):
    app = app_on_private_broker
    with app.connection_for_write() as conn:  # the broker works before the outage
        conn.ensure_connection(max_retries=1)
    private_redis.stop()

    response = client.post(
        reverse("complaint-new-compound", args=[cw.compounds["A1a-c-p"].pk]),
        {"category": cw.categories["elevator"].pk, "description": "电梯停在三楼不动",
         "reporter_name": "王芳", "reporter_phone": PHONE, "website": "",
         "photos": [image_file()]},
    )
    assert response.status_code == 302  # stored, the resident gets the receipt
    complaint = Complaint.objects.get()
    message = OutboxMessage.objects.get(complaint=complaint)
    assert (message.event, message.sent_at, message.attempts) == ("created", None, 0)
    compound = complaint.compound_id
    assert not MetricSnapshot.objects.filter(scope_level="compound", scope_id=compound,
                                             metric="complaint_rate").exists()

    # Redis is back; a worker runs; the beat flush (every minute) takes the row up.
    private_redis.start()
    record = tmp_path / "sms.jsonl"
    workers.start(env={"NOTIFIER_BACKEND": "tests.reliability.recording.FileNotifier",
                       "RECORDING_NOTIFIER_FILE": str(record)})
    assert flush_outbox.apply().result == 0  # younger than a minute: left for later
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=2))
    assert flush_outbox.apply().result == 1
    assert outbox.queue(message.pk)  # queued twice (a second flush, a late commit hook)
    refresh_dirty_metrics.apply_async()  # the beat's dirty-mark refresh, on the worker

    def delivered():
        message.refresh_from_db()
        return message.sent_at is not None

    wait_for(delivered, what="the outbox message to be sent")
    wait_for(lambda: MetricSnapshot.objects.filter(
        scope_level="compound", scope_id=compound, metric="complaint_rate").exists(),
        what="the metric snapshots")
    # Both queued copies have run (the queue is empty and nothing is in flight).
    wait_for(lambda: _queue_drained(app), what="the worker to drain the queue")

    texts = sent(record)
    assert len(texts) == 1  # exactly once
    assert texts[0]["phone"] == PHONE and complaint.tracking_code in texts[0]["message"]
    assert message.attempts == 1
    snapshot = MetricSnapshot.objects.get(scope_level="compound", scope_id=compound,
                                          metric="complaint_rate",
                                          period=month_of(complaint.received_at))
    assert snapshot.numerator == 1


def _queue_drained(app) -> bool:
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        return client.llen("celery") == 0 and client.hlen("unacked") == 0
