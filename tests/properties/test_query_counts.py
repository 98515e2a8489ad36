"""The query count of every list page and endpoint of the app stays the same from 10 to
1,000 rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from properties.models import (
    Disclosure,
    FeeBill,
    FeeImport,
    Inspection,
    InspectionItem,
    OwnersCommittee,
    Payment,
    PropertyFirm,
    RenovationProject,
    ServiceContract,
)

pytestmark = pytest.mark.django_db


def grow(fw, total):
    """Bring every model of the app to about ``total`` rows in firm 甲's compound."""
    compound = fw.compounds["A1a-c-p"]
    households = [fw.households[f"A1a-c-p-b{b}-{r}"] for b in (1, 2) for r in (1, 2)]
    now = timezone.now()
    start = FeeBill.objects.count()
    bills = FeeBill.objects.bulk_create(
        FeeBill(household=households[i % 4], compound=compound,
                period_start=datetime.date(1900 + i // 4 // 12, i // 4 % 12 + 1, 1),
                period_end=datetime.date(1900 + i // 4 // 12, i // 4 % 12 + 1, 28),
                amount_due=Decimal("50"))
        for i in range(start, total)
    )
    Payment.objects.bulk_create(
        Payment(bill=bill, compound=compound, firm=fw.firms["甲"], amount=Decimal("10"),
                paid_at=now, channel="cash", receipt_no=f"Q{bill.pk}")
        for bill in bills
    )
    count = total - Disclosure.objects.count()
    Disclosure.objects.bulk_create(
        Disclosure(compound=compound, firm=fw.firms["甲"], item="fee_standards", title="t",
                   text="x", published_at=now) for _ in range(count)
    )
    inspections = Inspection.objects.bulk_create(
        Inspection(compound=compound, contract=fw.contracts["A1a-c-p"],
                   date=datetime.date(2026, 6, 1), inspector=fw.users["superuser"])
        for _ in range(total - Inspection.objects.count())
    )
    InspectionItem.objects.bulk_create(
        InspectionItem(inspection=i, clause="保洁", passed=True) for i in inspections
    )
    OwnersCommittee.objects.bulk_create(
        OwnersCommittee(compound=compound, kind="owners_committee",
                        term_start=datetime.date(2020, 1, 1), members=5, party_members=1)
        for _ in range(total - OwnersCommittee.objects.count())
    )
    RenovationProject.objects.bulk_create(
        RenovationProject(compound=compound, year=2020, works=["roads"], budget=Decimal("1"))
        for _ in range(total - RenovationProject.objects.count())
    )
    ServiceContract.objects.bulk_create(
        ServiceContract(compound=compound, firm=fw.firms["甲"], mode="market",
                        start_date=datetime.date(2000, 1, 1), end_date=datetime.date(2000, 2, 1),
                        fee_standard=Decimal("1"), status="ended")
        for _ in range(total - ServiceContract.objects.count())
    )
    firms = PropertyFirm.objects.bulk_create(
        PropertyFirm(name=f"物业{i}", credit_code=f"X{i:017d}", ownership="private")
        for i in range(PropertyFirm.objects.count(), total)
    )
    ServiceContract.objects.bulk_create(
        ServiceContract(compound=compound, firm=firm, mode="market",
                        start_date=datetime.date(2000, 1, 1), end_date=datetime.date(2000, 2, 1),
                        fee_standard=Decimal("1"), status="ended")
        for firm in firms
    )
    for _ in range(total - FeeImport.objects.count()):
        record = FeeImport.objects.create(kind="bills", file_name="f.csv", outcome="imported",
                                          uploaded_by=fw.users["firm_staff"])
        record.compounds.add(compound)


def urls(fw):
    compound = fw.compounds["A1a-c-p"]
    return [
        *(f"/api/v1/{e}/" for e in (
            "property-firms", "service-contracts", "fee-bills", "payments", "fee-imports",
            "disclosures", "inspections", "owners-committees", "renovation-projects")),
        reverse("compound-notices", args=[compound.pk]),
        reverse("disclosure-staff-list"),
        reverse("fee-import"),
        *(reverse(f"admin:properties_{m}_changelist") for m in (
            "propertyfirm", "servicecontract", "feebill", "payment", "feeimport",
            "disclosure", "inspection", "ownerscommittee", "renovationproject")),
    ]


def counts(client, fw):
    result = {}
    for url in urls(fw):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        result[url] = len(queries)
    return result


@pytest.mark.parametrize("role", ["superuser", "firm_staff"])
def test_query_counts_do_not_grow_with_rows(client, fw, role):
    client.force_login(fw.users[role])
    grow(fw, 10)
    counts(client, fw)  # warm caches (content types, permissions)
    small = counts(client, fw)
    grow(fw, 1000)
    large = counts(client, fw)
    assert large == small
    assert FeeBill.objects.count() == 1000 and Disclosure.objects.count() == 1000
