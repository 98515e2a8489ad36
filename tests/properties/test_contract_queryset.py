"""``ServiceContract.objects.active()`` and ``.serving(firm)``: the one way every app says
"the contract in force" and "the compounds a firm serves now", and the firm scope that
``communities`` gets from them without importing ``properties``.

The world (tests/properties/conftest.py): firm 甲 serves A1a-c-p since 2026-01-01, firm
乙 serves B1a-c-p since 2025-01-01, A1b-c-p is community-led (no firm), A2a-c-p has no
contract."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from communities.access import lookups
from communities.access.scoping import scope_queryset
from communities.models import Compound
from properties import services
from properties.models import ServiceContract

pytestmark = pytest.mark.django_db
D = datetime.date


def names(contracts):
    return sorted(c.compound.name for c in contracts)


def test_active_is_the_contract_in_force_of_each_compound(fw):
    assert names(ServiceContract.objects.active()) == ["A1a-c-p", "A1b-c-p", "B1a-c-p"]
    services.contract_end(contract=fw.contracts["B1a-c-p"], end_date=D(2026, 3, 31))
    assert names(ServiceContract.objects.active()) == ["A1a-c-p", "A1b-c-p"]
    assert ServiceContract.objects.count() == 3  # the ended one is kept as history


def test_a_new_contract_replaces_the_active_one(fw):
    compound = fw.compounds["A1a-c-p"]
    new = services.contract_start(
        compound=compound, firm=fw.firms["乙"], mode="market", start_date=D(2026, 6, 1),
        fee_standard=Decimal("1.20"),
    )
    assert list(ServiceContract.objects.active().filter(compound=compound)) == [new]
    assert list(ServiceContract.objects.serving(fw.firms["甲"])) == []


def test_serving_is_the_active_contracts_of_one_firm(fw):
    firm_a, firm_b = fw.firms["甲"], fw.firms["乙"]
    assert names(ServiceContract.objects.serving(firm_a)) == ["A1a-c-p"]
    assert names(ServiceContract.objects.serving(firm_b.pk)) == ["B1a-c-p"]  # or its id
    services.contract_end(contract=fw.contracts["A1a-c-p"], end_date=D(2026, 3, 31))
    assert not ServiceContract.objects.serving(firm_a).exists()
    # A community-led contract has no firm: it serves no firm's staff.
    assert ServiceContract.objects.active().filter(firm__isnull=True).count() == 1


def test_they_chain_with_other_filters(fw):
    contracts = ServiceContract.objects.serving(fw.firms["乙"]).filter(mode="market")
    assert names(contracts.select_related("compound")) == ["B1a-c-p"]
    assert not ServiceContract.objects.active().filter(compound=fw.compounds["A2a-c-p"]).exists()


def test_firm_staff_scope_follows_the_contracts(fw):
    """The firm scope of ``communities`` is the query ``properties`` registered."""
    staff = fw.users["firm_staff"]
    in_scope = scope_queryset(Compound.objects.all(), staff)
    assert sorted(in_scope.values_list("name", flat=True)) == ["A1a-c-p"]
    services.contract_start(
        compound=fw.compounds["A2a-c-p"], firm=fw.firms["甲"], mode="market",
        start_date=D(2026, 5, 1), fee_standard=Decimal("1"),
    )
    services.contract_end(contract=fw.contracts["A1a-c-p"], end_date=D(2026, 4, 30))
    staff = type(staff).objects.get(pk=staff.pk)  # a new request: scope resolved afresh
    in_scope = scope_queryset(Compound.objects.all(), staff)
    assert sorted(in_scope.values_list("name", flat=True)) == ["A2a-c-p"]


def test_the_firm_scope_refuses_to_guess_when_nothing_registered(fw, monkeypatch):
    monkeypatch.setattr(lookups, "_compounds_served_by", None)
    with pytest.raises(ImproperlyConfigured):
        list(scope_queryset(Compound.objects.all(), fw.users["firm_staff"]))
    # Officials' scopes do not depend on it.
    assert scope_queryset(Compound.objects.all(), fw.users["street_staff"]).exists()
