"""The scoping function decides, for each role, exactly which nodes a user sees."""

import pytest
from django.http import Http404

from communities.access.scoping import get_scoped_object_or_404, scope_for_user, scope_queryset
from communities.models import (
    Building,
    City,
    Community,
    Compound,
    District,
    Grid,
    Household,
    Street,
)
from communities.services import staff_assignment_end
from tests.factories import names

pytestmark = pytest.mark.django_db

EXPECTED = {
    # role: {model: names seen}
    "superuser": {
        City: {"A", "B"}, District: {"A1", "A2", "B1"}, Street: {"A1a", "A1b", "A2a", "B1a"},
        Community: {"A1a-c", "A1b-c", "A2a-c", "B1a-c"},
        Compound: {"A1a-c-p", "A1b-c-p", "A2a-c-p", "B1a-c-p"},
    },
    "city_official": {
        City: {"A"}, District: {"A1", "A2"}, Street: {"A1a", "A1b", "A2a"},
        Community: {"A1a-c", "A1b-c", "A2a-c"}, Compound: {"A1a-c-p", "A1b-c-p", "A2a-c-p"},
    },
    "district_official": {
        City: set(), District: {"A1"}, Street: {"A1a", "A1b"},
        Community: {"A1a-c", "A1b-c"}, Compound: {"A1a-c-p", "A1b-c-p"},
    },
    "street_staff": {
        City: set(), District: set(), Street: {"A1a"},
        Community: {"A1a-c"}, Compound: {"A1a-c-p"},
    },
    "community_staff": {
        City: set(), District: set(), Street: set(),
        Community: {"A1a-c"}, Compound: {"A1a-c-p"},
    },
    "grid_worker": {
        City: set(), District: set(), Street: set(), Community: set(), Compound: {"A1a-c-p"},
    },
    "nobody": {City: set(), District: set(), Street: set(), Community: set(), Compound: set()},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_exactly_its_subtree(world, role):
    user = world.users[role]
    for model, expected in EXPECTED[role].items():
        seen = names(scope_queryset(model.objects.all(), user))
        assert seen == expected, f"{role} sees {seen} of {model.__name__}, expected {expected}"


def test_building_household_and_grid_visibility(world):
    community = world.users["community_staff"]
    grid_worker = world.users["grid_worker"]
    assert scope_queryset(Building.objects.all(), community).count() == 2
    assert scope_queryset(Household.objects.all(), community).count() == 4
    assert scope_queryset(Grid.objects.all(), community).count() == 1
    # A grid worker sees only the building its grid covers, and that building's households.
    assert list(scope_queryset(Building.objects.all(), grid_worker)) == [
        world.buildings["A1a-c-p-b1"]
    ]
    assert set(scope_queryset(Household.objects.all(), grid_worker)) == {
        world.households["A1a-c-p-b1-1"], world.households["A1a-c-p-b1-2"],
    }
    assert scope_queryset(Household.objects.all(), world.users["nobody"]).count() == 0


def test_grid_worker_sees_compound_once_even_with_two_buildings_in_grid(world):
    grid = world.grids["A1a-c-g"]
    grid.buildings.add(world.buildings["A1a-c-p-b2"])
    seen = list(scope_queryset(Compound.objects.all(), world.users["grid_worker"]))
    assert seen == [world.compounds["A1a-c-p"]]


def test_scope_of_ended_assignment_is_nothing(world):
    user = world.users["street_staff"]
    staff_assignment_end(assignment=user.staff_assignments.get())
    user.refresh_from_db()
    assert scope_for_user(user).is_empty
    assert scope_queryset(Compound.objects.all(), user).count() == 0


def test_access_helper_gives_404_outside_scope(world):
    user = world.users["community_staff"]
    own = world.compounds["A1a-c-p"]
    assert get_scoped_object_or_404(Compound.objects.all(), user, pk=own.pk) == own
    with pytest.raises(Http404):
        get_scoped_object_or_404(Compound.objects.all(), user, pk=world.compounds["B1a-c-p"].pk)


def test_role_permissions_follow_the_assignment(world):
    community = world.users["community_staff"]
    official = world.users["district_official"]
    assert community.has_perm("communities.change_household")
    assert community.has_perm("communities.view_pii")
    assert official.has_perm("communities.view_household")
    assert not official.has_perm("communities.change_household")
    assert not official.has_perm("communities.view_pii")
    assert not world.users["nobody"].has_perm("communities.view_compound")
