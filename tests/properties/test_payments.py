"""Payments: never past due − waived (voided payments not counted), voided with a reason
and never deleted; receipt numbers unique per firm."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.errors import ApplicationError, ConflictError
from properties import services
from properties.models import FeeBill, Payment

from .conftest import paid_at

pytestmark = pytest.mark.django_db


def pay(bill, amount, receipt, actor=None):
    return services.payment_record(
        bill=bill, amount=Decimal(amount), paid_at=paid_at(), channel="wechat",
        receipt_no=receipt, actor=actor,
    )


def test_bill_fills_its_compound_and_refuses_waiver_over_due(fw, bill):
    assert bill.compound_id == fw.compounds["A1a-c-p"].pk
    with pytest.raises(ValidationError):
        services.fee_bill_create(
            household=fw.households["A1a-c-p-b1-2"], period_start=datetime.date(2026, 4, 1),
            period_end=datetime.date(2026, 4, 30), amount_due=Decimal("10"),
            amount_waived=Decimal("11"),
        )
    with pytest.raises(ValidationError):  # one bill per household and period
        services.fee_bill_create(
            household=bill.household, period_start=bill.period_start,
            period_end=bill.period_end, amount_due=Decimal("1"),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeBill.objects.create(
            household=bill.household, compound=bill.compound,
            period_start=datetime.date(2026, 5, 1), period_end=datetime.date(2026, 5, 31),
            amount_due=Decimal("5"), amount_waived=Decimal("6"),
        )


def test_payments_up_to_payable_are_accepted_and_one_more_fen_refused(fw, bill):
    first = pay(bill, "20.00", "R1", fw.users["firm_staff"])
    assert first.firm == fw.firms["甲"] and first.compound_id == bill.compound_id
    pay(bill, "10.00", "R2")
    with pytest.raises(ApplicationError) as caught:
        pay(bill, "0.01", "R3")
    assert caught.value.code == "overpayment"
    assert "超过" in caught.value.message
    assert Payment.objects.filter(bill=bill).count() == 2


def test_single_overpayment_refused(fw, bill):
    with pytest.raises(ApplicationError):
        pay(bill, "30.01", "R1")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_zero_or_negative_amount_refused(fw, bill, amount):
    with pytest.raises(ValidationError):
        pay(bill, amount, "R1")
    assert not Payment.objects.exists()


def test_void_keeps_the_row_and_frees_the_amount(fw, bill):
    payment = pay(bill, "30.00", "R1")
    staff = fw.users["firm_staff"]
    services.payment_void(payment=payment, reason="重复收款", actor=staff)
    payment.refresh_from_db()
    assert payment.voided_at is not None
    assert payment.voided_by == staff and payment.void_reason == "重复收款"
    assert services.paid_total(bill) == Decimal("0")
    pay(bill, "30.00", "R2")  # the voided payment no longer counts
    assert Payment.objects.filter(bill=bill).count() == 2


def test_void_needs_a_reason_and_happens_once(fw, bill):
    payment = pay(bill, "30.00", "R1")
    with pytest.raises(ApplicationError):
        services.payment_void(payment=payment, reason="  ", actor=fw.users["firm_staff"])
    services.payment_void(payment=payment, reason="录入错误", actor=fw.users["firm_staff"])
    with pytest.raises(ConflictError):
        services.payment_void(payment=payment, reason="again", actor=fw.users["firm_staff"])


def test_receipt_numbers_unique_per_firm(fw, bill):
    pay(bill, "5.00", "R1")
    with pytest.raises(ValidationError):
        pay(bill, "5.00", "R1")
    other = services.fee_bill_create(
        household=fw.households["B1a-c-p-b1-1"], period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 4, 30), amount_due=Decimal("80"),
    )
    pay(other, "5.00", "R1")  # another firm may use the same number
    assert Payment.objects.filter(receipt_no="R1").count() == 2


def test_payment_without_firm_in_community_led_compound(fw):
    bill = services.fee_bill_create(
        household=fw.households["A1b-c-p-b1-1"], period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 4, 30), amount_due=Decimal("48"),
    )
    payment = pay(bill, "24.00", "C1")
    assert payment.firm is None
    with pytest.raises(ValidationError):
        pay(bill, "0.50", "C1")


def test_admin_cannot_delete_payments(client, fw, bill):
    payment = pay(bill, "30.00", "R1")
    for role in ("superuser", "firm_staff"):
        client.force_login(fw.users[role])
        response = client.get(reverse("admin:properties_payment_delete", args=[payment.pk]))
        assert response.status_code == 403
        changelist = client.get(reverse("admin:properties_payment_changelist"))
        assert "delete_selected" not in changelist.content.decode()
    assert Payment.objects.filter(pk=payment.pk).exists()


def test_admin_voids_with_reason(client, fw, bill):
    payment = pay(bill, "30.00", "R1")
    client.force_login(fw.users["firm_staff"])
    url = reverse("admin:properties_payment_change", args=[payment.pk])
    response = client.post(url, {"void_reason": ""})
    assert response.status_code == 200
    assert "作废原因" in response.content.decode()
    response = client.post(url, {"void_reason": "业主退费"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.voided_by == fw.users["firm_staff"] and payment.void_reason == "业主退费"


def test_admin_records_payment_and_refuses_overpayment(client, fw, bill):
    client.force_login(fw.users["firm_staff"])
    url = reverse("admin:properties_payment_add")
    data = {"bill": bill.pk, "amount": "31.00", "paid_at_0": "2026-04-05",
            "paid_at_1": "10:00:00", "channel": "cash", "receipt_no": "A-1"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "超过" in response.content.decode()
    assert not Payment.objects.exists()
    response = client.post(url, {**data, "amount": "30.00"})
    assert response.status_code == 302
    assert Payment.objects.get().recorded_by == fw.users["firm_staff"]


def test_api_records_and_voids_payments(client, fw, bill):
    client.force_login(fw.users["firm_staff"])
    response = client.post("/api/v1/payments/", {
        "bill": bill.pk, "amount": "40.00", "paid_at": "2026-04-05T10:00:00+08:00",
        "channel": "alipay", "receipt_no": "API-1",
    }, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "overpayment"
    response = client.post("/api/v1/payments/", {
        "bill": bill.pk, "amount": "30.00", "paid_at": "2026-04-05T10:00:00+08:00",
        "channel": "alipay", "receipt_no": "API-1",
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = client.post(f"/api/v1/payments/{pk}/void/", {"reason": "测试作废"},
                           content_type="application/json")
    assert response.status_code == 200
    assert response.json()["void_reason"] == "测试作废"
    response = client.post(f"/api/v1/payments/{pk}/void/", {"reason": "again"},
                           content_type="application/json")
    assert response.status_code == 409
    assert client.delete(f"/api/v1/payments/{pk}/").status_code in (403, 405)
    assert Payment.objects.filter(pk=pk).exists()


def test_api_refuses_payment_on_another_firms_bill(client, fw, bill):
    client.force_login(fw.users["other_firm_staff"])
    response = client.post("/api/v1/payments/", {
        "bill": bill.pk, "amount": "1.00", "paid_at": "2026-04-05T10:00:00+08:00",
        "channel": "cash", "receipt_no": "X-1",
    }, content_type="application/json")
    assert response.status_code == 400
    assert "bill" in response.json()["error"]["fields"]
    assert not Payment.objects.exists()
