"""Issue 16 item 3: one helper for the client's address behind the trusted proxies."""

import pytest
from django.test import RequestFactory

from communities.audit import record
from communities.models import AuditAction, AuditEvent
from core.client_address import client_ip

pytestmark = pytest.mark.django_db


def _request(remote="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_peer_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("10.1.1.1", "203.0.113.5")) == "10.1.1.1"


def test_behind_one_proxy_the_proxys_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="203.0.113.5")) == "203.0.113.5"
    assert client_ip(_request(forwarded="1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    assert client_ip(_request(forwarded="not-an-address")) == "127.0.0.1"
    assert client_ip(_request()) == "127.0.0.1"


def test_behind_two_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded="6.6.6.6, 203.0.113.5, 10.0.0.2")) == "203.0.113.5"


def test_axes_and_the_audit_use_it(settings, client, world):
    from axes.helpers import get_client_ip_address  # noqa: PLC0415  (reads settings per call)

    settings.TRUSTED_PROXY_COUNT = 1
    request = _request(forwarded="203.0.113.9")
    assert get_client_ip_address(request) == "203.0.113.9"
    event = record(action=AuditAction.ASSIGNMENT_CREATED, object_type="x", request=request)
    assert AuditEvent.objects.get(pk=event.pk).ip_address == "203.0.113.9"


def test_login_lockout_is_per_client_behind_the_proxy(settings, client, world):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post("/accounts/login/", {"username": "community_a1a", "password": "wrong-guess"},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    refused = client.post("/accounts/login/", {"username": "community_a1a",
                                                "password": "test-pass-12345"},
                          REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert refused.status_code == 429
    allowed = client.post("/accounts/login/", {"username": "community_a1a",
                                                "password": "test-pass-12345"},
                          REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.67")
    assert allowed.status_code == 302
