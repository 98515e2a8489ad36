"""Issue 16 item 5: each ledger is written only by its keeper (DESIGN §4) — the same
check in the service, whichever surface (service, API, admin, import) asks."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from communities.models import StaffRole
from core.errors import ApplicationError
from party_orgs import services as party_services
from party_orgs.models import OrgKind, OrgUnitType, PartyMember
from properties import services
from properties.models import ContractStatus, FeeBill, Payment, ServiceContract
from tests.factories import staff_user
from tests.properties.conftest import (  # noqa: F401
    BILL_HEADER,
    csv_file,
    fw,
    import_file,
    paid_at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bill(fw):  # noqa: F811
    """30 yuan payable on a household of A1a-c-p, served by firm 甲."""
    return services.fee_bill_create(
        household=fw.households["A1a-c-p-b1-1"], period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 4, 30), amount_due=Decimal("30.00"))


def _pay(bill, actor, receipt="R-1"):
    return services.payment_record(bill=bill, amount=Decimal("10.00"), paid_at=paid_at(),
                                   channel="cash", receipt_no=receipt, actor=actor)


# --- bills, payments, voids, imports ------------------------------------------------


def test_services_let_only_the_firm_write_a_firm_run_compounds_fees(fw, bill):  # noqa: F811
    with pytest.raises(ApplicationError) as refused:
        _pay(bill, fw.users["community_staff"])
    assert refused.value.status_code == 403
    payment = _pay(bill, fw.users["firm_staff"])
    with pytest.raises(ApplicationError):
        services.payment_void(payment=payment, reason="错账", actor=fw.users["community_staff"])
    with pytest.raises(ApplicationError):
        services.fee_bill_create(
            household=fw.households["A1a-c-p-b2-1"], period_start=datetime.date(2026, 4, 1),
            period_end=datetime.date(2026, 4, 30), amount_due=Decimal("30.00"),
            actor=fw.users["community_staff"])
    services.payment_void(payment=payment, reason="错账", actor=fw.users["firm_staff"])
    _pay(bill, fw.users["superuser"], receipt="R-2")  # an administrator may


def test_a_community_led_compounds_fees_are_its_communitys(fw):  # noqa: F811
    keeper = staff_user("community_a1b", StaffRole.COMMUNITY_STAFF, fw.communities["A1b-c"])
    household = fw.households["A1b-c-p-b1-1"]
    kwargs = {"household": household, "period_start": datetime.date(2026, 4, 1),
              "period_end": datetime.date(2026, 4, 30), "amount_due": Decimal("30.00")}
    with pytest.raises(ApplicationError):
        services.fee_bill_create(**kwargs, actor=fw.users["firm_staff"])
    bill = services.fee_bill_create(**kwargs, actor=keeper)
    _pay(bill, keeper)


def test_the_api_refuses_community_staff_on_a_firms_payments(client, fw, bill):  # noqa: F811
    payment = _pay(bill, fw.users["firm_staff"])
    client.force_login(fw.users["community_staff"])
    response = client.post("/api/v1/payments/", {
        "bill": bill.pk, "amount": "5.00", "paid_at": "2026-04-05T10:00:00+08:00",
        "channel": "cash", "receipt_no": "C-1"}, content_type="application/json")
    assert response.status_code == 403
    response = client.post(f"/api/v1/payments/{payment.pk}/void/", {"reason": "x"},
                           content_type="application/json")
    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.voided_at is None and Payment.objects.count() == 1


def test_the_admin_refuses_community_staff_on_a_firms_payments(client, fw, bill):  # noqa: F811
    payment = _pay(bill, fw.users["firm_staff"])
    client.force_login(fw.users["community_staff"])
    client.post(reverse("admin:properties_payment_change", args=[payment.pk]),
                {"void_reason": "社区作废"})
    client.post(reverse("admin:properties_payment_add"), {
        "bill": bill.pk, "amount": "5.00", "paid_at_0": "2026-04-05", "paid_at_1": "10:00:00",
        "channel": "cash", "receipt_no": "C-2"})
    payment.refresh_from_db()
    assert payment.voided_at is None and Payment.objects.count() == 1


def test_imports_refuse_rows_of_a_compound_the_user_does_not_keep(fw):  # noqa: F811
    rows = [["A1a-c-p", "1号楼", "", "101", "2026-05-01", "2026-05-31", "40", "0"]]
    record = import_file("bills", csv_file(rows, header=BILL_HEADER), fw.users["community_staff"])
    assert record.outcome == "refused"
    assert "物业" in record.errors[0]["message"]
    assert not FeeBill.objects.exists()
    record = import_file("bills", csv_file(rows, header=BILL_HEADER), fw.users["firm_staff"])
    assert record.outcome != "refused" and FeeBill.objects.count() == 1


# --- contracts ------------------------------------------------------------------------


def test_contracts_are_started_and_ended_by_district_officials(client, fw):  # noqa: F811
    contract = fw.contracts["A1a-c-p"]
    client.force_login(fw.users["community_staff"])
    response = client.post(f"/api/v1/service-contracts/{contract.pk}/end/",
                           {"end_date": "2026-06-30"}, content_type="application/json")
    assert response.status_code == 403
    with pytest.raises(ApplicationError):
        services.contract_start(compound=fw.compounds["A2a-c-p"], firm=fw.firms["甲"],
                                mode="market", start_date=datetime.date(2026, 5, 1),
                                fee_standard=Decimal("1.00"), actor=fw.users["street_staff"])
    official = fw.users["district_official"]
    with pytest.raises(ApplicationError) as future:
        services.contract_end(contract=contract,
                              end_date=datetime.date.today() + datetime.timedelta(days=40),
                              actor=official)
    assert future.value.code == "future_end_date"
    services.contract_end(contract=contract, end_date=datetime.date(2026, 6, 30), actor=official)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ENDED
    other_district = staff_user("district_a2", StaffRole.DISTRICT_OFFICIAL, fw.districts["A2"])
    with pytest.raises(ApplicationError):
        services.contract_start(compound=fw.compounds["A1a-c-p"], firm=fw.firms["甲"],
                                mode="market", start_date=datetime.date(2026, 7, 1),
                                fee_standard=Decimal("1.00"), actor=other_district)
    assert ServiceContract.objects.filter(compound=fw.compounds["A1a-c-p"]).count() == 1


# --- a firm's Party organisations -----------------------------------------------------


@pytest.fixture
def firm_branch(fw):  # noqa: F811
    return party_services.party_org_create(
        name="甲物业党支部", kind=OrgKind.BRANCH, unit_type=OrgUnitType.FIRM,
        firm=fw.firms["甲"], unit_name="甲物业服务有限公司")


def test_a_firms_party_branch_is_written_by_its_district(client, fw, firm_branch):  # noqa: F811
    with pytest.raises(ApplicationError):
        party_services.party_member_create(actor=fw.users["community_staff"],
                                           organization=firm_branch, name="李四",
                                           phone="13900001111")
    party_services.party_member_create(actor=fw.users["district_official"],
                                       organization=firm_branch, name="李四",
                                       phone="13900001111")
    member = PartyMember.objects.get()
    client.force_login(fw.users["community_staff"])
    # The community served by the firm reads the branch but cannot change it.
    assert client.get(reverse("admin:party_orgs_partyorganization_changelist")).status_code == 200
    change = reverse("admin:party_orgs_partyorganization_change", args=[firm_branch.pk])
    client.post(change, {"name": "改名支部", "kind": firm_branch.kind,
                         "unit_type": firm_branch.unit_type, "firm": fw.firms["甲"].pk,
                         "unit_name": "x"})
    firm_branch.refresh_from_db()
    assert firm_branch.name == "甲物业党支部"
    client.post(reverse("admin:party_orgs_partymember_change", args=[member.pk]),
                {"organization": firm_branch.pk, "name": "改名", "role": "member"})
    member.refresh_from_db()
    assert member.name == "李四"
