"""The outbox of text messages: retention of sent rows (OUTBOX_RETENTION_DAYS, a daily
beat task on the notifications queue) and a read-only admin for superusers only."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from complaints import outbox, tasks
from complaints.admin import OutboxMessageAdmin
from complaints.models import OutboxKind, OutboxMessage
from config.celery import app

from .conftest import PHONE, make_complaint

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def message(complaint, *, age_days, sent_days=None, attempts=0, last_error="",
            event="created", kind=OutboxKind.RESIDENT_NOTICE):
    now = timezone.now()
    return OutboxMessage.objects.create(
        kind=kind, complaint=complaint, event=event, created_at=now - age_days * DAY,
        sent_at=None if sent_days is None else now - sent_days * DAY,
        attempts=attempts, last_error=last_error,
    )


@pytest.fixture
def rows(cw):
    complaint = make_complaint(cw)
    OutboxMessage.objects.all().delete()  # the "created" notice, already delivered (eager)
    return {
        "old_sent": message(complaint, age_days=120, sent_days=119, attempts=1),
        "sent_at_limit": message(complaint, age_days=95, sent_days=89, attempts=1),
        "recent_sent": message(complaint, age_days=2, sent_days=2, attempts=1),
        "old_pending": message(complaint, age_days=200),
        "old_failing": message(complaint, age_days=150, attempts=6,
                               last_error="SMS gateway answered 503"),
        "recent_failing": message(complaint, age_days=1, attempts=2,
                                  last_error="SMS gateway unreachable"),
    }


def test_retention_deletes_only_sent_rows_older_than_the_setting(rows):
    assert settings.OUTBOX_RETENTION_DAYS == 90
    assert outbox.purge_sent() == 1
    left = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert left == {m.pk for name, m in rows.items() if name != "old_sent"}
    assert outbox.purge_sent() == 0  # idempotent


def test_retention_follows_the_setting_and_batches(rows, settings):
    settings.OUTBOX_RETENTION_DAYS = 1
    assert outbox.purge_sent(batch=1) == 3  # every sent row, one batch at a time
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {
        rows["old_pending"].pk, rows["old_failing"].pk, rows["recent_failing"].pk}


def test_retention_refuses_a_nonsense_setting(rows, settings):
    settings.OUTBOX_RETENTION_DAYS = 0
    with pytest.raises(ImproperlyConfigured):
        outbox.purge_sent()
    assert OutboxMessage.objects.count() == len(rows)


def test_daily_beat_task_on_the_notifications_queue(rows):
    entry = settings.CELERY_BEAT_SCHEDULE["complaints-purge-sent-outbox"]
    assert entry["task"] == "complaints.tasks.purge_sent_outbox"
    assert app.amqp.router.route({}, entry["task"])["queue"].name == "notifications"
    assert tasks.purge_sent_outbox.delay().get() == 1
    assert not OutboxMessage.objects.filter(pk=rows["old_sent"].pk).exists()


# ----------------------------------------------------------------------------- admin


def test_admin_lists_and_filters_for_the_superuser_in_chinese(client, cw, rows):
    client.force_login(cw.users["superuser"])
    url = reverse("admin:complaints_outboxmessage_changelist")
    with override("zh-hans"):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("外发短信", "发送状态", "已发送", "待发送", "发送失败", "查询码", "发送次数",
                  "最近一次错误", "发给居民的短信"):
        assert label in html, label
    assert rows["old_sent"].complaint.tracking_code in html
    assert PHONE not in html

    def shown(state):
        response = client.get(url, {"state": state})
        return set(response.context["cl"].result_list.values_list("pk", flat=True))

    sent = {rows[n].pk for n in ("old_sent", "sent_at_limit", "recent_sent")}
    assert shown("sent") == sent
    assert shown("pending") == {rows["old_pending"].pk}
    assert shown("failing") == {rows["old_failing"].pk, rows["recent_failing"].pk}


def test_admin_is_read_only(client, cw, rows):
    client.force_login(cw.users["superuser"])
    pk = rows["old_failing"].pk
    assert client.get(reverse("admin:complaints_outboxmessage_add")).status_code == 403
    assert client.get(reverse("admin:complaints_outboxmessage_delete", args=[pk])
                      ).status_code == 403
    change = reverse("admin:complaints_outboxmessage_change", args=[pk])
    response = client.get(change)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert b'name="attempts"' not in response.content
    assert client.post(change, {"attempts": 0}).status_code == 403
    rows["old_failing"].refresh_from_db()
    assert rows["old_failing"].attempts == 6
    changelist = client.get(reverse("admin:complaints_outboxmessage_changelist"))
    assert "delete_selected" not in changelist.content.decode()


def test_last_error_shows_phones_masked(client, cw, rows):
    rows["old_failing"].last_error = f"gateway refused {PHONE}"
    rows["old_failing"].save()
    client.force_login(cw.users["superuser"])
    html = client.get(reverse("admin:complaints_outboxmessage_changelist")).content.decode()
    assert PHONE not in html and "139****5678" in html


@pytest.mark.parametrize("role", ["city_official", "district_official", "street_staff",
                                  "community_staff", "grid_worker", "firm_staff", "nobody"])
def test_staff_other_than_superusers_see_nothing(client, cw, rows, role):
    """Superusers only: the delivery log is operations' business; staff follow their
    complaints on the workbench."""
    client.force_login(cw.users[role])
    pk = rows["old_failing"].pk
    assert client.get(reverse("admin:complaints_outboxmessage_changelist")).status_code == 403
    assert client.get(reverse("admin:complaints_outboxmessage_change", args=[pk])
                      ).status_code in (403, 404)
    index = client.get(reverse("admin:index"))
    assert reverse("admin:complaints_outboxmessage_changelist") not in index.content.decode()


def test_admin_class_denies_everything_to_non_superusers(rf, cw):
    model_admin = OutboxMessageAdmin(OutboxMessage, None)
    request = rf.get("/")
    request.user = cw.users["community_staff"]
    assert not model_admin.has_module_permission(request)
    assert not model_admin.has_view_permission(request)
