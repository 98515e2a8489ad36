"""The synthetic city: deterministic (same seed → same snapshots), realistic in shape."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from bench.generate import AS_OF, generate_city
from communities.models import Compound, ManagementMode, MetricSnapshot
from communities.snapshots import refresh_month
from complaints.models import Complaint, Status
from properties.models import ContractStatus, FeeBill, Payment, ServiceContract

pytestmark = pytest.mark.django_db

MONTHS = [datetime.date(2026, 1, 1), datetime.date(2026, 6, 1), datetime.date(2026, 10, 1)]
KEY = ("metric", "period", "scope_level", "scope_id", "dimension", "dimension_value",
       "numerator", "denominator")


def _snapshots_of(seed: int) -> set[tuple]:
    """Generate, refresh a few months, read the snapshots, then roll everything back."""
    savepoint = transaction.savepoint()
    try:
        generate_city(households=300, seed=seed, log=lambda line: None, chunk=500)
        for period in MONTHS:
            refresh_month(period=period, as_of=AS_OF)
        return set(MetricSnapshot.objects.values_list(*KEY))
    finally:
        transaction.savepoint_rollback(savepoint)


def test_same_seed_gives_the_same_metric_snapshots():
    first = _snapshots_of(11)
    second = _snapshots_of(11)
    assert len(first) > 100
    assert first == second
    assert _snapshots_of(12) != first


def test_the_city_has_every_mode_mode_changes_and_a_real_year_of_complaints():
    out = StringIO()
    call_command("generate_city", households=600, seed=5, chunk=1000, stdout=out)
    assert "households 600" in out.getvalue()
    assert set(Compound.objects.values_list("management_mode", flat=True)) == set(
        ManagementMode.values)
    # Some compounds changed mode during the year: an ended contract, then an active one.
    ended = ServiceContract.objects.filter(status=ContractStatus.ENDED)
    assert ended.exists()
    for contract in ended:
        for active in ServiceContract.objects.filter(
            compound=contract.compound, status=ContractStatus.ACTIVE
        ):
            assert contract.end_date < active.start_date
            assert active.mode != contract.mode
    assert FeeBill.objects.values("period_start").distinct().count() == 12
    assert 0.7 < Payment.objects.count() / FeeBill.objects.count() < 0.95
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert {Status.CLOSED, Status.REJECTED, Status.IN_PROGRESS} <= statuses
    for complaint in Complaint.objects.all()[:50]:
        complaint.full_clean()
        assert complaint.events.first().kind == "created"
    assert not Complaint.objects.filter(received_at__gt=AS_OF).exists()


def test_a_second_city_with_the_same_seed_is_refused():
    call_command("generate_city", households=100, seed=9, stdout=StringIO())
    with pytest.raises(Exception, match="already exists"):
        call_command("generate_city", households=100, seed=9, stdout=StringIO())
