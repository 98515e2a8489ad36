"""No verdict on a partial month (issue 13 item 5): the dashboard opens on the last
complete month; the running month can be chosen, is labelled 本月截至 DD 日（初步） and
shows no arrow, tick or "achieved"; a month without data says 暂无数据 everywhere.

"Today" is fixed at Wednesday 2 December 2026, 10:00 in Shanghai."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from tests.communities.dashboard_data import row, save

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DECEMBER, NOVEMBER, OCTOBER = (datetime.date(2026, m, 1) for m in (12, 11, 10))


@pytest.fixture
def two_days_of_december(world):
    """Street A1a: December so far (2 days) against a whole November. Were the two
    compared, 投诉率 1/200 against 5/200 would be "down ✓ achieved", 公示率 4/4 against
    2/4 "up ✓ achieved". October has no figures at all."""
    s = world.streets["A1a"].pk
    save(
        row("complaint_rate", DECEMBER, "street", s, 1, 200),
        row("complaint_rate", NOVEMBER, "street", s, 5, 200),
        row("disclosure_rate", DECEMBER, "street", s, 4, 4),
        row("disclosure_rate", NOVEMBER, "street", s, 2, 4),
    )
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield world


def _get(client, world, **query):
    client.force_login(world.users["street_staff"])
    return client.get("/dashboard/", query)


def _card_html(html, code):
    return html.split(f'data-metric="{code}"')[1].split("</article>")[0]


def test_the_dashboard_opens_on_november_the_last_complete_month(client,
                                                                 two_days_of_december):
    response = _get(client, two_days_of_december)
    assert response.context["period"] == NOVEMBER
    assert response.context["is_provisional"] is False
    assert 'value="2026-11"' in response.content.decode()


def test_the_running_month_is_preliminary_without_any_verdict(client, two_days_of_december):
    response = _get(client, two_days_of_december, period="2026-12")
    assert response.context["period"] == DECEMBER
    html = response.content.decode()
    assert "本月截至 02 日（初步）" in html
    cards = {c.code: c for c in response.context["cards"]}
    for card in cards.values():
        assert card.direction == "" and card.target_met is None
    assert cards["complaint_rate"].display == "0.50"  # the figure itself is shown
    for code in ("complaint_rate", "disclosure_rate"):
        card = _card_html(html, code)
        assert "↑" not in card and "↓" not in card and "→" not in card
        assert "✓" not in card and "已实现" not in card
    verdict = html.split('class="two-up-one-down"')[1].split("</p>")[0]
    assert "暂不评价" in verdict and "已实现" not in verdict


def test_the_same_figures_on_a_complete_month_get_their_verdict(client, world):
    # Control: a whole month against the one before does get the tick.
    s = world.streets["A1a"].pk
    save(row("complaint_rate", NOVEMBER, "street", s, 1, 200),
         row("complaint_rate", OCTOBER, "street", s, 5, 200))
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        html = _get(client, world, period="2026-11").content.decode()
    card = _card_html(html, "complaint_rate")
    assert "↓" in card and "已实现" in card
    assert "初步" not in html


def test_a_month_without_data_says_no_data_in_every_card_and_chart(client,
                                                                   two_days_of_december):
    response = _get(client, two_days_of_december, period="2026-10")
    html = response.content.decode()
    for card in response.context["cards"]:
        assert card.display == "暂无数据" and card.target_met is None
        card_html = _card_html(html, card.code)
        assert "暂无数据" in card_html
        assert "0.0%" not in card_html and "✓" not in card_html and "已实现" not in card_html
    verdict = html.split('class="two-up-one-down"')[1].split("</p>")[0]
    assert "暂无数据" in verdict and "已实现" not in verdict
    # The trend's table (the chart's figures) says no data for October too.
    trend = {p.period: p.display for p in response.context["trend"]}
    assert trend[OCTOBER] == "暂无数据"
    series = client.get("/api/v1/metrics/", {"metric": "complaint_rate", "scope": "street",
                                             "scope_id": two_days_of_december.streets["A1a"].pk,
                                             "period": "2026-10"}).json()
    assert [(p["display"], p["chart"]) for p in series["results"]] == [("暂无数据", None)]
