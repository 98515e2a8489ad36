"""Firms, contracts and firm staff over the shared test world.

firm "甲" serves A1a-c-p (public trusteeship); firm "乙" serves B1a-c-p (market);
A1b-c-p is community-led (no firm); A2a-c-p has no contract.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone
from openpyxl import Workbook

from communities.models import StaffRole
from properties import fee_import_services, services
from properties.credit_code import check_character
from tests.factories import staff_user


def valid_code(first17: str) -> str:
    return first17 + check_character(first17)


@pytest.fixture
def fw(world):
    """The world with firms, contracts, one monthly bill per household and firm staff."""
    firm_a = services.firm_create(
        name="甲物业服务有限公司", credit_code=valid_code("91610204MA6X5A2B3"),
        ownership="state_owned",
    )
    firm_b = services.firm_create(
        name="乙物业服务有限公司", credit_code=valid_code("91210702MA0Y7C4D5"),
        ownership="private",
    )
    world.firms = {"甲": firm_a, "乙": firm_b}
    world.contracts = {
        "A1a-c-p": services.contract_start(
            compound=world.compounds["A1a-c-p"], firm=firm_a, mode="public_trusteeship",
            start_date=datetime.date(2026, 1, 1), fee_standard=Decimal("0.50"),
        ),
        "B1a-c-p": services.contract_start(
            compound=world.compounds["B1a-c-p"], firm=firm_b, mode="market",
            start_date=datetime.date(2025, 1, 1), fee_standard=Decimal("1.00"),
        ),
        "A1b-c-p": services.contract_start(
            compound=world.compounds["A1b-c-p"], firm=None, mode="community_led",
            start_date=datetime.date(2025, 6, 1), fee_standard=Decimal("0.30"),
        ),
    }
    world.users["firm_staff"] = staff_user("firm_a_staff", StaffRole.FIRM_STAFF, firm_a)
    world.users["other_firm_staff"] = staff_user("firm_b_staff", StaffRole.FIRM_STAFF, firm_b)
    for compound in world.compounds.values():
        compound.refresh_from_db()
    return world


@pytest.fixture
def bill(fw):
    """A bill of 40 yuan (due) − 10 (waived) = 30 payable, in firm 甲's compound."""
    return services.fee_bill_create(
        household=fw.households["A1a-c-p-b1-1"], period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 4, 30), amount_due=Decimal("40.00"),
        amount_waived=Decimal("10.00"),
    )


def paid_at(day=5):
    return timezone.make_aware(datetime.datetime(2026, 4, day, 10, 0))


def csv_file(rows, *, header, encoding="utf-8-sig", name="fees.csv"):
    """An uploaded-file-like CSV with ``header`` and ``rows`` (lists of cell values)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, *, header, name="fees.xlsx"):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


BILL_HEADER = ["小区", "楼栋", "单元", "房号", "账期开始", "账期结束", "应收金额", "减免金额"]
PAYMENT_HEADER = ["小区", "楼栋", "单元", "房号", "账期开始", "收据号", "缴费金额", "缴费时间",
                  "缴费方式"]


def import_file(kind, upload, user):
    """Import ``upload`` the way production does: ``fee_import_queue`` stores it and
    queues the Celery task on commit; the task (eager here) runs ``fee_import_run``.
    Returns the ended FeeImport. A file refused before it is queued (its type, a CSV
    header) raises ApplicationError, as the page and the API answer it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        record = fee_import_services.fee_import_queue(
            kind=kind, upload=upload, file_name=upload.name, actor=user
        )
    record.refresh_from_db()
    return record
