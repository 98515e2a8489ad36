"""The dashboard reads snapshots only, in a number of queries that does not depend on the
amount of data: 2 compounds or 40 → the same count, for every level, the API and exports."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities import services
from communities.dashboard import comparisons
from communities.metrics import families as metric_families
from communities.metrics import writer as snapshots
from communities.metrics.definitions import METRICS
from communities.models import Compound, VulnerableGroup
from tests.communities.dashboard_data import last_month, months_ago, shown_month

pytestmark = pytest.mark.django_db
MONTHS = [months_ago(2), last_month(), shown_month()]


@pytest.fixture
def engine(monkeypatch):
    """Every metric for every compound, numerator = compound id, denominator = 3 × id; odd
    compounds move from no property management to community-led this month."""

    def compute(period, as_of, compound_ids):
        ids = compound_ids or Compound.objects.values_list("pk", flat=True)
        return {(pk, code): (Decimal(pk), Decimal(3 * pk)) for pk in ids for code in METRICS}

    def context(period, compound_ids):
        ids = compound_ids or Compound.objects.values_list("pk", flat=True)
        return {pk: ("community_led" if pk % 2 and period == shown_month() else "none", None)
                for pk in ids}

    family = metric_families.MetricFamily.per_month("all", tuple(METRICS), compute)
    monkeypatch.setattr(metric_families, "_FAMILIES", {"all": family})
    monkeypatch.setattr(metric_families, "_CONTEXT", [context])


def _grow(world, count):
    """Bring community A1a-c to ``count`` compounds (each with a vulnerable resident) and
    recompute the snapshots."""
    community = world.communities["A1a-c"]
    have = community.compounds.count()
    for n in range(have, count):
        services.compound_create(community=community, name=f"小区{n}", declared_households=50,
                                 floor_area=Decimal("1"))
        services.vulnerable_resident_create(
            grid=world.grids["A1a-c-g"], name=f"居民{n}", address="1号楼",
            group=VulnerableGroup.HARDSHIP, registered_on=MONTHS[0],
        )
    for month in MONTHS:
        snapshots.refresh_month(period=month)


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def _measure(client, world):
    compound = world.compounds["A1a-c-p"]
    # Officials' pages read the official calendar once per process (the banner of a year
    # not imported), then from the cache: warm it first.
    client.force_login(world.users["district_official"])
    client.get("/staff/")
    counts = {}
    for role, params in (
        ("district_official", {}), ("street_staff", {}), ("community_staff", {}),
        ("community_staff", {"level": "compound", "unit": compound.pk}),
    ):
        client.force_login(world.users[role])
        key = f"{role}:{params.get('level', 'own')}"
        counts[key + ":page"] = _count(client, "/dashboard/", params)
        for table in ("ranking", "before-after", "modes", "panel-missed-patrols"):
            if params and table == "panel-missed-patrols":
                continue
            counts[f"{key}:{table}"] = _count(client, f"/dashboard/export/{table}.xlsx", params)
        counts[key + ":api"] = _count(client, "/api/v1/metrics/", {
            "metric": "fee_collection_rate", "scope": "community",
            "scope_id": world.communities["A1a-c"].pk,
        })
    return counts


def test_query_count_does_not_grow_with_compounds(client, world, engine):
    _grow(world, 2)
    small = _measure(client, world)
    _grow(world, 40)
    large = _measure(client, world)
    # The data did grow: 40 compounds ranked, half of them changed mode.
    client.force_login(world.users["community_staff"])
    page = client.get("/dashboard/")
    assert len(page.context["ranking"]["ranked"]) + len(
        page.context["ranking"]["below_sample"]) == 40
    odd = [pk for pk in world.communities["A1a-c"].compounds.values_list("pk", flat=True)
           if pk % 2]
    assert page.context["changes_total"] == len(odd) >= 19
    assert len(page.context["changes"]) == min(len(odd), comparisons.SHOWN_MODE_CHANGES)
    assert large == small
