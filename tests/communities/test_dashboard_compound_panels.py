"""A compound's dashboard lists its overdue complaints, missing disclosures and latest
inspection; every unit's dashboard counts its renovation projects."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from communities.models import StaffRole
from complaints import services as complaint_services
from complaints.models import Category
from properties import services as property_services
from properties.credit_code import check_character
from properties.models import DisclosureItem, PropertyFirm
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def compound_records(world):
    p = world.compounds["A1a-c-p"]
    base = "91610204MA6X5A2B3"
    firm = PropertyFirm.objects.create(name="城鑫", credit_code=base + check_character(base),
                                       ownership="state_owned")
    contract = property_services.contract_start(
        compound=p, firm=firm, mode="public_trusteeship", start_date=datetime.date(2026, 1, 1),
        fee_standard=Decimal("0.8"),
    )
    property_services.disclosure_publish(
        compound=p, item=DisclosureItem.values[0], title="物业企业及项目经理", text="…",
        actor=None,
    )
    property_services.inspection_record(
        contract=contract, date=datetime.date(2026, 11, 2), inspector=world.users["superuser"],
        items=[{"clause": "楼道保洁每日一次", "passed": True},
               {"clause": "电梯月检", "passed": False, "note": "缺10月记录"}],
    )
    category = Category.objects.create(code="light", name="路灯", hours_to_respond=24,
                                       days_to_resolve=3)
    old = complaint_services.complaint_create(
        compound=p, category=category, description="路灯坏了", reporter_phone="13912345678",
        received_at=timezone.now() - datetime.timedelta(days=20),
    )
    property_services.renovation_project_create(
        compound=p, year=2026, works=["water", "roads"], budget=Decimal("800000"),
        status="completed", completion_date=datetime.date(2026, 10, 1),
    )
    return world, old


def test_compound_dashboard_shows_its_own_records(client, compound_records):
    world, old = compound_records
    client.force_login(world.users["community_staff"])
    response = client.get("/dashboard/", {"level": "compound",
                                          "unit": world.compounds["A1a-c-p"].pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "逾期诉求" in body and old.tracking_code in body
    assert "缺少的公示" in body or "公示" in body
    assert str(DisclosureItem.choices[1][1]) in body  # a missing item is named
    assert "电梯月检" in body and "缺10月记录" in body
    assert "老旧小区改造" in body


def test_renovation_count_on_the_district_dashboard(client, compound_records):
    world, _old = compound_records
    client.force_login(world.users["district_official"])
    response = client.get("/dashboard/", {"level": "district", "unit": world.districts["A1"].pk})
    assert response.status_code == 200
    assert "800000" in response.content.decode().replace(",", "")


def test_another_districts_official_does_not_see_the_panels(client, compound_records):
    world, old = compound_records
    client.force_login(staff_user("district_b1", StaffRole.DISTRICT_OFFICIAL,
                                  world.districts["B1"]))
    response = client.get("/dashboard/", {"level": "compound",
                                          "unit": world.compounds["A1a-c-p"].pk})
    assert response.status_code == 404
    assert old.tracking_code not in response.content.decode()
