"""A firm user, in Chromium: after community staff dispatch a complaint to the firm, the
header shows one unread notification; the inbox lists it and opens the complaint."""

import os

import pytest

from complaints import services
from tests.complaints.conftest import (
    cw,  # noqa: F401 - the complaint world
    make_complaint,
)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"inbox-{os.getpid()}"}}


def test_firm_user_sees_the_unread_count_and_opens_the_complaint(
        live_server, cw, phone_page):  # noqa: F811 - the fixture
    complaint = make_complaint(cw)
    staff = cw.users["community_staff"]
    services.complaint_accept(complaint_id=complaint.pk, actor=staff)
    services.complaint_dispatch(complaint_id=complaint.pk, actor=staff,
                                target=f"firm:{cw.firms['firm'].pk}")
    page = phone_page.page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", cw.users["firm_staff"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")
    badge = page.locator("header .inbox-link [data-unread]")
    assert badge.inner_text() == "1"
    phone_page.shot("1-unread")
    page.click("header .inbox-link")
    page.wait_for_url("**/staff/inbox/")
    item = page.locator("ul.notifications li.unread button", has_text=complaint.tracking_code)
    phone_page.shot("2-inbox")
    with page.expect_navigation():
        item.click()
    assert page.url.endswith(f"/staff/complaints/{complaint.pk}/")
    assert complaint.tracking_code in page.content()
    assert page.locator("header .inbox-link [data-unread]").count() == 0
    phone_page.shot("3-complaint")
    phone_page.assert_no_errors()
