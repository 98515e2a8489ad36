"""Exports (issue 15, item 3): numbers are numbers with a number format, text is never a
formula and carries no apostrophe, the header is frozen and filtered, the file is named
after the unit and the day. Every export of the portal is opened with openpyxl."""

import datetime
import io
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from communities import services as community_services
from communities.models import VulnerableGroup
from core.exports import money, percent, points_change, xlsx_response
from core.timeutils import local_today
from properties import services as property_services

pytestmark = pytest.mark.django_db

NUMERIC_LOOKING = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?\s*(%|个百分点| pp)?$")


def open_book(response):
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(body))


def filename(response) -> str:
    return unquote(response["Content-Disposition"].split("UTF-8''", 1)[1])


def check_sheet(sheet):
    """Frozen, filtered header; no formula; no apostrophe; numeric columns hold numbers."""
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows())
    assert rows, "no header"
    assert sheet.auto_filter.ref.startswith("A1:")
    columns_with_numbers = set()
    for row in rows[1:]:
        for index, cell in enumerate(row):
            assert cell.data_type != "f", f"formula in {cell.coordinate}: {cell.value!r}"
            if isinstance(cell.value, int | float | Decimal) and not isinstance(cell.value, bool):
                columns_with_numbers.add(index)
    for row in rows[1:]:
        for index, cell in enumerate(row):
            if isinstance(cell.value, str):
                assert not cell.value.startswith("'"), f"apostrophe in {cell.coordinate}"
                if index in columns_with_numbers:
                    assert not NUMERIC_LOOKING.match(cell.value), (
                        f"a number as text in a numeric column: {cell.coordinate} "
                        f"{cell.value!r}"
                    )


def test_values_keep_their_types_and_text_is_never_a_formula(settings):
    rows = [
        ("=HYPERLINK(\"http://evil\")", "+60.1 个百分点", "-1", "@SUM(A1)",
         percent(Decimal("0.875")),
         money(Decimal("1234567.5")), points_change(Decimal("0.601")),
         datetime.date(2026, 11, 3),
         datetime.datetime(2026, 11, 3, 1, 30, tzinfo=datetime.UTC), 42, True, None),
    ]
    headers = ["text", "change text", "minus", "at", "rate", "money", "change", "date",
               "time", "count", "flag", "empty"]

    response = xlsx_response(filename="台账.xlsx", sheet_title="ledger", headers=headers,
                             rows=rows, unit="A1区")

    assert filename(response) == f"台账-A1区-{local_today():%Y-%m-%d}.xlsx"
    book = open_book(response)
    sheet = book.active
    check_sheet(sheet)
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [c.value for c in cells[:4]] == ["=HYPERLINK(\"http://evil\")", "+60.1 个百分点", "-1",
                                            "@SUM(A1)"]
    assert all(c.data_type == "s" for c in cells[:4])
    assert (cells[4].value, cells[4].number_format) == (0.875, "0.0%")
    assert (cells[5].value, cells[5].number_format) == (1234567.5, "#,##0.00")
    assert cells[6].value == pytest.approx(60.1) and "个百分点" in cells[6].number_format
    assert cells[7].value == datetime.datetime(2026, 11, 3)
    assert cells[7].number_format == "yyyy-mm-dd"
    assert cells[8].value == datetime.datetime(2026, 11, 3, 9, 30)  # Asia/Shanghai
    assert cells[9].value == 42 and cells[10].value == "是" and cells[11].value is None
    assert sheet.column_dimensions["A"].width >= len("=HYPERLINK(\"http://evil\")")
    assert sheet.auto_filter.ref == "A1:L2"


def test_a_dated_name_keeps_its_date():
    response = xlsx_response(filename="A1-Metric cards-2026-11.xlsx", sheet_title="x",
                             headers=["a"], rows=[])
    assert filename(response) == "A1-Metric cards-2026-11.xlsx"


@pytest.fixture
def filled(world):
    resident = community_services.vulnerable_resident_create(
        grid=world.grids["A1a-c-g"], name="=cmd|' /C calc'!A0", address="+1号楼",
        group=VulnerableGroup.ELDERLY_ALONE,
        registered_on=local_today() - datetime.timedelta(days=3), phone="13712345678",
    )
    world.resident = resident
    return world


STAFF_EXPORTS = [
    "/staff/compounds/export.xlsx",
    "/staff/households/export.xlsx",
    "/staff/patrols/export.xlsx",
    "/staff/patrols/missed.xlsx",
    "/staff/sites/export.xlsx",
    "/staff/complaints/export.xlsx",
]
DASHBOARD_TABLES = ["cards", "trend", "ranking", "modes", "before-after"]
PARTY_LEDGERS = ["organizations", "members", "meetings", "action-items", "meeting-gaps",
                 "points", "reviews", "assessments", "reports", "missing-reports", "lists",
                 "funds", "allocations"]


@pytest.mark.parametrize("url", STAFF_EXPORTS)
def test_each_staff_export_opens_with_numbers_as_numbers(filled, client, url):
    client.force_login(filled.users["community_staff"])
    response = client.get(url)
    book = open_book(response)
    check_sheet(book.active)
    assert filename(response).endswith(f"{local_today():%Y-%m-%d}.xlsx")
    if not url.startswith("/staff/complaints/"):
        assert "-A1a-c-" in filename(response)  # the unit


