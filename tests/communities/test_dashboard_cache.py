"""The dashboard's summaries of raw records (panels, mode changes) are kept per unit,
scope and language for DASHBOARD_SUMMARY_SECONDS: a repeat view reads no raw records, and
another scope never sees a kept summary."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def summaries_kept(settings):
    settings.DASHBOARD_SUMMARY_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dashboard/").status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_repeat_view_reads_no_raw_records(client, world, summaries_kept):
    client.force_login(world.users["district_official"])
    first = _queries(client)
    again = _queries(client)
    raw = ("party_orgs_jointmeeting", "communities_patrolvisit",
           "communities_vulnerableresident", "properties_renovationproject")
    assert any(table in sql for sql in first for table in raw)
    assert not any(table in sql for sql in again for table in raw)
    assert len(again) < len(first)


def test_kept_summary_is_per_scope(client, world, summaries_kept):
    """Another scope viewing the same unit computes its own summaries: nothing kept for
    one user is served to a user with a different scope."""
    district = world.districts["A1"]
    client.force_login(world.users["district_official"])
    _queries(client)
    client.force_login(world.users["superuser"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/dashboard/", {"level": "district", "unit": district.pk})
    assert page.status_code == 200 and page.context["unit"].id == district.pk
    assert any("communities_patrolvisit" in q["sql"] for q in queries.captured_queries)
