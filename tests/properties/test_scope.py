"""Every role sees only its scope in the API and the admin; a firm's staff see their own
contracted compounds only, and another firm's records are 404."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from properties import services
from properties.models import (
    Disclosure,
    FeeBill,
    Inspection,
    OwnersCommittee,
    Payment,
    RenovationProject,
    ServiceContract,
)

pytestmark = pytest.mark.django_db
D = datetime.date
SERVED = ("A1a-c-p", "A1b-c-p", "B1a-c-p")

VISIBLE = {
    "superuser": {"A1a-c-p", "A1b-c-p", "B1a-c-p"},
    "city_official": {"A1a-c-p", "A1b-c-p"},
    "district_official": {"A1a-c-p", "A1b-c-p"},
    "street_staff": {"A1a-c-p"},
    "community_staff": {"A1a-c-p"},
    "firm_staff": {"A1a-c-p"},
    "other_firm_staff": {"B1a-c-p"},
}
NO_ACCESS = ("grid_worker", "nobody")


@pytest.fixture
def records(fw):
    for index, name in enumerate(SERVED):
        compound = fw.compounds[name]
        bill = services.fee_bill_create(
            household=fw.households[f"{name}-b1-1"], period_start=D(2026, 4, 1),
            period_end=D(2026, 4, 30), amount_due=Decimal("50"),
        )
        services.payment_record(bill=bill, amount=Decimal("20"), paid_at=bill.created_at,
                                channel="cash", receipt_no=f"R{index}")
        services.disclosure_publish(compound=compound, item="fee_standards", title="收费",
                                    text="标准", actor=None)
        services.inspection_record(contract=fw.contracts[name], date=D(2026, 6, 1),
                                   inspector=fw.users["superuser"],
                                   items=[{"clause": "保洁", "passed": True}])
        services.owners_committee_create(compound=compound, kind="owners_committee",
                                         term_start=D(2025, 1, 1), term_end=None, members=5,
                                         party_members=2)
        services.renovation_project_create(compound=compound, year=2026, works=["roads"],
                                           budget=Decimal("100"))
    return fw


ENDPOINTS = ["fee-bills", "payments", "disclosures", "inspections", "owners-committees",
             "renovation-projects", "service-contracts"]


@pytest.mark.parametrize("role", [*VISIBLE, *NO_ACCESS])
def test_api_lists_are_scoped(client, records, role):
    client.force_login(records.users[role])
    for endpoint in ENDPOINTS:
        response = client.get(f"/api/v1/{endpoint}/")
        if role in NO_ACCESS:
            assert response.status_code == 403, endpoint
            assert "error" in response.json()
            continue
        assert response.status_code == 200, endpoint
        ids = {row["compound"] for row in response.json()["results"]}
        names = {name for name, c in records.compounds.items() if c.pk in ids}
        assert names == VISIBLE[role], endpoint


@pytest.mark.parametrize(
    ("role", "firms"),
    [("superuser", {"甲物业服务有限公司", "乙物业服务有限公司"}),
     ("city_official", {"甲物业服务有限公司"}), ("street_staff", {"甲物业服务有限公司"}),
     ("firm_staff", {"甲物业服务有限公司"}), ("other_firm_staff", {"乙物业服务有限公司"})],
)
def test_firm_list_is_scoped(client, records, role, firms):
    client.force_login(records.users[role])
    response = client.get("/api/v1/property-firms/")
    assert {row["name"] for row in response.json()["results"]} == firms


def test_other_firms_records_are_404_in_api(client, records):
    client.force_login(records.users["firm_staff"])
    foreign_bill = FeeBill.objects.get(compound=records.compounds["B1a-c-p"])
    foreign_payment = Payment.objects.get(compound=records.compounds["B1a-c-p"])
    assert client.get(f"/api/v1/fee-bills/{foreign_bill.pk}/").status_code == 404
    assert client.get(f"/api/v1/payments/{foreign_payment.pk}/").status_code == 404
    response = client.post(f"/api/v1/payments/{foreign_payment.pk}/void/", {"reason": "x"},
                           content_type="application/json")
    assert response.status_code == 404
    assert Payment.objects.get(pk=foreign_payment.pk).voided_at is None


def test_bill_api_shows_paid_amount_and_filters(client, records):
    client.force_login(records.users["superuser"])
    response = client.get("/api/v1/fee-bills/", {"compound": records.compounds["A1a-c-p"].pk})
    rows = response.json()["results"]
    assert len(rows) == 1 and rows[0]["amount_paid"] == "20.00"
    response = client.get("/api/v1/fee-bills/", {"period_from": "2026-05-01"})
    assert response.json()["count"] == 0
    response = client.get("/api/v1/fee-bills/", {"period_from": "not-a-date"})
    assert response.status_code == 400 and "period_from" in response.json()["error"]["fields"]


ADMIN_MODELS = {
    "feebill": FeeBill, "payment": Payment, "disclosure": Disclosure,
    "inspection": Inspection, "ownerscommittee": OwnersCommittee,
    "renovationproject": RenovationProject, "servicecontract": ServiceContract,
}


@pytest.mark.parametrize("role", [*VISIBLE, *NO_ACCESS])
def test_admin_changelists_are_scoped(client, records, role):
    client.force_login(records.users[role])
    for model in ADMIN_MODELS:
        response = client.get(reverse(f"admin:properties_{model}_changelist"))
        if role in NO_ACCESS:
            assert response.status_code == 403, model
            continue
        assert response.status_code == 200, model
        ids = {obj.compound_id for obj in response.context["cl"].result_list}
        names = {name for name, c in records.compounds.items() if c.pk in ids}
        assert names == VISIBLE[role], model


def test_admin_other_firms_objects_are_404(client, records):
    client.force_login(records.users["firm_staff"])
    for model, model_class in ADMIN_MODELS.items():
        foreign = model_class.objects.filter(compound=records.compounds["B1a-c-p"]).first()
        url = reverse(f"admin:properties_{model}_change", args=[foreign.pk])
        assert client.get(url).status_code == 404, model


def test_admin_foreign_key_choices_are_scoped(client, records):
    client.force_login(records.users["firm_staff"])
    response = client.get(reverse("admin:properties_payment_add"))
    bills = response.context["adminform"].form.fields["bill"].queryset
    assert {b.compound_id for b in bills} == {records.compounds["A1a-c-p"].pk}


def test_disclosure_staff_list_is_scoped(client, records):
    client.force_login(records.users["other_firm_staff"])
    response = client.get(reverse("disclosure-staff-list"))
    assert {d.compound.name for d in response.context["page"]} == {"B1a-c-p"}
    client.force_login(records.users["grid_worker"])
    assert client.get(reverse("disclosure-staff-list")).status_code == 403


def test_staff_menu_shows_the_pages_each_role_may_open(client, records):
    client.force_login(records.users["firm_staff"])
    body = client.get(reverse("staff-home")).content.decode()
    assert reverse("fee-import") in body and reverse("disclosure-staff-list") in body
    client.force_login(records.users["grid_worker"])
    body = client.get(reverse("staff-home")).content.decode()
    assert reverse("fee-import") not in body
