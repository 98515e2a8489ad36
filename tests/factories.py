"""Test data: a small, fully known hierarchy with one user per role."""

from dataclasses import dataclass, field
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from communities import services
from communities.models import (
    Building,
    City,
    Community,
    Compound,
    District,
    Grid,
    GridDutyType,
    Household,
    StaffRole,
    Street,
)

PASSWORD = "test-pass-12345"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


def staff_user(username: str, role: str, node):
    user = UserFactory(username=username)
    services.staff_assignment_create(user=user, role=role, node=node)
    user.refresh_from_db()
    return user


@dataclass
class World:
    cities: dict = field(default_factory=dict)
    districts: dict = field(default_factory=dict)
    streets: dict = field(default_factory=dict)
    communities: dict = field(default_factory=dict)
    compounds: dict = field(default_factory=dict)
    buildings: dict = field(default_factory=dict)
    households: dict = field(default_factory=dict)
    grids: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)


class HierarchyFactory:
    """city A: district A1 (streets A1a, A1b), district A2 (street A2a); city B: B1 / B1a.

    Every street has one community ("<street>-c"), every community one compound
    ("<community>-p") with two buildings and two households each, and one grid covering
    the compound's first building.
    """

    LAYOUT = {"A": {"A1": ["A1a", "A1b"], "A2": ["A2a"]}, "B": {"B1": ["B1a"]}}

    @classmethod
    def build_world(cls) -> World:
        w = World()
        for city_name, districts in cls.LAYOUT.items():
            city = w.cities[city_name] = City.objects.create(name=city_name)
            for district_name, streets in districts.items():
                district = w.districts[district_name] = District.objects.create(
                    city=city, name=district_name
                )
                for street_name in streets:
                    street = w.streets[street_name] = Street.objects.create(
                        district=district, name=street_name
                    )
                    cname = f"{street_name}-c"
                    community = w.communities[cname] = Community.objects.create(
                        street=street, name=cname
                    )
                    pname = f"{cname}-p"
                    compound = w.compounds[pname] = services.compound_create(
                        community=community, name=pname, declared_households=100,
                        floor_area=Decimal("5000"),
                    )
                    for b in (1, 2):
                        building = w.buildings[f"{pname}-b{b}"] = services.building_create(
                            compound=compound, name=f"{b}号楼"
                        )
                        for r in (1, 2):
                            w.households[f"{pname}-b{b}-{r}"] = services.household_create(
                                building=building, room=f"10{r}", floor_area=Decimal("80"),
                                owner_name=f"业主{b}{r}", phone=f"138000{b}{r}{r}{r}{b}",
                            )
                    w.grids[f"{cname}-g"] = services.grid_create(
                        community=community, name="第1网格",
                        duty_types=[GridDutyType.PARTY_BUILDING],
                        buildings=[w.buildings[f"{pname}-b1"]],
                    )
        w.users = {
            "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
            "city_official": staff_user("city_a", StaffRole.CITY_OFFICIAL, w.cities["A"]),
            "district_official": staff_user(
                "district_a1", StaffRole.DISTRICT_OFFICIAL, w.districts["A1"]
            ),
            "street_staff": staff_user("street_a1a", StaffRole.STREET_STAFF, w.streets["A1a"]),
            "community_staff": staff_user(
                "community_a1a", StaffRole.COMMUNITY_STAFF, w.communities["A1a-c"]
            ),
            "grid_worker": staff_user("grid_a1a", StaffRole.GRID_WORKER, w.grids["A1a-c-g"]),
            "nobody": UserFactory(username="no_role", is_staff=True),
        }
        return w


def names(queryset) -> set[str]:
    return {str(o.name) for o in queryset}


__all__ = [
    "Building", "Community", "Compound", "Grid", "Household", "HierarchyFactory", "PASSWORD",
    "UserFactory", "World", "names", "staff_user",
]
