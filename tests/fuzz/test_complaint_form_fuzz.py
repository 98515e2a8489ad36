"""The resident complaint form (no login, on the public internet) under arbitrary
input: never a server error; refused input shows a message and saves nothing."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints.models import Complaint, ComplaintEvent, OutboxMessage

from .strategies import any_text, number_like, phone_like

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


def _counts():
    return (Complaint.objects.count(), ComplaintEvent.objects.count(),
            OutboxMessage.objects.count())


@FUZZ
@given(description=any_text, name=any_text, phone=phone_like,
       category=st.one_of(number_like, st.just("valid")),
       building=st.one_of(number_like, st.just("")), website=st.one_of(st.just(""), any_text))
def test_resident_form_never_fails(client, cw, description, name, phone, category, building,
                                   website):
    cache.clear()  # rate-limit counters: each example is a new resident
    before = _counts()
    data = {"category": cw.categories["elevator"].pk if category == "valid" else category,
            "building": building, "description": description, "reporter_name": name,
            "reporter_phone": phone, "website": website}
    response = client.post(
        reverse("complaint-new-compound", args=[cw.compounds["A1a-c-p"].pk]), data)
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302 and "receipt" in response["Location"]:
        assert _counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
        complaint = Complaint.objects.latest("pk")
        assert complaint.description == description.strip()
    else:
        assert _counts() == before
        page = response.content.decode()
        if website:  # the honeypot field: a bot is refused without details
            assert response.status_code == 400 and "未能提交" in page
        elif response.status_code == 400:
            assert 'class="error"' in page or 'class="errorlist' in page  # a message shown


@FUZZ
@given(code=any_text, last4=any_text)
def test_tracking_lookup_never_fails(client, cw, code, last4):
    cache.clear()
    response = client.post(reverse("complaint-track"), {"code": code, "last4": last4})
    assert response.status_code in (200, 302, 400, 404, 429)
    response = client.get(reverse("complaint-track-detail", args=["X"]), {"q": code})
    assert response.status_code < 500
