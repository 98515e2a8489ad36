"""Property firms compared ("物业企业对比") on the dashboard of districts and cities: the
firms serving the unit, read from its roll-up rows split by firm, ranked like the child
units (minimum sample, best first), the 10 best and 10 worst on the page, all of them in
the export; in a fixed number of queries; only for the officials whose area it is."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from communities import services
from communities.dashboard import comparisons
from communities.metrics import families as metric_families
from communities.metrics import writer as snapshots
from communities.metrics.definitions import METRICS
from communities.models import Compound, StaffRole
from properties.models import PropertyFirm
from tests.communities.dashboard_data import row, save, shown_month
from tests.factories import staff_user

pytestmark = pytest.mark.django_db
CODE = "complaint_response_rate"  # higher is better, minimum sample 10


def _firm(name, n):
    return PropertyFirm.objects.create(name=name, credit_code=f"91610204{n:010d}",
                                       ownership="state_owned")


def _firm_row(level, unit_id, firm, num, den, code=CODE, period=None):
    return row(code, period or shown_month(), level, unit_id, num, den, dimension="firm",
               dimension_value=str(firm.pk))


def _compound_row(compound, firm, num, den, code=CODE):
    street = compound.community.street
    return row(code, shown_month(), "compound", compound.pk, num, den,
               community_id=compound.community_id, street_id=street.pk,
               district_id=street.district_id, city_id=street.district.city_id,
               mode="market", firm_id=firm.pk)


@pytest.fixture
def firms(world):
    """District A1, response rate by firm, worked out by hand:

    甲物业 18/20 = 90.0 %   乙物业 9/10 = 90.0 %   丙物业 5/12 = 41.7 %   (ranked)
    丁物业 1/1 = 100 % (sample 1 < 10: listed apart)   戊物业 serves district A2 only.
    甲 serves two compounds in A1, 乙 one.
    """
    made = {name: _firm(name, n) for n, name in enumerate(("甲物业", "乙物业", "丙物业",
                                                           "丁物业", "戊物业"))}
    a1, a2 = world.districts["A1"].pk, world.districts["A2"].pk
    save(
        _firm_row("district", a1, made["甲物业"], 18, 20),
        _firm_row("district", a1, made["乙物业"], 9, 10),
        _firm_row("district", a1, made["丙物业"], 5, 12),
        _firm_row("district", a1, made["丁物业"], 1, 1),
        _firm_row("district", a2, made["戊物业"], 7, 7),
        _firm_row("district", a1, made["甲物业"], 2, 100, code="complaint_rate"),
        _firm_row("district", a1, made["乙物业"], 5, 100, code="complaint_rate"),
        _compound_row(world.compounds["A1a-c-p"], made["甲物业"], 9, 10),
        _compound_row(world.compounds["A1b-c-p"], made["甲物业"], 9, 10),
        _compound_row(world.compounds["A2a-c-p"], made["戊物业"], 7, 7),
        # A firm-less compound row (no property firm) counts for nobody.
        row(CODE, shown_month(), "compound", 999999, 1, 1, district_id=a1, mode="none"),
    )
    return made


def _page(client, user, **query):
    client.force_login(user)
    response = client.get("/dashboard/", {"metric": CODE, **query})
    assert response.status_code == 200
    return response, response.context["firms"]


def _sheet(response):
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_ranked_by_merit_with_minimum_sample(client, world, firms):
    response, table = _page(client, world.users["district_official"])
    assert [(f.rank, f.name, f.display, f.compounds) for f in table["best"]] == [
        (1, "乙物业", "90.0%", 0), (2, "甲物业", "90.0%", 2), (3, "丙物业", "41.7%", 0),
    ]
    assert table["worst"] == []
    assert [(f.name, f.denominator, f.display) for f in table["below_sample"]] == [
        ("丁物业", Decimal("1"), "100.0%"),
    ]
    assert table["min_sample"] == 10 and table["total"] == 4 and not table["cut"]
    assert [f.rating for f in table["best"]] == ["amber", "amber", "red"]
    html = response.content.decode()
    assert 'id="firm-table"' in html and 'id="firm-below-sample-table"' in html
    assert "物业企业对比" in html and "戊物业" not in html
    assert 'id="firm-note"' not in html
    # No link from a firm: there is no firm page.
    assert "乙物业</td>" in html and ">乙物业</a>" not in html


def test_lower_is_better_and_settings_sample(client, world, firms, settings):
    settings.METRIC_MIN_SAMPLE = {"complaint_rate": 50, CODE: 1}
    _response, table = _page(client, world.users["district_official"],
                             metric="complaint_rate")
    assert [(f.rank, f.name, f.display) for f in table["best"]] == [
        (1, "甲物业", "2.00"), (2, "乙物业", "5.00"),
    ]
    _response, table = _page(client, world.users["district_official"])
    assert [f.name for f in table["best"]] == ["丁物业", "乙物业", "甲物业", "丙物业"]
    assert table["below_sample"] == []


@pytest.fixture
def engine(monkeypatch):
    """Every metric: compound A1a-c-p 1/2, A1b-c-p 9/10, both served by one firm; A2a-c-p
    15/15 by another; the rest no firm."""
    state = {}

    def compute(period, as_of, compound_ids):
        ids = compound_ids or Compound.objects.values_list("pk", flat=True)
        figures = state["figures"]
        return {(pk, code): figures.get(pk, (Decimal(1), Decimal(1)))
                for pk in ids for code in METRICS}

    def context(period, compound_ids):
        ids = compound_ids or Compound.objects.values_list("pk", flat=True)
        return {pk: ("market", state["firm_of"].get(pk)) for pk in ids}

    family = metric_families.MetricFamily.per_month("all", tuple(METRICS), compute)
    monkeypatch.setattr(metric_families, "_FAMILIES", {"all": family})
    monkeypatch.setattr(metric_families, "_CONTEXT", [context])
    return state


def test_values_are_ratios_of_sums_of_the_roll_up(client, world, engine, settings):
    settings.METRIC_MIN_SAMPLE = {CODE: 1}
    x, y = _firm("某甲物业", 1), _firm("某乙物业", 2)
    a, b, c = (world.compounds[k].pk for k in ("A1a-c-p", "A1b-c-p", "A2a-c-p"))
    engine["figures"] = {a: (Decimal(1), Decimal(2)), b: (Decimal(9), Decimal(10)),
                         c: (Decimal(15), Decimal(15))}
    engine["firm_of"] = {a: x.pk, b: x.pk, c: y.pk}
    snapshots.refresh_month(period=shown_month())
    _response, table = _page(client, world.users["district_official"])
    # 10/12 = 83.3 %, not the mean of 50 % and 90 %.
    assert [(f.name, f.numerator, f.denominator, f.display, f.compounds)
            for f in table["best"]] == [("某甲物业", Decimal(10), Decimal(12), "83.3%", 2)]
    _response, table = _page(client, world.users["city_official"])
    assert [(f.rank, f.name, f.display, f.compounds) for f in table["best"]] == [
        (1, "某乙物业", "100.0%", 1), (2, "某甲物业", "83.3%", 2),
    ]


@pytest.fixture
def many_firms(world):
    """City A served by 25 ranked firms (firm n: n/20, so firm 25 is best) and 13 below
    the sample."""
    city = world.cities["A"].pk
    made, rows = [], []
    for n in range(1, 39):
        firm = _firm(f"企业{n:02d}", n)
        made.append(firm)
        rows.append(_firm_row("city", city, firm, n if n <= 25 else 1, 20 if n <= 25 else 5))
    save(*rows)
    return made


def test_page_shows_ten_best_and_ten_worst_with_a_note(client, world, many_firms):
    response, table = _page(client, world.users["city_official"])
    assert [f.rank for f in table["best"]] == list(range(1, 11))
    assert [f.name for f in table["best"]][:2] == ["企业25", "企业24"]
    assert [f.rank for f in table["worst"]] == list(range(16, 26))
    assert table["worst"][-1].name == "企业01"
    assert len(table["below_sample"]) == comparisons.SHOWN_FIRMS
    assert table["total"] == 38 and table["cut"]
    html = response.content.decode()
    assert 'id="firm-note"' in html
    assert "共 38 家企业，导出文件列出全部。" in html
    assert "企业13" not in html  # rank 13: in neither the best nor the worst ten


def test_export_lists_every_firm(client, world, many_firms):
    client.force_login(world.users["city_official"])
    headers, rows = _sheet(client.get("/dashboard/export/firms.xlsx", {"metric": CODE}))
    assert headers == ("排名", "物业企业", "指标", "数值", "分子", "分母（样本量）",
                       "本辖区服务小区数", "评级", "参与排名")
    assert len(rows) == 38
    assert [r[0] for r in rows[:25]] == list(range(1, 26))
    assert rows[12][1] == "企业13" and rows[12][3] == pytest.approx(0.65)  # a number, 65.0%
    assert all(r[0] in (None, "") and r[8] == "否" for r in rows[25:])
    assert rows[0][8] == "是" and rows[0][6] == 0


def test_not_shown_below_the_district_level(client, world, firms):
    response, table = _page(client, world.users["street_staff"])
    assert table is None
    assert 'id="firm-table"' not in response.content.decode()
    assert client.get("/dashboard/export/firms.xlsx").status_code == 404


def _grow(world, count, engine):
    """District A1 with ``count`` compounds in street A1a, each served by its own firm."""
    community = world.communities["A1a-c"]
    for n in range(community.compounds.count(), count):
        services.compound_create(community=community, name=f"小区{n}",
                                 declared_households=50, floor_area=Decimal("1"))
    firm_of = {}
    for n, pk in enumerate(community.compounds.order_by("pk").values_list("pk", flat=True)):
        firm = PropertyFirm.objects.filter(name=f"计数{n}").first() or _firm(f"计数{n}", 100 + n)
        firm_of[pk] = firm.pk
    engine["figures"] = {pk: (Decimal(pk % 7), Decimal(9 + pk % 5)) for pk in firm_of}
    engine["firm_of"] = firm_of
    snapshots.refresh_month(period=shown_month())


def _count(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def test_query_count_does_not_grow_with_firms(client, world, engine,
                                              django_assert_num_queries):
    targets = [("district_official", "/dashboard/"),
               ("district_official", "/dashboard/export/firms.xlsx"),
               ("city_official", "/dashboard/"),
               ("city_official", "/dashboard/export/firms.xlsx")]
    _grow(world, 2, engine)
    # Officials' pages read the official calendar once, then from the cache: warm it.
    client.force_login(world.users["district_official"])
    client.get("/staff/")
    small = {}
    for role, url in targets:
        client.force_login(world.users[role])
        small[(role, url)] = _count(client, url, {"metric": CODE})
    _grow(world, 30, engine)
    for role, url in targets:
        client.force_login(world.users[role])
        with django_assert_num_queries(small[(role, url)]):
            response = client.get(url, {"metric": CODE})
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
    client.force_login(world.users["city_official"])
    table = client.get("/dashboard/", {"metric": CODE}).context["firms"]
    assert table["total"] == 30 and len(table["best"]) + len(table["worst"]) == 20


@pytest.fixture
def both_districts(world):
    """Firm 甲 serves district A1, firm 乙 district A2; the city row holds both."""
    x, y = _firm("甲物业", 1), _firm("乙物业", 2)
    city, a1, a2 = world.cities["A"].pk, world.districts["A1"].pk, world.districts["A2"].pk
    save(
        _firm_row("district", a1, x, 10, 10), _firm_row("district", a2, y, 10, 20),
        _firm_row("city", city, x, 10, 10), _firm_row("city", city, y, 10, 20),
        _firm_row("city", world.cities["B"].pk, _firm("丙物业", 3), 10, 10),
    )
    return x, y


def _names(client, user, **query):
    _response, table = _page(client, user, **query)
    return [f.name for f in table["best"] + table["below_sample"]]


def test_city_official_sees_the_city_and_its_districts(client, world, both_districts):
    user = world.users["city_official"]
    assert _names(client, user) == ["甲物业", "乙物业"]
    assert _names(client, user, level="district", unit=world.districts["A2"].pk) == ["乙物业"]
    client.force_login(user)
    other_city = {"level": "city", "unit": world.cities["B"].pk, "metric": CODE}
    assert client.get("/dashboard/", other_city).status_code == 404
    assert client.get("/dashboard/export/firms.xlsx", other_city).status_code == 404


def test_district_official_sees_own_district_only(client, world, both_districts):
    user = world.users["district_official"]
    assert _names(client, user) == ["甲物业"]
    client.force_login(user)
    for level, unit in (("district", world.districts["A2"].pk), ("city", world.cities["A"].pk)):
        query = {"level": level, "unit": unit, "metric": CODE}
        assert client.get("/dashboard/", query).status_code == 404
        assert client.get("/dashboard/export/firms.xlsx", query).status_code == 404
    _headers, rows = _sheet(client.get("/dashboard/export/firms.xlsx", {"metric": CODE}))
    assert [r[1] for r in rows] == ["甲物业"]


def test_superuser_sees_every_city(client, world, both_districts):
    user = world.users["superuser"]
    assert _names(client, user, level="city", unit=world.cities["B"].pk) == ["丙物业"]


@pytest.mark.parametrize("role", ["street_staff", "community_staff"])
def test_street_and_community_staff_cannot_open_a_district(client, world, both_districts, role):
    client.force_login(world.users[role])
    query = {"level": "district", "unit": world.districts["A1"].pk, "metric": CODE}
    assert client.get("/dashboard/", query).status_code == 404
    assert client.get("/dashboard/export/firms.xlsx", query).status_code == 404


@pytest.mark.parametrize("role", ["firm_staff", "grid_worker", "nobody"])
def test_firm_staff_and_others_are_refused(client, world, both_districts, role):
    x, _y = both_districts
    user = (staff_user("firm_x", StaffRole.FIRM_STAFF, x) if role == "firm_staff"
            else world.users[role])
    client.force_login(user)
    for level, unit in (("district", world.districts["A1"].pk), ("city", world.cities["A"].pk)):
        query = {"level": level, "unit": unit, "metric": CODE}
        assert client.get("/dashboard/", query).status_code == 403
        assert client.get("/dashboard/export/firms.xlsx", query).status_code == 403
