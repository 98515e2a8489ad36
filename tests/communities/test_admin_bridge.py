"""The admin writes through the services: a refusal appears on the admin form next to what
was typed (nothing written), a valid form is saved by the service."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities import services
from communities.models import (
    AuditAction,
    AuditEvent,
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
)
from tests.admin_forms import post_admin, refused, saved
from tests.admin_forms import spy as spy_on
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def post(client, model, data, obj=None):
    return post_admin(client, "communities", model, data, obj)


def spy(monkeypatch, name):
    return spy_on(monkeypatch, services, name)


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


# -- staff, grid workers, vulnerable residents and their patrols, service sites ----------

def test_staff_assignment(root, world):
    user = UserFactory(username="new_staff", is_staff=True)
    data = {"user": user.pk, "role": "community_staff", "title": "社区书记"}
    refused(post(root, "staffassignment", data), "请选择该角色所管辖的单位", "社区书记")
    assert not StaffAssignment.objects.filter(user=user).exists()
    saved(post(root, "staffassignment", {**data, "community": world.communities["A1a-c"].pk}))
    assert AuditEvent.objects.filter(action=AuditAction.ASSIGNMENT_CREATED,
                                     actor=world.users["superuser"]).exists()


def test_grid_worker(root, world, monkeypatch):
    data = {"grid": world.grids["A1a-c-g"].pk, "name": "赵网格", "phone": "123",
            "role": "full_time"}
    refused(post(root, "gridworker", data), "请输入有效的手机号", "赵网格")
    assert not GridWorker.objects.exists()
    calls = spy(monkeypatch, "grid_worker_create")
    saved(post(root, "gridworker", {**data, "phone": "13900001111"}))
    assert calls and GridWorker.objects.get().name == "赵网格"


@pytest.fixture
def resident(world):
    return services.vulnerable_resident_create(
        grid=world.grids["A1a-c-g"], name="孙老人", address="1号楼101", group="elderly_alone",
        registered_on=datetime.date(2025, 3, 1),
    )


def test_vulnerable_resident(root, world, resident, monkeypatch):
    data = {"grid": resident.grid_id, "name": "孙老人", "phone": "", "address": "1号楼101",
            "group": "elderly_alone", "note": "", "registered_on": "2025-03-01",
            "left_on": "2025-02-01"}
    refused(post(root, "vulnerableresident", data, resident), "退出日期不能早于登记日期",
            "2025-02-01")
    resident.refresh_from_db()
    assert resident.left_on is None
    calls = spy(monkeypatch, "vulnerable_resident_update")
    saved(post(root, "vulnerableresident", {**data, "left_on": "2025-09-01"}, resident))
    resident.refresh_from_db()
    assert calls and resident.left_on == datetime.date(2025, 9, 1)


def test_patrol_visit_before_registration_is_refused(root, world, resident):
    data = {"resident": resident.pk, "visited_at_0": "2025-01-05", "visited_at_1": "09:30:00",
            "visitor_name": "巡访员甲", "condition": "良好"}
    refused(post(root, "patrolvisit", data), "该居民在当天不在巡访名单内", "巡访员甲")
    assert not PatrolVisit.objects.exists()
    saved(post(root, "patrolvisit", {**data, "visited_at_0": "2025-04-05"}))
    visit = PatrolVisit.objects.get()
    # The service works out the local day and half-day, and who recorded it.
    assert (visit.visit_date, visit.half_day) == (datetime.date(2025, 4, 5), "am")
    assert visit.recorded_by == world.users["superuser"]


@pytest.fixture
def site(world):
    return services.service_site_create(community=world.communities["A1a-c"], name="会客厅",
                                        kind="resident_lounge")


def site_data(world, **over):
    return {"community": world.communities["A1a-c"].pk, "name": "新会客厅",
            "kind": "resident_lounge", "address": "", "opening_hours": "",
            "rooms-TOTAL_FORMS": "1", "rooms-INITIAL_FORMS": "0", "rooms-MIN_NUM_FORMS": "0",
            "rooms-MAX_NUM_FORMS": "1000", "rooms-0-kind": "culture_health",
            "rooms-0-name": "书屋", **over}


def test_service_site(root, world):
    foreign = world.compounds["A1b-c-p"]
    refused(post(root, "servicesite", site_data(world, compound=foreign.pk)),
            "该小区不属于服务站点所在社区", "新会客厅")
    assert not ServiceSite.objects.filter(name="新会客厅").exists()
    saved(post(root, "servicesite", site_data(world)))
    site = ServiceSite.objects.get(name="新会客厅")
    assert list(FunctionRoom.objects.filter(site=site).values_list("name", flat=True)) == ["书屋"]


def test_service_record_in_the_future_is_refused(root, world, site):
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    data = {"site": site.pk, "kind": "policy_advice", "served_at_0": tomorrow.isoformat(),
            "served_at_1": "10:00:00", "visitors": 3, "note": "政策咨询"}
    refused(post(root, "servicerecord", data), "不能登记未来时间的服务", "政策咨询")
    assert not ServiceRecord.objects.exists()
    saved(post(root, "servicerecord", {**data, "served_at_0": "2025-06-01"}))
    assert ServiceRecord.objects.get().service_date == datetime.date(2025, 6, 1)


def test_nothing_is_deleted_in_the_admin(root, world):
    response = root.get(reverse("admin:communities_compound_delete",
                                args=[world.compounds["A1a-c-p"].pk]))
    assert response.status_code == 403
    assert Compound.objects.filter(pk=world.compounds["A1a-c-p"].pk).exists()


def test_a_scoped_user_gets_the_refusal_on_the_form(client, world):
    """Community staff register a household: the same refusal, the same form."""
    client.force_login(world.users["community_staff"])
    response = post(client, "household",
                    household_data(world, world.buildings["A1a-c-p-b1"], floor_area="-1"))
    refused(response, "大于或等于0", "王五")
    assert not Household.objects.filter(owner_name="王五").exists()
