"""Service sites with their function rooms; service records counted per local day."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities import selectors, services
from communities.models import FunctionRoomKind, ServiceKind, ServiceRecord, ServiceSiteKind
from core.errors import ApplicationError
from core.timeutils import local_zone

pytestmark = pytest.mark.django_db


def local(day, hour, minute=0, second=0):
    return datetime.combine(day, time(hour, minute, second), tzinfo=local_zone())


@pytest.fixture
def sites(world):
    return {
        name: services.service_site_create(
            community=world.communities[name], name=f"{name}居民会客厅",
            kind=ServiceSiteKind.RESIDENT_LOUNGE,
            rooms=[FunctionRoomKind.GOVERNMENT_SERVICE, FunctionRoomKind.CULTURE_HEALTH],
        )
        for name in ("A1a-c", "B1a-c")
    }


def test_people_served_per_local_day(world, sites):
    site = sites["A1a-c"]
    services.service_record_create(site=site, kind=ServiceKind.POLICY_ADVICE,
                                   served_at=local(date(2025, 5, 1), 23, 59, 59), visitors=5)
    services.service_record_create(site=site, kind=ServiceKind.APPLIANCE_REPAIR,
                                   served_at=local(date(2025, 5, 2), 0, 0, 0), visitors=2)
    services.service_record_create(site=site, kind=ServiceKind.ERRANDS,
                                   served_at=local(date(2025, 5, 2), 10), visitors=3)
    services.service_record_create(site=sites["B1a-c"], kind=ServiceKind.MEDIATION,
                                   served_at=local(date(2025, 5, 2), 10), visitors=40)
    per_day = selectors.service_visits_per_day(user=world.users["district_official"],
                                               start=date(2025, 5, 1), end=date(2025, 5, 2))
    assert [(d["service_date"], d["visitors"], d["records"]) for d in per_day] == [
        (date(2025, 5, 2), 5, 2), (date(2025, 5, 1), 5, 1)]


def test_rules(world, sites):
    site = sites["A1a-c"]
    foreign_room = sites["B1a-c"].rooms.first()
    with pytest.raises(ValidationError):
        services.service_record_create(site=site, kind=ServiceKind.OTHER, room=foreign_room,
                                       served_at=local(date(2025, 5, 1), 9))
    with pytest.raises(ValidationError):
        services.service_record_create(site=site, kind=ServiceKind.OTHER, visitors=0,
                                       served_at=local(date(2025, 5, 1), 9))
    with pytest.raises(ApplicationError):
        services.service_record_create(site=site, kind=ServiceKind.OTHER,
                                       served_at=local(date(2099, 5, 1), 9))
    with pytest.raises(ApplicationError):
        services.service_record_create(actor=world.users["community_staff"],
                                       site=sites["B1a-c"], kind=ServiceKind.OTHER,
                                       served_at=local(date(2025, 5, 1), 9))
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [("city_official", {"A1a-c居民会客厅"}), ("street_staff", {"A1a-c居民会客厅"}),
     ("community_staff", {"A1a-c居民会客厅"}),
     ("superuser", {"A1a-c居民会客厅", "B1a-c居民会客厅"})],
)
def test_sites_are_scoped(client, world, sites, role, expected):
    client.force_login(world.users[role])
    response = client.get("/api/v1/service-sites/")
    assert {s["name"] for s in response.json()["results"]} == expected
    page = client.get(reverse("service-sites"))
    assert {s.name for s in page.context["page"]} == expected


def test_staff_record_a_service_on_the_page(client, world, sites):
    client.force_login(world.users["community_staff"])
    response = client.post(reverse("service-sites"), {
        "site": sites["A1a-c"].pk, "kind": ServiceKind.POLICY_ADVICE,
        "served_at": "2025-05-01T09:30", "visitors": "4",
    })
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert (record.service_date, record.visitors) == (date(2025, 5, 1), 4)
    response = client.post(reverse("service-sites"), {
        "site": sites["B1a-c"].pk, "kind": ServiceKind.POLICY_ADVICE,
        "served_at": "2025-05-01T09:30", "visitors": "4",
    })
    assert response.status_code == 400
    assert ServiceRecord.objects.count() == 1
    client.force_login(world.users["street_staff"])
    assert client.post(reverse("service-sites"), {}).status_code == 403
