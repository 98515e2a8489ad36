"""An official opens the dashboard in Chromium: the ECharts charts are drawn, they drill
down to a street, download an Excel export, and the console stays clean."""

from decimal import Decimal

import pytest

from communities.metrics import families as metric_families
from communities.metrics import writer as snapshots
from communities.metrics.definitions import METRICS
from tests.communities.dashboard_data import last_month, months_ago, shown_month
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def snapshot_data(world, monkeypatch):
    """Every metric for every compound over three months, computed by the snapshot engine
    from a stand-in family (the real ones live in properties and complaints)."""

    def compute(period, as_of, compound_ids):
        figures = {}
        for name, compound in world.compounds.items():
            base = 3 + len(name) + period.month % 4
            for code in METRICS:
                figures[(compound.pk, code)] = (Decimal(base), Decimal(base + 4))
        return figures

    def context(period, compound_ids):
        changed = world.compounds["A1a-c-p"].pk
        mode = "community_led" if period == shown_month() else "none"
        return {changed: (mode, None)}

    family = metric_families.MetricFamily.per_month("demo", tuple(METRICS), compute)
    monkeypatch.setattr(metric_families, "_FAMILIES", {"demo": family})
    monkeypatch.setattr(metric_families, "_CONTEXT", [context])
    for month in (months_ago(2), last_month(), shown_month()):
        snapshots.refresh_month(period=month)
    return world


def _log_in(page, base_url, username):
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")


def _wait_for_chart(page, selector):
    page.wait_for_function(
        """(selector) => {
            const canvas = document.querySelector(selector + ' canvas');
            return canvas !== null && canvas.width > 0 && canvas.height > 0;
        }""",
        arg=selector,
    )


def test_official_uses_the_dashboard(live_server, snapshot_data, desktop_page):
    page = desktop_page.page
    _log_in(page, live_server.url, "district_a1")
    page.click("header nav >> text=数据看板")
    page.wait_for_url("**/dashboard/")
    assert "数据看板 · A1" in page.inner_text("h1")
    # It opens on the last complete month: no preliminary figures.
    assert f"{shown_month():%Y-%m}" in page.inner_text(".dashboard-status")
    assert "初步" not in page.inner_text("main")
    _wait_for_chart(page, "#trend-chart")
    _wait_for_chart(page, "#mode-chart")
    desktop_page.shot("district")

    # The metric switcher redraws the trend from the API.
    with page.expect_response(lambda r: "/api/v1/metrics/" in r.url
                              and "complaint_rate" in r.url and r.status == 200):
        page.select_option("#trend-metric", "complaint_rate")
    _wait_for_chart(page, "#trend-chart")

    # Drill down: the ranking links to the street's own dashboard.
    page.click("#ranking-table >> text=A1a")
    page.wait_for_url("**level=street**")
    assert "数据看板 · A1a" in page.inner_text("h1")
    _wait_for_chart(page, "#trend-chart")
    assert "A1a-c-p" in page.inner_text("#before-after-table")
    desktop_page.shot("street")

    with page.expect_download() as download_info:
        page.click("text=导出排名（Excel）")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    assert "A1a" in download.suggested_filename
    assert download.path().stat().st_size > 0
    desktop_page.assert_no_errors()


def test_dashboard_fits_a_phone(live_server, snapshot_data, phone_page):
    page = phone_page.page
    _log_in(page, live_server.url, "street_a1a")
    page.goto(live_server.url + "/dashboard/")
    _wait_for_chart(page, "#trend-chart")
    _wait_for_chart(page, "#mode-chart")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.shot("street")
    phone_page.assert_no_errors()
