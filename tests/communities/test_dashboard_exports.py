"""Every table of the dashboard exports to .xlsx with Chinese headers, for the user's
scope only."""

import io

import pytest
from openpyxl import load_workbook

from tests.communities.dashboard_data import compound_row, months_ago, row, save, shown_month

pytestmark = pytest.mark.django_db


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "no-store" in response["Cache-Control"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    return rows[0], rows[1:]


@pytest.fixture
def district(world):
    month = shown_month()
    save(
        row("disclosure_rate", month, "district", world.districts["A1"].pk, 3, 4),
        row("disclosure_rate", month, "street", world.streets["A1a"].pk, 2, 2),
        row("disclosure_rate", month, "street", world.streets["A1b"].pk, 1, 2),
        row("disclosure_rate", month, "district", world.districts["A1"].pk, 2, 2,
            dimension="mode", dimension_value="community_led"),
        compound_row(world.compounds["A1a-c-p"], "disclosure_rate", months_ago(2), 0, 1,
                     mode="none"),
        compound_row(world.compounds["A1a-c-p"], "disclosure_rate", month, 1, 1,
                     mode="community_led"),
    )
    return world


@pytest.fixture
def official(client, district):
    client.force_login(district.users["district_official"])
    return client


def test_cards_export(official):
    headers, rows = _sheet(official.get("/dashboard/export/cards.xlsx"))
    assert headers[:4] == ("指标", "数值", "分子", "分母")
    disclosure = next(r for r in rows if r[0] == "公示率")
    assert disclosure[1] == pytest.approx(0.75) and disclosure[6] == "升"  # a number


def test_ranking_export_lists_ranked_and_unranked(official, settings):
    settings.METRIC_MIN_SAMPLE = {"disclosure_rate": 2}
    headers, rows = _sheet(official.get("/dashboard/export/ranking.xlsx",
                                        {"metric": "disclosure_rate"}))
    assert headers[0] == "排名" and "分母（样本量）" in headers
    assert [(r[0], r[1], r[3]) for r in rows] == [(1, "A1a", 1), (2, "A1b", 0.5)]


def test_trend_modes_and_before_after_exports(official):
    headers, rows = _sheet(official.get("/dashboard/export/trend.xlsx"))
    assert headers == ("月份", "指标", "数值", "分子", "分母")
    assert len(rows) == 12 * 10
    headers, rows = _sheet(official.get("/dashboard/export/modes.xlsx"))
    assert headers[:3] == ("指标", "社区领办", "社区领办样本量")
    headers, rows = _sheet(official.get("/dashboard/export/before-after.xlsx",
                                        {"metric": "disclosure_rate"}))
    assert headers[:4] == ("小区", "社区", "原管理模式", "现管理模式")
    disclosure = next(r for r in rows if r[5] == "公示率")
    assert disclosure[:4] == ("A1a-c-p", "A1a-c", "无物业", "社区领办")
    assert (disclosure[6], disclosure[7], disclosure[8]) == (0, 1, 100)  # +100 pp


def test_panel_export_and_unknown_table(official):
    headers, _rows = _sheet(official.get("/dashboard/export/panel-demonstration-points.xlsx"))
    assert headers == ("审核环节", "示范点数")
    assert official.get("/dashboard/export/nonsense.xlsx").status_code == 404
    assert official.get("/dashboard/export/panel-nonsense.xlsx").status_code == 404


def test_export_of_a_child_unit_is_scoped(client, district):
    client.force_login(district.users["street_staff"])
    headers, rows = _sheet(client.get("/dashboard/export/cards.xlsx"))
    assert next(r for r in rows if r[0] == "公示率")[1] == 1  # A1a's own 2/2
    response = client.get("/dashboard/export/cards.xlsx",
                          {"level": "district", "unit": district.districts["A1"].pk})
    assert response.status_code == 404
