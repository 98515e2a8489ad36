"""Vulnerable residents are seen only by the grid worker of their grid and the staff of
their community: not by street, district or city officials, in pages, API, admin and
exports; another grid of the same community does not see them either."""

import io
from datetime import date, datetime, time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communities import services
from communities.access.scoping import scope_queryset
from communities.models import StaffRole, VulnerableGroup, VulnerableResident
from communities.selectors import display_vulnerable
from core.timeutils import local_zone
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

NAME = "王秀英"
PHONE = "13800001234"


@pytest.fixture
def resident(world):
    resident = services.vulnerable_resident_create(
        grid=world.grids["A1a-c-g"], name=NAME, phone=PHONE, address="A1a-c-p 1号楼1单元101",
        group=VulnerableGroup.ELDERLY_ALONE, registered_on=date(2025, 3, 1),
    )
    services.patrol_visit_record(
        resident=resident, visitor_name="巡访员甲",
        visited_at=datetime.combine(date(2025, 3, 2), time(9), tzinfo=local_zone()),
    )
    return resident


@pytest.fixture
def other_grid_worker(world):
    grid = services.grid_create(community=world.communities["A1a-c"], name="第2网格",
                                duty_types=[], buildings=[world.buildings["A1a-c-p-b2"]])
    return staff_user("grid_a1a_2", StaffRole.GRID_WORKER, grid)


SEES = ["superuser", "community_staff", "grid_worker"]
BLIND = ["city_official", "district_official", "street_staff", "nobody"]


@pytest.mark.parametrize("role", SEES + BLIND)
def test_api(client, world, resident, role):
    client.force_login(world.users[role])
    listed = client.get("/api/v1/vulnerable-residents/")
    detail = client.get(f"/api/v1/vulnerable-residents/{resident.pk}/")
    visits = client.get("/api/v1/patrol-visits/")
    if role in SEES:
        assert [r["name"] for r in listed.json()["results"]] == [NAME]
        assert detail.status_code == 200 and detail.json()["phone"] == PHONE
        assert len(visits.json()["results"]) == 1
    else:
        assert listed.status_code == 200 and listed.json()["results"] == []
        assert detail.status_code == 404
        assert visits.json()["results"] == []
        assert NAME not in listed.content.decode() + visits.content.decode()


@pytest.mark.parametrize("role", SEES + BLIND)
def test_pages(client, world, resident, role):
    client.force_login(world.users[role])
    response = client.get(reverse("patrols"))
    if role in SEES:
        assert response.status_code == 200
        assert NAME in response.content.decode()
    else:
        assert response.status_code == 403
        assert NAME not in response.content.decode()


@pytest.mark.parametrize("role", SEES + BLIND)
def test_exports(client, world, resident, role):
    client.force_login(world.users[role])
    for url in (reverse("patrol-export"), reverse("patrol-missed-export")):
        response = client.get(url)
        if role not in SEES:
            assert response.status_code == 403
            continue
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)))
                    .active.iter_rows(values_only=True))
        assert rows[0][:3] == ("社区", "网格", "名称")
        assert any(NAME in (row[2] or "") for row in rows[1:])


@pytest.mark.parametrize("role", SEES + BLIND)
def test_admin(client, world, resident, role):
    client.force_login(world.users[role])
    changelist = client.get(reverse("admin:communities_vulnerableresident_changelist"))
    change = client.get(reverse("admin:communities_vulnerableresident_change",
                                args=[resident.pk]))
    visits = client.get(reverse("admin:communities_patrolvisit_changelist"))
    if role in SEES:
        assert changelist.status_code == 200
        assert list(changelist.context["cl"].result_list) == [resident]
        assert change.status_code == 200
        assert visits.status_code == 200
    else:
        assert changelist.status_code == 403
        assert change.status_code in (403, 404)
        assert visits.status_code == 403


def test_another_grid_of_the_same_community_does_not_see_them(client, world, resident,
                                                              other_grid_worker):
    client.force_login(other_grid_worker)
    assert client.get("/api/v1/vulnerable-residents/").json()["results"] == []
    assert NAME not in client.get(reverse("patrols")).content.decode()
    response = client.get(reverse("admin:communities_vulnerableresident_changelist"))
    assert list(response.context["cl"].result_list) == []


def test_officials_are_blind_even_with_the_view_permission(world, resident):
    """Scope, not only permissions: the model has no lookup above the community."""
    for role in ("city_official", "district_official", "street_staff"):
        assert not scope_queryset(VulnerableResident.objects.all(), world.users[role]).exists()


def test_masked_for_users_without_the_pii_permission(world, resident, settings):
    class NoPii:
        def has_perm(self, perm):
            return False

    shown = display_vulnerable(NoPii(), resident)
    assert shown == {"name": "王**", "phone": "138****1234", "address": "A1a-c-****"}
