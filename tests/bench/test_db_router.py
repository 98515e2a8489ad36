"""The read-replica router: with a second alias pointing at the same database, dashboard
reads (metric snapshots) go to it; writes, other models and reads inside a transaction
stay on the primary; without the alias everything stays on the primary."""

import datetime
from decimal import Decimal

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import Compound, MetricSnapshot
from config.db_router import REPLICA, ReplicaRouter, replica_configured

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_refresh_after_commit(settings):
    """The tests write their own snapshot rows: the world's creation computes none."""
    settings.METRICS_REFRESH_AFTER_COMMIT = False


@pytest.fixture
def replica():
    """A ``replica`` alias with the primary's (test) connection settings."""
    connections.settings[REPLICA] = dict(connections["default"].settings_dict)
    # Connected up front: the test case only lets already-open extra connections be used.
    connections[REPLICA].connect()
    try:
        yield connections[REPLICA]
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def _snapshot(world):
    compound = world.compounds["A1a-c-p"]
    community = compound.community
    return MetricSnapshot.objects.create(
        metric="complaint_rate", period=datetime.date(2026, 10, 1), scope_level="community",
        scope_id=community.pk, numerator=Decimal(3), denominator=Decimal(100),
        value=Decimal("0.03"), computed_at=timezone.now(),
    )


def test_without_a_replica_every_read_stays_on_the_primary(world):
    assert not replica_configured()
    assert ReplicaRouter().db_for_read(MetricSnapshot) is None
    assert MetricSnapshot.objects.all().db == "default"


def test_snapshot_reads_go_to_the_replica_and_see_the_primary_rows(world, replica):
    written = _snapshot(world)
    assert MetricSnapshot.objects.all().db == REPLICA
    with CaptureQueriesContext(replica) as on_replica:
        rows = list(MetricSnapshot.objects.filter(pk=written.pk))
    assert rows == [written]
    assert len(on_replica) == 1
    # Other models, and writes, stay on the primary.
    assert Compound.objects.all().db == "default"
    assert ReplicaRouter().db_for_write(MetricSnapshot) is None


def test_reads_inside_a_primary_transaction_stay_on_the_primary(world, replica):
    with transaction.atomic():
        written = _snapshot(world)
        assert MetricSnapshot.objects.all().db == "default"
        assert MetricSnapshot.objects.filter(pk=written.pk).exists()


def test_the_dashboard_reads_its_snapshots_from_the_replica(client, world, replica):
    _snapshot(world)
    client.force_login(world.users["superuser"])
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    assert any("communities_metricsnapshot" in q["sql"] for q in on_replica.captured_queries)


def test_migrations_never_run_on_the_replica():
    router = ReplicaRouter()
    assert router.allow_migrate(REPLICA, "communities") is False
    assert router.allow_migrate("default", "communities") is None
