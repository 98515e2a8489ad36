"""The admin writes through the services: a refusal appears on the admin form next to what
was typed (nothing written), a valid form is saved by the service."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from communities import services
from communities.models import (
    AuditAction,
    AuditEvent,
    Building,
    City,
    Community,
    Compound,
    District,
    FunctionRoom,
    Grid,
    GridWorker,
    Household,
    PatrolVisit,
    ServiceRecord,
    ServiceSite,
    StaffAssignment,
    Street,
    VulnerableResident,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, world):
    client.force_login(world.users["superuser"])
    return client


def post(client, model, data, obj=None):
    name = f"admin:communities_{model}_{'change' if obj else 'add'}"
    return client.post(reverse(name, args=[obj.pk] if obj else []), data)


def refused(response, message, *kept):
    """The form is shown again (200) with the message and what the user typed."""
    assert response.status_code == 200
    page = response.content.decode()
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    assert any(message in e for e in errors), errors
    for value in kept:
        assert str(value) in page


def saved(response):
    assert response.status_code == 302, response.content.decode()[:3000]


def spy(monkeypatch, name):
    """Record the calls of ``services.<name>`` made by the admin."""
    calls = []
    real = getattr(services, name)

    def recorded(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, name, recorded)
    return calls


# -- the hierarchy ------------------------------------------------------------------------

def test_city(root, world, monkeypatch):
    refused(post(root, "city", {"name": "A", "code": "X9"}), "已存在", "X9")
    assert City.objects.count() == 2
    calls = spy(monkeypatch, "city_create")
    saved(post(root, "city", {"name": "C城", "code": ""}))
    assert calls and City.objects.filter(name="C城").exists()


def test_district(root, world, monkeypatch):
    city = world.cities["A"]
    refused(post(root, "district", {"city": city.pk, "name": "A1"}), "已有同名", 'value="A1"')
    assert District.objects.count() == 3
    calls = spy(monkeypatch, "district_update")
    district = world.districts["A2"]
    saved(post(root, "district", {"name": "A2新"}, district))
    assert calls and District.objects.get(pk=district.pk).name == "A2新"


def test_street(root, world, monkeypatch):
    district = world.districts["A1"]
    refused(post(root, "street", {"district": district.pk, "name": "A1a"}), "已有同名", "A1a")
    assert Street.objects.count() == 4
    calls = spy(monkeypatch, "street_create")
    saved(post(root, "street", {"district": district.pk, "name": "A1c"}))
    assert calls and Street.objects.filter(name="A1c").exists()


def test_community(root, world, monkeypatch):
    street = world.streets["A1a"]
    refused(post(root, "community", {"street": street.pk, "name": "新社区", "phone": "12ab"}),
            "电话", "12ab")
    assert not Community.objects.filter(name="新社区").exists()
    calls = spy(monkeypatch, "community_create")
    saved(post(root, "community", {"street": street.pk, "name": "新社区", "phone": ""}))
    assert calls and Community.objects.filter(name="新社区").exists()


def compound_data(world, **over):
    return {"community": world.communities["A1a-c"].pk, "name": "新小区",
            "declared_households": 10, "floor_area": "-5", **over}


def test_compound(root, world):
    refused(post(root, "compound", compound_data(world)), "大于或等于0", "新小区")
    assert not Compound.objects.filter(name="新小区").exists()
    saved(post(root, "compound", compound_data(world, floor_area="100", name="绿洲小区")))
    # The service (through the model's save) fills in the initials used by search.
    assert Compound.objects.get(name="绿洲小区").name_initials == "lzxq"


def test_building(root, world, monkeypatch):
    compound = world.compounds["A1a-c-p"]
    refused(post(root, "building", {"compound": compound.pk, "name": "1号楼", "floors": 3,
                                    "units": 1}), "已有同名", "1号楼")
    assert compound.buildings.count() == 2
    calls = spy(monkeypatch, "building_create")
    saved(post(root, "building", {"compound": compound.pk, "name": "9号楼", "floors": 3,
                                  "units": 1}))
    assert calls and compound.buildings.filter(name="9号楼").exists()


def household_data(world, building, **over):
    return {"compound": world.compounds["A1a-c-p"].pk, "building": building.pk, "unit": "",
            "room": "909", "floor_area": "66.5", "owner_name": "王五", "phone": "", **over}


def test_household_in_another_compounds_building_is_refused(root, world):
    foreign = world.buildings["A1b-c-p-b1"]
    response = post(root, "household", household_data(world, foreign))
    refused(response, "所选楼栋不属于该住户所在小区", "王五", "909")
    assert not Household.objects.filter(owner_name="王五").exists()


def test_household_saved_by_the_service(root, world):
    saved(post(root, "household", household_data(world, world.buildings["A1a-c-p-b2"])))
    assert Household.objects.get(owner_name="王五").compound == world.compounds["A1a-c-p"]


def test_grid(root, world):
    community = world.communities["A1a-c"]
    foreign = world.buildings["A1b-c-p-b1"]
    response = post(root, "grid", {"community": community.pk, "name": "第9网格",
                                   "duty_types": ["party_building"], "buildings": [foreign.pk]})
    refused(response, "网格只能覆盖本社区的楼栋", "第9网格")
    assert not Grid.objects.filter(name="第9网格").exists()
    own = world.buildings["A1a-c-p-b2"]
    saved(post(root, "grid", {"community": community.pk, "name": "第9网格",
                              "duty_types": ["party_building"], "buildings": [own.pk]}))
    assert list(Grid.objects.get(name="第9网格").buildings.all()) == [own]
