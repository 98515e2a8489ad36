"""On the embedded default (eager tasks, no beat), a complaint a resident submits on the
phone form is counted on the dashboard's compound page at once: no restart, no manual
recompute (issue 13 item 6)."""

import os

import pytest

from complaints.models import Complaint
from core.timeutils import local_today
from tests.complaints.conftest import PHONE, cw  # noqa: F401 - the complaint world
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Rate-limit counters of this test only (the live server runs in this process)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"fresh-figures-{os.getpid()}"}}


def _complaint_rate_card(page) -> str:
    return page.inner_text('article[data-metric="complaint_rate"]')


def test_a_submitted_complaint_shows_on_the_compound_dashboard_at_once(
        live_server, cw, phone_page, desktop_page, settings):  # noqa: F811
    settings.METRICS_REFRESH_AFTER_COMMIT = True  # the embedded default (no broker)
    base = live_server.url
    compound = cw.compounds["A1a-c-p"]  # 100 declared households
    dashboard_url = (f"{base}/dashboard/?level=compound&unit={compound.pk}"
                     f"&period={local_today():%Y-%m}&metric=complaint_rate")

    official = desktop_page.page
    official.goto(base + "/accounts/login/")
    official.fill("input[name=username]", cw.users["district_official"].username)
    official.fill("input[name=password]", PASSWORD)
    official.click("button[type=submit]")
    official.wait_for_url("**/staff/")
    official.goto(dashboard_url)
    assert "分子 1 " not in _complaint_rate_card(official)

    resident = phone_page.page
    resident.goto(f"{base}/complaints/new/{compound.pk}/")
    resident.select_option("select[name=category]", str(cw.categories["elevator"].pk))
    resident.fill("textarea[name=description]", "电梯停在三楼不动，老人上下楼很困难")
    resident.fill("input[name=reporter_name]", "王芳")
    resident.fill("input[name=reporter_phone]", PHONE)
    resident.click("form.complaint-form button[type=submit]")
    resident.wait_for_url("**/complaints/receipt/**")
    assert Complaint.objects.count() == 1

    # The official reloads: 1 complaint per 100 households, counted already.
    official.reload()
    card = _complaint_rate_card(official)
    desktop_page.shot("counted")
    assert "1.00" in card and "分子 1 " in card and "分母 100" in card
    phone_page.assert_no_errors()
    desktop_page.assert_no_errors()
