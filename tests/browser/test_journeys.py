"""The main journeys in Chromium, end to end on a live server: a resident on a phone
submits a complaint with a photo, gets the tracking code and follows it; community
staff dispatch it to the property firm; the firm resolves it; the resident answers the
follow-up; an official opens the dashboard, sees the charts drawn, drills down and
exports Excel. No browser console errors; a screenshot of each step is kept under
test-artifacts/browser/."""

import io
import os

import pytest
from django.utils import timezone
from PIL import Image

from complaints.models import Complaint, Status
from tests.complaints.conftest import PHONE, cw  # noqa: F401 - the complaint world
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Rate-limit counters of this test only (the live server runs in this process)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"journeys-{os.getpid()}"}}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 40, 40)).save(out, format="JPEG")
    return out.getvalue()


def _log_in(page, base_url, username):
    page.context.clear_cookies()
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")


def _act(page, action, **fields):
    """Open the action's panel on the staff complaint page, fill it and confirm."""
    form = f"form[action$='/{action}/']"
    page.click(f"details.action:has({form}) summary")
    for selector, value in fields.items():
        if selector.startswith("select"):
            page.select_option(f"{form} {selector}", value)
        else:
            page.fill(f"{form} {selector}", value)
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def _wait_for_chart(page, selector):
    page.wait_for_function(
        """(selector) => {
            const canvas = document.querySelector(selector + ' canvas');
            return canvas !== null && canvas.width > 0 && canvas.height > 0;
        }""",
        arg=selector,
    )


def test_complaint_journey_from_phone_to_dashboard(live_server, cw, phone_page,  # noqa: F811
                                                   desktop_page):
    base = live_server.url
    compound = cw.compounds["A1a-c-p"]

    # 1. A resident on a phone submits a complaint with a photo and gets the code.
    resident = phone_page.page
    resident.goto(f"{base}/complaints/new/{compound.pk}/")
    resident.select_option("select[name=category]", str(cw.categories["elevator"].pk))
    resident.select_option("select[name=building]", str(cw.buildings["A1a-c-p-b1"].pk))
    resident.fill("textarea[name=description]", "电梯停在三楼不动，老人上下楼很困难")
    resident.set_input_files("input[name=photos]", files=[
        {"name": "elevator.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
    resident.fill("input[name=reporter_name]", "王芳")
    resident.fill("input[name=reporter_phone]", PHONE)
    phone_page.shot("1-form")
    resident.click("form.complaint-form button[type=submit]")
    resident.wait_for_url("**/complaints/receipt/**")
    complaint = Complaint.objects.get()
    assert complaint.tracking_code in resident.inner_text("main")
    assert complaint.photos.count() == 1
    assert resident.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.shot("2-receipt")

    # 2. The resident tracks it with the code and the last four digits of the phone.
    resident.goto(f"{base}/complaints/track/")
    resident.fill("input[name=code]", complaint.tracking_code.lower())
    resident.fill("input[name=last4]", PHONE[-4:])
    resident.click("main form button[type=submit]")
    resident.wait_for_url(f"**/complaints/track/{complaint.tracking_code}/")
    assert "已提交" in resident.inner_text("main")
    phone_page.shot("3-tracked")

    # 3. Community staff log in, accept and dispatch it to the contracted firm.
    staff = desktop_page.page
    _log_in(staff, base, cw.users["community_staff"].username)
    staff.goto(f"{base}/staff/complaints/")
    staff.click(f"text={complaint.tracking_code}")
    staff.wait_for_url(f"**/staff/complaints/{complaint.pk}/")
    _act(staff, "accept")
    _act(staff, "dispatch", **{"select[name=target]": f"firm:{cw.firms['firm'].pk}"})
    complaint.refresh_from_db()
    assert complaint.status == Status.DISPATCHED
    desktop_page.shot("4-dispatched")

    # 4. The firm's staff start and resolve it.
    _log_in(staff, base, cw.users["firm_staff"].username)
    staff.goto(f"{base}/staff/complaints/{complaint.pk}/")
    _act(staff, "start")
    _act(staff, "resolve", **{"textarea[name=note]": "已更换电梯控制板"})
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    desktop_page.shot("5-resolved")

    # 5. The resident sees the resolution and answers the follow-up questions.
    resident.reload()
    assert "已更换电梯控制板" in resident.inner_text("main")
    resident.check("form.feedback input[name=resolved][value=yes]")
    resident.check("form.feedback input[name=satisfaction][value=satisfied]")
    resident.fill("form.feedback textarea[name=comment]", "谢谢师傅")
    phone_page.shot("6-follow-up")
    with resident.expect_navigation():
        resident.click("form.feedback button[type=submit]")
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.resident_resolved is True
    phone_page.shot("7-closed")
    phone_page.assert_no_errors()

    # 6. An official opens the dashboard: charts drawn, drill down, Excel export.
    # No manual recompute: each write above refreshed its figures after commit.
    _log_in(staff, base, cw.users["district_official"].username)
    staff.click("header nav >> text=数据看板")
    staff.wait_for_url("**/dashboard/")
    # The dashboard opens on the last complete month; the official picks this month.
    staff.fill("#period", f"{timezone.localdate():%Y-%m}")
    staff.click("form.dashboard-controls button[type=submit]")
    staff.wait_for_url("**period=**")
    _wait_for_chart(staff, "#trend-chart")
    _wait_for_chart(staff, "#mode-chart")
    desktop_page.shot("8-dashboard")
    # Drill down to street A1a (ranked, or listed below the minimum sample size).
    staff.locator("main a", has_text="A1a").first.click()
    staff.wait_for_url("**level=street**")
    assert "数据看板 · A1a" in staff.inner_text("h1")
    _wait_for_chart(staff, "#trend-chart")
    desktop_page.shot("9-drill-down")
    with staff.expect_download() as download_info:
        staff.click("text=导出排名（Excel）")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    assert download.path().stat().st_size > 0
    desktop_page.assert_no_errors()
