"""The metric cards: value in the metric's own terms, change on last month, the "两升一降"
marks, red/amber/green ratings (thresholds from settings), "no data", the last complete
month shown by default and "computed at" (the running month: test_dashboard_partial_month)."""

import re

import pytest

from tests.communities.dashboard_data import last_month, months_ago, row, save, shown_month

pytestmark = pytest.mark.django_db


def _cards(response):
    return {c.code: c for c in response.context["cards"]}


@pytest.fixture
def street_numbers(world):
    """Street A1a this month vs last month, worked out by hand:

    disclosure 3/4 = 75.0 % (last month 2/4 = 50 %): up, the goal → good
    fulfilment 6/10 = 60.0 % (last month 8/10 = 80 %): down, goal is up → bad
    complaint rate 3 × 100 / 200 households = 1.50 per 100 (last month 5 → 2.50): down → good
    average hours to resolve 30 / 2 = 15.0 h
    satisfaction 0/0: no data (denominator 0), not 0 % and not 100 %
    fee collection: no row at all → no data
    """
    s = world.streets["A1a"].pk
    now, before = shown_month(), last_month()
    save(
        row("disclosure_rate", now, "street", s, 3, 4),
        row("disclosure_rate", before, "street", s, 2, 4),
        row("fulfilment_rate", now, "street", s, 6, 10),
        row("fulfilment_rate", before, "street", s, 8, 10),
        row("complaint_rate", now, "street", s, 3, 200),
        row("complaint_rate", before, "street", s, 5, 200),
        row("resolution_hours_avg", now, "street", s, 30, 2),
        row("complaint_satisfaction_rate", now, "street", s, 0, 0),
    )
    return world


def test_card_values_in_their_own_terms(client, street_numbers):
    client.force_login(street_numbers.users["street_staff"])
    cards = _cards(client.get("/dashboard/"))
    assert cards["disclosure_rate"].display == "75.0%"
    assert cards["complaint_rate"].display == "1.50"
    assert "百户" in str(cards["complaint_rate"].unit_note)  # per 100 households
    assert cards["resolution_hours_avg"].display == "15.0 小时"


def test_change_on_last_month_and_two_up_one_down_marks(client, street_numbers):
    client.force_login(street_numbers.users["street_staff"])
    response = client.get("/dashboard/")
    cards = _cards(response)
    disclosure = cards["disclosure_rate"]
    assert (disclosure.direction, disclosure.quality, disclosure.target) == ("up", "good", "up")
    assert disclosure.change_display == "+25.0 个百分点"
    assert disclosure.target_met is True
    fulfilment = cards["fulfilment_rate"]
    assert (fulfilment.direction, fulfilment.quality, fulfilment.target_met) == (
        "down", "bad", False)
    complaint = cards["complaint_rate"]
    assert (complaint.direction, complaint.quality, complaint.target_met) == (
        "down", "good", True)
    assert response.context["two_up_one_down"] == {"met": 2, "total": 3, "compared": 3}
    html = response.content.decode()
    assert "两升一降" in html
    assert "↑" in html and "↓" in html
    assert 'class="metric-change change-bad"' in html
    # Metrics outside "两升一降" carry no goal.
    assert cards["resolution_hours_avg"].target == ""


def test_no_data_is_not_zero(client, street_numbers):
    client.force_login(street_numbers.users["street_staff"])
    response = client.get("/dashboard/")
    cards = _cards(response)
    for code in ("complaint_satisfaction_rate", "fee_collection_rate"):
        assert cards[code].value is None and not cards[code].has_data
        assert cards[code].rating == ""
        assert cards[code].display == "暂无数据"
    html = response.content.decode()
    card_html = html.split('data-metric="complaint_satisfaction_rate"')[1].split("</article>")[0]
    assert "暂无数据" in card_html and "0.0%" not in card_html


def test_ratings_follow_the_thresholds_in_settings(client, street_numbers, settings):
    client.force_login(street_numbers.users["street_staff"])
    cards = _cards(client.get("/dashboard/"))
    # Defaults: disclosure good ≥ 90 %, fair ≥ 70 % → 75 % is amber; 1.5 per 100 ≤ 2 → green.
    assert cards["disclosure_rate"].rating == "amber"
    assert cards["complaint_rate"].rating == "green"
    assert cards["fulfilment_rate"].rating == "red"
    settings.METRIC_THRESHOLDS = {"disclosure_rate": ("0.7", "0.5"),
                                  "complaint_rate": ("1", "1.2")}
    cards = _cards(client.get("/dashboard/"))
    assert cards["disclosure_rate"].rating == "green"
    assert cards["complaint_rate"].rating == "red"


def test_the_dashboard_opens_on_the_last_complete_month_with_computed_at(client,
                                                                        street_numbers):
    client.force_login(street_numbers.users["street_staff"])
    response = client.get("/dashboard/")
    assert response.context["period"] == shown_month()
    assert response.context["is_provisional"] is False
    html = response.content.decode()
    assert "初步" not in html
    assert "2026-01-01 03:00:00" in html  # computed_at of the rows, local time
    past = client.get("/dashboard/", {"period": f"{last_month():%Y-%m}"})
    assert _cards(past)["disclosure_rate"].display == "50.0%"


def test_trend_covers_twelve_months(client, street_numbers):
    save(row("disclosure_rate", months_ago(11), "street", street_numbers.streets["A1a"].pk,
             1, 4))
    client.force_login(street_numbers.users["street_staff"])
    trend = client.get("/dashboard/", {"metric": "disclosure_rate"}).context["trend"]
    assert len(trend) == 12
    assert trend[0].period == months_ago(11) and trend[0].display == "25.0%"
    assert trend[-1].display == "75.0%"
    assert trend[5].display == "暂无数据"


@pytest.mark.parametrize("query", [
    {"period": "2026-13"}, {"period": "soon"}, {"period": "2999-01"}, {"metric": "nonsense"},
    {"level": "street"}, {"order": "random"},
])
def test_bad_parameters_are_explained_not_a_500(client, street_numbers, query):
    client.force_login(street_numbers.users["street_staff"])
    response = client.get("/dashboard/", query)
    assert response.status_code == 200
    assert response.context["params"].errors
    assert 'class="error"' in response.content.decode()
    assert response.context["unit"].name == "A1a"


def test_page_has_no_inline_script_and_is_not_cached(client, street_numbers):
    client.force_login(street_numbers.users["street_staff"])
    response = client.get("/dashboard/")
    html = response.content.decode()
    assert "no-store" in response["Cache-Control"]

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html and "onclick" not in html
    assert "/static/vendor/echarts/echarts.min.js" in html
