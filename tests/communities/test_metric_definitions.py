"""The metric-definitions page (口径): every dashboard metric with its numerator,
denominator, unit, minimum sample and rating thresholds, for those who read the
dashboard; the menu offers it to them."""

import pytest
from django.urls import reverse

from communities.metrics.definitions import METRICS

pytestmark = pytest.mark.django_db


def test_every_metric_is_explained(client, world, settings):
    settings.METRIC_MIN_SAMPLE = {"complaint_response_rate": 12}
    client.force_login(world.users["district_official"])
    response = client.get(reverse("metric-definitions"))
    page = response.content.decode()
    assert response.status_code == 200
    for code in METRICS:
        assert f'id="{code}"' in page
    assert "指标口径" in page and "分子" in page and "分母" in page
    # 响应率: its numerator, its configured minimum sample, its thresholds (95 % / 80 %).
    assert "在响应时限内受理的件数" in page
    assert "12 件诉求" in page
    assert "达到 95 % 及以上为良好；80 % 起为一般；低于 80 % 为较差" in page
    # 平均办结时长: lower is better, in hours.
    assert "不高于 48 小时 为良好" in page


def test_the_menu_offers_it_only_to_dashboard_readers(client, world):
    client.force_login(world.users["district_official"])
    assert reverse("metric-definitions") in client.get(reverse("staff-home")).content.decode()
    client.force_login(world.users["grid_worker"])
    assert reverse("metric-definitions") not in client.get(
        reverse("staff-home")).content.decode()
    assert client.get(reverse("metric-definitions")).status_code == 403
