"""/api/v1/metrics/: numerator, denominator and value per month for one unit, scoped;
structured errors for a bad metric, scope or month; documented without warnings."""

import pytest
from django.core.management import call_command

from tests.communities.dashboard_data import last_month, row, save, shown_month

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/"


@pytest.fixture
def street(world):
    s = world.streets["A1a"].pk
    save(
        row("fulfilment_rate", shown_month(), "street", s, 9, 10),
        row("fulfilment_rate", last_month(), "street", s, 0, 0),
    )
    return world


def _get(client, world, **params):
    client.force_login(world.users["street_staff"])
    query = {"metric": "fulfilment_rate", "scope": "street",
             "scope_id": world.streets["A1a"].pk, **params}
    return client.get(URL, query)


def test_last_twelve_months_by_default(client, street):
    data = _get(client, street).json()
    assert data["metric"] == "fulfilment_rate" and data["label"] == "履约率"
    assert data["scope_name"] == "A1a"
    results = data["results"]
    assert len(results) == 12
    assert results[-1] == {
        "period": f"{shown_month():%Y-%m}", "numerator": "9.0000", "denominator": "10.0000",
        "value": "0.9000", "display": "90.0%", "chart": 90.0,
        "computed_at": results[-1]["computed_at"],
    }
    # Denominator 0: no data, not 0 %; a month never computed: no data either.
    assert results[-2]["denominator"] == "0.0000" and results[-2]["value"] is None
    assert results[0]["numerator"] is None and results[0]["value"] is None


def test_one_month(client, street):
    data = _get(client, street, period=f"{last_month():%Y-%m}").json()
    assert [r["period"] for r in data["results"]] == [f"{last_month():%Y-%m}"]


def test_until_moves_the_window(client, street):
    data = _get(client, street, until=f"{last_month():%Y-%m}").json()
    assert data["results"][-1]["period"] == f"{last_month():%Y-%m}"


@pytest.mark.parametrize(("params", "field"), [
    ({"metric": "happiness"}, "metric"),
    ({"scope": "galaxy"}, "scope"),
    ({"scope_id": "abc"}, "scope_id"),
    ({"period": "2026-13"}, "period"),
    ({"period": "last year"}, "period"),
    ({"until": "2999-01"}, "until"),
])
def test_bad_input_gives_a_structured_error(client, street, params, field):
    response = _get(client, street, **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert error["message"]


def test_missing_parameters(client, street):
    client.force_login(street.users["street_staff"])
    error = client.get(URL).json()["error"]
    assert set(error["fields"]) == {"metric", "scope", "scope_id"}


def test_unit_outside_scope_is_404(client, street):
    response = _get(client, street, scope="city", scope_id=street.cities["A"].pk)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_documented_without_warnings(capsys, tmp_path):
    call_command("spectacular", "--file", str(tmp_path / "schema.yml"))
    schema = (tmp_path / "schema.yml").read_text()
    assert "/api/v1/metrics/:" in schema and "MetricSeries" in schema
    err = capsys.readouterr().err
    assert not [line for line in err.splitlines()
                if "metric" in line.lower() and ("warning" in line.lower()
                                                 or "error" in line.lower())]
