"""Invalid hierarchy data is refused with a clear message and nothing is saved."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from communities import services
from communities.models import (
    Building,
    Compound,
    Grid,
    Household,
    ManagementMode,
    StaffAssignment,
    StaffRole,
    Street,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_duplicate_name_under_one_parent_is_refused(world):
    community = world.communities["A1a-c"]
    with pytest.raises(ValidationError) as err:
        services.compound_create(
            community=community, name="A1a-c-p", declared_households=1, floor_area=Decimal("1")
        )
    assert "该社区下已有同名小区" in str(err.value)
    assert Compound.objects.filter(name="A1a-c-p").count() == 1


def test_same_name_under_another_parent_is_fine(world):
    services.compound_create(
        community=world.communities["B1a-c"], name="A1a-c-p", declared_households=1,
        floor_area=Decimal("1"),
    )
    assert Compound.objects.filter(name="A1a-c-p").count() == 2


def test_database_refuses_duplicates_even_without_the_service(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Street.objects.create(district=world.districts["A1"], name="A1a")


def test_negative_area_is_refused(world):
    with pytest.raises(ValidationError) as err:
        services.compound_create(
            community=world.communities["A1a-c"], name="负面积", declared_households=1,
            floor_area=Decimal("-5"),
        )
    assert "floor_area" in err.value.message_dict
    assert not Compound.objects.filter(name="负面积").exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.create(
            compound=world.compounds["A1a-c-p"], building=world.buildings["A1a-c-p-b1"],
            room="999", floor_area=Decimal("-1"), owner_name="x",
        )


def test_household_in_a_building_of_another_compound_is_refused(world):
    with pytest.raises(ValidationError) as err:
        services.household_create(
            compound=world.compounds["A1a-c-p"], building=world.buildings["B1a-c-p-b1"],
            room="301", floor_area=Decimal("70"), owner_name="错楼",
        )
    assert "building" in err.value.message_dict
    assert not Household.objects.filter(owner_name="错楼").exists()


def test_wrong_phone_is_refused(world):
    with pytest.raises(ValidationError) as err:
        services.household_create(
            building=world.buildings["A1a-c-p-b1"], room="302", floor_area=Decimal("70"),
            owner_name="错号", phone="12345",
        )
    assert "phone" in err.value.message_dict


def test_duplicate_room_is_refused(world):
    with pytest.raises(ValidationError):
        services.household_create(
            building=world.buildings["A1a-c-p-b1"], room="101", floor_area=Decimal("70"),
            owner_name="重复",
        )


def test_grid_cannot_cover_buildings_of_another_community(world):
    with pytest.raises(ValidationError):
        services.grid_create(
            community=world.communities["A1a-c"], name="第9网格", duty_types=["petitions"],
            buildings=[world.buildings["B1a-c-p-b1"]],
        )
    assert not Grid.objects.filter(name="第9网格").exists()


def test_unknown_grid_duty_type_is_refused(world):
    with pytest.raises(ValidationError):
        services.grid_create(community=world.communities["A1a-c"], name="第8网格",
                             duty_types=["astrology"])


def test_three_no_state_is_derived(world):
    compound = world.compounds["A1a-c-p"]
    assert compound.management_mode == ManagementMode.NONE
    assert compound.is_three_no
    compound.competent_unit = "铁路段"
    assert not compound.is_three_no
    compound.competent_unit = ""
    compound.management_mode = ManagementMode.MARKET
    assert not compound.is_three_no


def test_pinyin_initials_are_kept_from_the_name(world):
    compound = services.compound_create(
        community=world.communities["A1a-c"], name="林园小区", declared_households=1,
        floor_area=Decimal("1"),
    )
    assert compound.name_initials == "lyxq"


def test_assignment_must_name_the_node_of_its_role(world):
    user = UserFactory(username="mismatch")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffAssignment.objects.create(
            user=user, role=StaffRole.DISTRICT_OFFICIAL, street=world.streets["A1a"]
        )


def test_a_new_assignment_ends_the_old_one(world):
    user = world.users["street_staff"]
    services.staff_assignment_create(
        user=user, role=StaffRole.COMMUNITY_STAFF, node=world.communities["B1a-c"]
    )
    assert user.staff_assignments.filter(ended_at__isnull=True).count() == 1
    assert user.staff_assignments.count() == 2


def test_building_names_unique_per_compound(world):
    with pytest.raises(ValidationError):
        services.building_create(compound=world.compounds["A1a-c-p"], name="1号楼")
    assert Building.objects.filter(compound=world.compounds["A1a-c-p"]).count() == 2
