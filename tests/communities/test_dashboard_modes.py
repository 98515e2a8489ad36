"""The management modes compared (三种红色物业模式 vs 市场化 vs 无物业) and before/after for
compounds that changed mode — ratios of sums, read from snapshots only."""

from decimal import Decimal

import pytest

from communities import services
from tests.communities.dashboard_data import compound_row, months_ago, row, save, shown_month

pytestmark = pytest.mark.django_db
CODE = "complaint_response_rate"


def _cells(response, code=CODE):
    comparison = response.context["comparison"]
    line = next(r for r in comparison["rows"] if r["definition"].code == code)
    return {key: cell for (key, _label), cell in zip(comparison["groups"], line["cells"],
                                                     strict=True)}


def test_district_uses_its_mode_rows(client, world):
    """District A1, response rate by mode:
    社区领办 8/10 = 80 %, 公益托管 3/20 = 15 %, 融合共建 9/10 = 90 %
    → the three together (8+3+9)/(10+20+10) = 20/40 = 50.0 % (not the mean, 61.7 %);
    市场化 5/10 = 50 %; 无物业 0/0 → no data."""
    district = world.districts["A1"].pk
    month = shown_month()
    save(*(
        row(CODE, month, "district", district, num, den, dimension="mode", dimension_value=mode)
        for mode, num, den in (("community_led", 8, 10), ("public_trusteeship", 3, 20),
                               ("co_building", 9, 10), ("market", 5, 10), ("none", 0, 0))
    ))
    client.force_login(world.users["district_official"])
    response = client.get("/dashboard/", {"metric": CODE})
    cells = _cells(response)
    assert cells["community_led"].display == "80.0%"
    assert cells["public_trusteeship"].display == "15.0%"
    assert cells["red"].display == "50.0%"
    assert (cells["red"].numerator, cells["red"].denominator) == (20, 40)
    assert cells["market"].display == "50.0%"
    assert cells["none"].display == "暂无数据"
    labels = [str(label) for _key, label in response.context["comparison"]["groups"]]
    assert labels == ["社区领办", "公益托管", "融合共建", "红色物业（三种模式合计）",
                      "市场化物业", "无物业"]


def test_below_district_groups_the_compound_rows_by_mode(client, world):
    """Street A1a: two community-led compounds 1/2 and 3/8 → 4/10 = 40.0 %;
    one market compound 1/4 = 25.0 %."""
    community = world.communities["A1a-c"]
    extra = [
        services.compound_create(community=community, name=name, declared_households=10,
                                 floor_area=Decimal("1"))
        for name in ("东区", "西区")
    ]
    month = shown_month()
    save(
        compound_row(world.compounds["A1a-c-p"], CODE, month, 1, 2, mode="community_led"),
        compound_row(extra[0], CODE, month, 3, 8, mode="community_led"),
        compound_row(extra[1], CODE, month, 1, 4, mode="market"),
        # Another street's compound is not counted.
        compound_row(world.compounds["A1b-c-p"], CODE, month, 0, 100, mode="market"),
    )
    client.force_login(world.users["street_staff"])
    cells = _cells(client.get("/dashboard/", {"metric": CODE}))
    assert cells["community_led"].display == "40.0%"
    assert cells["red"].display == "40.0%"
    assert cells["market"].display == "25.0%"
    assert cells["market"].denominator == 4
    assert cells["co_building"].display == "暂无数据"


def test_before_and_after_a_change_of_mode(client, world):
    """Compound A1a-c-p: no property management five and four months ago (fee collection
    10/100 and 80/200 → (10+80)/(100+200) = 30.0 %, not the mean 25 %), community-led from
    three months ago (90/100, 45/50 → 135/150 = 90.0 %). Compound A1b-c-p never changed."""
    changed, steady = world.compounds["A1a-c-p"], world.compounds["A1b-c-p"]
    code = "fee_collection_rate"
    save(
        compound_row(changed, code, months_ago(5), 10, 100, mode="none"),
        compound_row(changed, code, months_ago(4), 80, 200, mode="none"),
        compound_row(changed, code, months_ago(3), 90, 100, mode="community_led"),
        compound_row(changed, code, months_ago(0), 45, 50, mode="community_led"),
        compound_row(steady, code, months_ago(5), 1, 2, mode="market"),
        compound_row(steady, code, months_ago(0), 1, 2, mode="market"),
    )
    client.force_login(world.users["district_official"])
    response = client.get("/dashboard/", {"metric": code})
    changes = response.context["changes"]
    assert len(changes) == 1
    change, figures = changes[0]
    assert change.name == "A1a-c-p"
    assert (change.from_mode, change.to_mode) == ("无物业", "社区领办")
    assert change.changed_in == months_ago(3)
    assert (figures["before"], figures["after"]) == ("30.0%", "90.0%")
    assert figures["change"] == "+60.0 个百分点" and figures["quality"] == "good"
    assert (figures["before_sample"], figures["after_sample"]) == (300, 150)
    html = response.content.decode()
    assert "管理模式变更前后对比" in html and "社区领办" in html
    # In the 12 months up to six months ago the compound had one mode only: not listed.
    earlier = client.get("/dashboard/", {"metric": code,
                                         "period": f"{months_ago(6):%Y-%m}"})
    assert earlier.context["changes"] == []
