"""A resident finds a compound on a phone; a staff member logs in and opens the admin."""

from decimal import Decimal

import pytest

from communities import services
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_finds_compound_by_pinyin_on_a_phone(live_server, world, phone_page):
    services.compound_create(
        community=world.communities["A1a-c"], name="林园小区", declared_households=10,
        floor_area=Decimal("100"),
    )
    page = phone_page.page
    page.goto(live_server.url + "/")
    assert "红色物业" in page.title()
    phone_page.shot("home")
    page.fill("input[name=q]", "lyxq")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("text=林园小区")
    phone_page.shot("search")
    # The page fits the phone: nothing wider than the viewport.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    phone_page.assert_no_errors()


def test_staff_logs_in_and_sees_only_their_scope(live_server, world, desktop_page):
    page = desktop_page.page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "street_a1a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")
    body = page.inner_text("main")
    assert "A1a-c-p" in body and "B1a-c-p" not in body
    desktop_page.shot("workbench")
    page.goto(live_server.url + "/admin/communities/compound/")
    assert "A1a-c-p" in page.inner_text("#changelist")
    desktop_page.shot("admin-compounds")
    desktop_page.assert_no_errors()
