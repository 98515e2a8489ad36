"""Property-firm staff see the compounds their firm holds an active contract for."""

import datetime
from decimal import Decimal

import pytest

from communities.access.scoping import scope_queryset
from communities.models import Building, Compound, Household, StaffRole
from properties.credit_code import check_character
from properties.models import ContractStatus, PropertyFirm, ServiceContract
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm_world(world):
    firm = PropertyFirm.objects.create(
        name="城鑫城市综合服务有限责任公司",
        credit_code="91610204MA6X5A2B3" + check_character("91610204MA6X5A2B3"),
        ownership="state_owned",
    )
    ServiceContract.objects.create(
        firm=firm, compound=world.compounds["A1a-c-p"], mode="public_trusteeship",
        start_date=datetime.date(2026, 1, 1), fee_standard=Decimal("0.80"),
    )
    ServiceContract.objects.create(
        firm=firm, compound=world.compounds["B1a-c-p"], mode="market",
        start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2025, 12, 31),
        fee_standard=Decimal("1.20"), status=ContractStatus.ENDED,
    )
    world.users["firm_staff"] = staff_user("firm_a", StaffRole.FIRM_STAFF, firm)
    return world


def test_firm_staff_see_only_actively_contracted_compounds(firm_world):
    user = firm_world.users["firm_staff"]
    assert list(scope_queryset(Compound.objects.all(), user)) == [
        firm_world.compounds["A1a-c-p"]
    ]
    assert scope_queryset(Building.objects.all(), user).count() == 2
    assert scope_queryset(Household.objects.all(), user).count() == 4


def test_officials_see_firms_serving_their_area(firm_world):
    firm = PropertyFirm.objects.get()
    assert list(scope_queryset(PropertyFirm.objects.all(), firm_world.users["street_staff"])) == [
        firm
    ]
    other_street = staff_user("street_b1a", StaffRole.STREET_STAFF, firm_world.streets["B1a"])
    # The B1a contract has ended: that street no longer sees the firm.
    assert scope_queryset(PropertyFirm.objects.all(), other_street).count() == 0
