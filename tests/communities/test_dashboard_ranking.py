"""Ranking of the child units: by merit, sortable, with a minimum sample (from settings) —
units below it are listed apart with their sample size, so one lucky complaint cannot top
the table; each unit links to its own dashboard (drill-down)."""

from decimal import Decimal

import pytest

from communities import services
from communities.models import Compound
from tests.communities.dashboard_data import compound_row, save, shown_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def compounds(world):
    """Community A1a-c with five compounds; response rates worked out by hand:

    甲 18/20 = 90.0 %   乙 9/10 = 90.0 %   丙 5/12 = 41.7 %   (sample ≥ 10: ranked)
    丁 1/1 = 100 %      (sample 1 < 10: listed apart, not first)
    戊 no row at all    (sample 0: listed apart, no data)
    Complaint rate (per 100 households, lower is better): 甲 2/100 → 2.00, 乙 5/100 → 5.00.
    """
    community = world.communities["A1a-c"]
    Compound.objects.filter(pk=world.compounds["A1a-c-p"].pk).update(name="甲")
    made = {"甲": Compound.objects.get(pk=world.compounds["A1a-c-p"].pk)}
    for name in ("乙", "丙", "丁", "戊"):
        made[name] = services.compound_create(
            community=community, name=name, declared_households=100, floor_area=Decimal("1"),
        )
    month = shown_month()
    code = "complaint_response_rate"
    save(
        compound_row(made["甲"], code, month, 18, 20),
        compound_row(made["乙"], code, month, 9, 10),
        compound_row(made["丙"], code, month, 5, 12),
        compound_row(made["丁"], code, month, 1, 1),
        compound_row(made["甲"], "complaint_rate", month, 2, 100),
        compound_row(made["乙"], "complaint_rate", month, 5, 100),
    )
    return made


def _ranking(client, world, **query):
    client.force_login(world.users["community_staff"])
    response = client.get("/dashboard/", query)
    assert response.status_code == 200
    return response, response.context["ranking"]


def _names(rows):
    return [r.name for r in rows]


def test_ranked_by_merit_with_minimum_sample(client, world, compounds):
    response, ranking = _ranking(client, world, metric="complaint_response_rate")
    assert ranking["level"] == "compound"
    assert ranking["min_sample"] == 10
    # 90 % twice (by name: 乙 before 甲 in code-point order), then 41.7 %; 丁's 100 % is
    # below the sample and not ranked.
    assert [(r.rank, r.name, r.display) for r in ranking["ranked"]] == [
        (1, "乙", "90.0%"), (2, "甲", "90.0%"), (3, "丙", "41.7%"),
    ]
    assert [(r.name, r.denominator, r.display) for r in ranking["below_sample"]] == [
        ("丁", Decimal("1"), "100.0%"), ("戊", Decimal("0"), "暂无数据"),
    ]
    html = response.content.decode()
    assert "未达到最小样本量 10（不参与排名）" in html
    # Ratings: 90 % is amber (good ≥ 95 %), 41.7 % red.
    assert [r.rating for r in ranking["ranked"]] == ["amber", "amber", "red"]


def test_minimum_sample_comes_from_settings(client, world, compounds, settings):
    settings.METRIC_MIN_SAMPLE = {"complaint_response_rate": 1}
    _response, ranking = _ranking(client, world, metric="complaint_response_rate")
    assert _names(ranking["ranked"]) == ["丁", "乙", "甲", "丙"]
    assert _names(ranking["below_sample"]) == ["戊"]


def test_lower_is_better_ranks_smallest_first(client, world, compounds, settings):
    settings.METRIC_MIN_SAMPLE = {"complaint_rate": 50}
    _response, ranking = _ranking(client, world, metric="complaint_rate")
    assert [(r.rank, r.name, r.display) for r in ranking["ranked"]] == [
        (1, "甲", "2.00"), (2, "乙", "5.00"),
    ]


def test_sortable_keeps_the_rank_by_merit(client, world, compounds):
    _response, ranking = _ranking(client, world, metric="complaint_response_rate",
                                  order="worst")
    assert [(r.rank, r.name) for r in ranking["ranked"]] == [(3, "丙"), (2, "甲"), (1, "乙")]
    _response, ranking = _ranking(client, world, metric="complaint_response_rate",
                                  order="sample")
    assert _names(ranking["ranked"]) == ["甲", "丙", "乙"]


def test_each_unit_links_to_its_own_dashboard(client, world, compounds):
    response, _ranking_ = _ranking(client, world, metric="complaint_response_rate")
    html = response.content.decode()
    target = compounds["丙"]
    assert f"?level=compound&amp;unit={target.pk}&amp;period=" in html
    # Following the link opens the compound's dashboard, with no ranking below it.
    drilled = client.get("/dashboard/", {"level": "compound", "unit": target.pk,
                                         "metric": "complaint_response_rate"})
    assert drilled.status_code == 200
    assert drilled.context["unit"].name == "丙"
    assert drilled.context["ranking"]["level"] is None
    card = next(c for c in drilled.context["cards"] if c.code == "complaint_response_rate")
    assert card.display == "41.7%"
    # The breadcrumb leads back up to the community (the user's own node).
    assert f"?level=community&amp;unit={world.communities['A1a-c'].pk}" in (
        drilled.content.decode())