def test_the_compound_export_holds_numbers(filled, client):
    client.force_login(filled.users["community_staff"])
    sheet = open_book(client.get("/staff/compounds/export.xlsx")).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows and all(isinstance(r[5], int) for r in rows)  # declared households


@pytest.mark.parametrize("table", DASHBOARD_TABLES)
def test_each_dashboard_export_opens_with_numbers_as_numbers(filled, client, table):
    client.force_login(filled.users["district_official"])
    response = client.get(f"/dashboard/export/{table}.xlsx",
                          {"metric": "complaint_response_rate"})
    check_sheet(open_book(response).active)


@pytest.mark.parametrize("ledger", PARTY_LEDGERS)
def test_each_party_export_opens_with_numbers_as_numbers(filled, client, ledger):
    client.force_login(filled.users["superuser"])
    response = client.get(f"/party/export/{ledger}.xlsx")
    check_sheet(open_book(response).active)


PROPERTY_LEDGERS = ["bills", "payments", "arrears", "disclosures", "inspections", "contracts",
                    "firms", "renovations", "committees"]


@pytest.fixture
def fees(filled):
    """A community-led contract with an inspection, a committee, a renovation project, a
    disclosure, and two bills: one paid in full, one partly paid (an arrear)."""
    w = filled
    compound = w.compounds["A1a-c-p"]
    staff = w.users["community_staff"]
    contract = property_services.contract_start(
        actor=w.users["district_official"], compound=compound, firm=None,
        mode="community_led", start_date=datetime.date(2026, 1, 1),
        fee_standard=Decimal("0.50"),
    )
    property_services.inspection_record(
        contract=contract, date=datetime.date(2026, 3, 2), inspector=staff,
        items=[{"clause": "保洁", "passed": True}, {"clause": "=1+1", "passed": False}],
    )
    property_services.owners_committee_create(
        compound=compound, kind="owners_committee", term_start=datetime.date(2025, 1, 1),
        term_end=None, members=5, party_members=2,
    )
    property_services.renovation_project_create(
        compound=compound, year=2026, works=["lifts", "roads"], budget=Decimal("1234567.89"),
    )
    property_services.disclosure_publish(
        compound=compound, item="fee_standards", title="收费标准", text="每月每平方米0.50元",
        actor=staff,
    )
    household = w.households["A1a-c-p-b1-1"]
    paid = property_services.fee_bill_create(
        household=household, period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31), amount_due=Decimal("40.00"),
    )
    owed = property_services.fee_bill_create(
        household=household, period_start=datetime.date(2026, 2, 1),
        period_end=datetime.date(2026, 2, 28), amount_due=Decimal("1200.00"),
    )
    moment = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC)
    property_services.payment_record(bill=paid, amount=Decimal("40.00"), paid_at=moment,
                                     channel="cash", receipt_no="-R1", actor=staff)
    property_services.payment_record(bill=owed, amount=Decimal("200.00"), paid_at=moment,
                                     channel="cash", receipt_no="R2", actor=staff)
    w.owed = owed
    return w


@pytest.mark.parametrize("ledger", PROPERTY_LEDGERS)
def test_each_property_export_opens_with_numbers_as_numbers(fees, client, ledger):
    client.force_login(fees.users["community_staff"])
    response = client.get(f"/staff/properties/export/{ledger}.xlsx")
    check_sheet(open_book(response).active)
    assert fees.communities["A1a-c"].name in filename(response)


def test_the_arrears_list_names_the_unpaid_bill_with_amounts_and_months(fees, client):
    client.force_login(fees.users["community_staff"])
    sheet = open_book(client.get("/staff/properties/export/arrears.xlsx")).active
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 1
    row = rows[0]
    assert row[5].value == datetime.datetime(2026, 2, 1)
    assert (row[7].value, row[8].value, row[9].value) == (1200, 200, 1000)
    assert row[9].number_format == "#,##0.00"
    assert isinstance(row[10].value, int) and row[10].value >= 9  # months since Feb 2026
    page = client.get("/staff/fees/arrears/")
    html = page.content.decode()
    assert page.status_code == 200, html
    assert "1,000.00" in html or "1000.00" in html, html[html.find("id=\"arrears\""):][:1500]


def test_property_exports_are_scoped(fees, client):
    client.force_login(fees.users["grid_worker"])
    assert client.get("/staff/properties/export/arrears.xlsx").status_code == 403
    client.force_login(fees.users["other_district_official"]
                       if "other_district_official" in fees.users else fees.users["nobody"])
    response = client.get("/staff/properties/export/bills.xlsx")
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert len(list(open_book(response).active.iter_rows(min_row=2))) == 0
    assert client.get("/staff/properties/export/nonsense.xlsx").status_code in (403, 404)


def test_the_audit_log_exports_for_officials(fees, client):
    client.force_login(fees.users["district_official"])
    response = client.get("/staff/audit/export.xlsx")
    sheet = open_book(response).active
    check_sheet(sheet)
    assert len(list(sheet.iter_rows(min_row=2))) >= 1  # the contract started
    client.force_login(fees.users["community_staff"])
    assert client.get("/staff/audit/export.xlsx").status_code == 403
