"""Rate limits per IP and per phone number (429 with a Chinese page), and tracking
lookups where a wrong code and a wrong phone answer identically."""

import re

import pytest
from django.urls import reverse

from complaints.models import Complaint, OutboxMessage
from complaints.notifications import resident_message

from .conftest import PHONE, make_complaint

pytestmark = pytest.mark.django_db


def _post(client, w, phone=PHONE, ip="10.0.0.1"):
    return client.post(
        reverse("complaint-new-compound", args=[w.compounds["A1a-c-p"].pk]),
        {"category": w.categories["noise"].pk, "description": "楼下广场舞音乐声太大",
         "reporter_name": "张伟", "reporter_phone": phone, "website": ""},
        REMOTE_ADDR=ip,
    )


def test_sixth_submission_from_one_ip_in_an_hour_gets_429(client, cw):
    for i in range(5):
        assert _post(client, cw, phone=f"1390000000{i}").status_code == 302
    response = _post(client, cw, phone="13900000009")
    assert response.status_code == 429
    assert "您在一小时内已提交多次" in response.content.decode()
    assert Complaint.objects.count() == 5
    # Another address is not affected.
    assert _post(client, cw, phone="13900000009", ip="10.0.0.2").status_code == 302


def test_one_phone_number_is_limited_across_addresses(client, cw):
    for i in range(5):
        assert _post(client, cw, ip=f"10.0.1.{i}").status_code == 302
    assert _post(client, cw, ip="10.0.1.99").status_code == 429
    assert Complaint.objects.count() == 5


def test_hammering_with_invalid_forms_is_limited_too(client, cw):
    for _ in range(30):
        assert _post(client, cw, phone="123").status_code == 400
    response = _post(client, cw)
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()


def test_wrong_code_and_wrong_phone_answer_identically(client, cw):
    complaint = make_complaint(cw)
    wrong_phone = client.post(reverse("complaint-track"),
                              {"code": complaint.tracking_code, "last4": "0000"})
    wrong_code = client.post(reverse("complaint-track"),
                             {"code": "ABCDEFGHJKMN", "last4": PHONE[-4:]})
    assert wrong_phone.status_code == wrong_code.status_code == 400
    # Identical apart from the echoed inputs and the per-response CSRF token.
    def strip(response):
        return re.sub(r'value="[^"]*"', "", response.content.decode())

    assert strip(wrong_phone) == strip(wrong_code)
    assert "查询码与手机号后四位不匹配" in wrong_code.content.decode()
    # Without a successful lookup, the detail page is not reachable by URL.
    response = client.get(reverse("complaint-track-detail", args=[complaint.tracking_code]))
    assert response.status_code == 302


def test_guessing_the_last_four_digits_of_one_code_is_stopped(client, cw):
    """Issue 16 item 3: the lock-out keys on (code, address): the stranger is stopped,
    the owner looking up from their own phone is not."""
    complaint = make_complaint(cw)
    for guess in range(5):
        response = client.post(reverse("complaint-track"),
                               {"code": complaint.tracking_code, "last4": f"{guess:04d}"},
                               REMOTE_ADDR="10.9.0.1")
        assert response.status_code == 400
    # The guesser's address is refused for the hour, even with the right answer…
    response = client.post(reverse("complaint-track"),
                           {"code": complaint.tracking_code, "last4": PHONE[-4:]},
                           REMOTE_ADDR="10.9.0.1")
    assert response.status_code == 429
    # …the owner, from another address, still gets in.
    response = client.post(reverse("complaint-track"),
                           {"code": complaint.tracking_code, "last4": PHONE[-4:]},
                           REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 302


def test_the_per_code_ceiling_pauses_the_code_and_texts_the_resident(client, cw, settings):
    settings.COMPLAINT_RATE_LIMITS = {"track_code_ceiling": (8, 86400)}
    complaint = make_complaint(cw)
    texts_before = OutboxMessage.objects.filter(event="tracking_paused").count()
    for guess in range(12):  # many addresses, a few guesses each
        client.post(reverse("complaint-track"),
                    {"code": complaint.tracking_code, "last4": f"{guess:04d}"},
                    REMOTE_ADDR=f"10.8.{guess // 3}.1")
    response = client.post(reverse("complaint-track"),
                           {"code": complaint.tracking_code, "last4": PHONE[-4:]},
                           REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    texts = OutboxMessage.objects.filter(complaint=complaint, event="tracking_paused")
    assert texts.count() - texts_before == 1  # once, not once per guess
    assert "暂停" in resident_message(complaint, "tracking_paused")


def test_behind_the_proxy_each_client_has_its_own_limit(client, cw, settings):
    """Every request comes from the proxy (REMOTE_ADDR); the client is in X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(5):
        response = _post(client, cw, phone=f"1390000001{i}", ip="127.0.0.1")
        assert response.status_code == 302
    # A second resident behind the same proxy is not blocked by the first one.
    response = client.post(
        reverse("complaint-new-compound", args=[cw.compounds["A1a-c-p"].pk]),
        {"category": cw.categories["noise"].pk, "description": "楼下广场舞音乐声太大",
         "reporter_name": "李娜", "reporter_phone": "13900000099", "website": ""},
        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 302
    # A forged X-Forwarded-For entry to the left of the proxy's is ignored.
    for i in range(5):
        client.post(
            reverse("complaint-new-compound", args=[cw.compounds["A1a-c-p"].pk]),
            {"category": cw.categories["noise"].pk, "description": "楼下广场舞音乐声太大",
             "reporter_name": "王强", "reporter_phone": f"1370000000{i}", "website": ""},
            REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.8",
        )
    response = client.post(
        reverse("complaint-new-compound", args=[cw.compounds["A1a-c-p"].pk]),
        {"category": cw.categories["noise"].pk, "description": "楼下广场舞音乐声太大",
         "reporter_name": "王强", "reporter_phone": "13700000009", "website": ""},
        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.8",
    )
    assert response.status_code == 429


def test_lookups_per_address_are_limited(client, cw):
    for i in range(30):
        client.post(reverse("complaint-track"), {"code": f"ABCDEFGHJK{i:02d}", "last4": "1234"})
    response = client.post(reverse("complaint-track"), {"code": "ABCDEFGHJKMN", "last4": "1234"})
    assert response.status_code == 429
