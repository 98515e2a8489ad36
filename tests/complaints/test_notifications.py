"""Residents are texted in Chinese after each step, through the configured notifier;
logs never show an unmasked phone; the SMS gateway backend POSTs to its URL and the
task retries when the gateway fails (the HTTP edge is a local test server)."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from complaints import outbox
from complaints.models import OutboxKind
from complaints.notifications import NotificationError, SmsGatewayNotifier
from complaints.tasks import deliver_outbox_message
from config.celery import app

from .conftest import PHONE, advance, make_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway():
    """A local SMS gateway: records the JSON bodies; answers with ``status``."""
    state = {"requests": [], "status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers["Content-Length"])
            state["requests"].append({"body": json.loads(self.rfile.read(length)),
                                      "auth": self.headers.get("Authorization")})
            queued = state.get("queue") or []
            self.send_response(queued.pop(0) if queued else state["status"])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_port}/sms"
    yield state
    server.shutdown()
    server.server_close()


def test_logging_backend_masks_the_phone(cw, caplog, django_capture_on_commit_callbacks):
    with caplog.at_level(logging.INFO, logger="complaints.notifications"), \
            django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint(cw)
    text = caplog.text
    assert "139****5678" in text and PHONE not in text
    assert complaint.tracking_code in text and "已收到" in text


def test_each_step_texts_the_resident(cw, settings, gateway, django_capture_on_commit_callbacks):
    settings.NOTIFIER_BACKEND = "complaints.notifications.SmsGatewayNotifier"
    settings.SMS_GATEWAY_URL = gateway["url"]
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint(cw)
    with django_capture_on_commit_callbacks(execute=True):
        advance(cw, complaint, "resolved")
    bodies = [r["body"] for r in gateway["requests"]]
    assert [b["phone"] for b in bodies] == [PHONE] * 4  # received, accepted, dispatched, resolved
    assert "已收到" in bodies[0]["message"] and complaint.tracking_code in bodies[0]["message"]
    assert "7 天内" in bodies[-1]["message"]
    assert gateway["requests"][0]["auth"] == "Bearer secret-token"


def test_gateway_failure_raises_for_retry(gateway):
    gateway["status"] = 502
    with pytest.raises(NotificationError):
        SmsGatewayNotifier(url=gateway["url"], token="t").send(phone=PHONE, message="测试")
    with pytest.raises(NotificationError):
        SmsGatewayNotifier(url="http://127.0.0.1:9/nothing", token="t").send(
            phone=PHONE, message="测试")


@pytest.fixture
def worker_like_retries():
    """As on a worker: a failure schedules a retry instead of propagating at once."""
    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


def test_task_retries_then_succeeds(cw, settings, gateway, worker_like_retries):
    settings.NOTIFIER_BACKEND = "complaints.notifications.SmsGatewayNotifier"
    settings.SMS_GATEWAY_URL = gateway["url"]
    complaint = make_complaint(cw)
    message = outbox.enqueue(kind=OutboxKind.RESIDENT_NOTICE, complaint_id=complaint.pk,
                             event="accepted")
    gateway["requests"].clear()
    gateway["queue"] = [503, 500]  # two failures, then 200
    result = deliver_outbox_message.apply(args=[message.pk])
    assert result.successful() and result.result is True
    assert len(gateway["requests"]) == 3  # retried twice, then delivered
    assert "已受理" in gateway["requests"][-1]["body"]["message"]
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 3
    assert NotificationError in deliver_outbox_message.autoretry_for


def test_a_failing_notifier_never_undoes_the_change(cw, settings, client):
    settings.NOTIFIER_BACKEND = "complaints.notifications.SmsGatewayNotifier"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/unreachable"
    deliver_outbox_message.max_retries, saved = 0, deliver_outbox_message.max_retries
    try:
        complaint = make_complaint(cw)
        client.force_login(cw.users["community_staff"])
        response = client.post(f"/staff/complaints/{complaint.pk}/accept/",
                               {"version": complaint.version})
    finally:
        deliver_outbox_message.max_retries = saved
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "accepted"
