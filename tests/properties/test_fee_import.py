"""Importing bills and payments: every row validated, all or nothing, a report naming each
bad row; only compounds in the user's scope."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from communities.models import Household
from core.errors import ApplicationError
from properties import services
from properties.models import FeeBill, FeeImport, Payment

from .conftest import BILL_HEADER, PAYMENT_HEADER, csv_file, import_file, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_households(fw):
    """100 more households in A1a-c-p, 1号楼 unit 1, rooms R001…R100."""
    compound = fw.compounds["A1a-c-p"]
    building = fw.buildings["A1a-c-p-b1"]
    Household.objects.bulk_create(
        Household(compound=compound, building=building, unit="1", room=f"R{i:03d}",
                  floor_area=Decimal("80.00"), owner_name="业主")
        for i in range(1, 101)
    )
    return fw


def month(offset):
    return datetime.date(2020 + offset // 12, offset % 12 + 1, 1)


def bill_rows(count, *, compound="A1a-c-p"):
    """``count`` valid bill rows: 100 households × count/100 months."""
    for index in range(count):
        start = month(index // 100)
        end = (month(index // 100 + 1) - datetime.timedelta(days=1))
        yield [compound, "1号楼", "1", f"R{index % 100 + 1:03d}", start.isoformat(),
               end.isoformat(), "40.00", "0"]


def run(kind, upload, user):
    return import_file(kind, upload, user)


def test_three_bad_rows_among_1000_import_nothing_and_are_listed(many_households):
    rows = list(bill_rows(1000))
    rows[99][3] = "X999"                 # row 101: unknown household
    rows[499][6] = "12,3a"                # row 501: malformed amount
    rows[899] = list(rows[5])             # row 901: same household and period as row 7
    record = run("bills", csv_file(rows, header=BILL_HEADER),
                 many_households.users["firm_staff"])
    assert record.outcome == "refused"
    assert FeeBill.objects.count() == 0
    assert record.error_count == 3
    assert [e["row"] for e in record.errors] == [101, 501, 901]
    messages = [e["message"] for e in record.errors]
    assert "没有" in messages[0] and "X999" in messages[0]
    assert "不是有效金额" in messages[1]
    assert "第7行" in messages[2]
    assert record.rows_total == 1000 and record.rows_imported == 0


def test_a_valid_xlsx_file_imports_every_row(many_households):
    user = many_households.users["firm_staff"]
    record = run("bills", xlsx_file(list(bill_rows(1000)), header=BILL_HEADER), user)
    assert record.outcome == "imported", record.errors
    assert record.rows_imported == 1000
    assert FeeBill.objects.count() == 1000
    assert FeeBill.objects.filter(
        compound=many_households.compounds["A1a-c-p"], fee_import=record
    ).count() == 1000
    assert list(record.compounds.all()) == [many_households.compounds["A1a-c-p"]]
    assert record.uploaded_by == user and record.file_name == "fees.xlsx"


def test_another_firms_compound_is_refused(fw):
    rows = [["B1a-c-p", "1号楼", "", "101", "2026-04-01", "2026-04-30", "80", "0"],
            ["A1a-c-p", "1号楼", "", "101", "2026-04-01", "2026-04-30", "40", "0"]]
    record = run("bills", csv_file(rows, header=BILL_HEADER), fw.users["firm_staff"])
    assert record.outcome == "refused"
    assert [e["row"] for e in record.errors] == [2]
    assert "不在您的管辖范围内" in record.errors[0]["message"]
    assert FeeBill.objects.count() == 0


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({0: "不存在小区"}, "没有名为"),
        ({4: "2026-13-01"}, "不是有效日期"),
        ({5: "2026-03-31"}, "结束日期早于开始日期"),
        ({6: "-5"}, "不能为负数"),
        ({6: "1.234"}, "小数超过两位"),
        ({7: "50"}, "减免金额大于应收金额"),
        ({3: ""}, "楼栋和房号必须填写"),
    ],
)
def test_each_kind_of_bad_bill_row_is_explained(fw, cells, expected):
    row = ["A1a-c-p", "1号楼", "", "101", "2026-04-01", "2026-04-30", "40", "0"]
    for index, value in cells.items():
        row[index] = value
    record = run("bills", csv_file([row], header=BILL_HEADER), fw.users["firm_staff"])
    assert record.outcome == "refused"
    assert record.errors[0]["row"] == 2
    assert expected in record.errors[0]["message"]


def test_bill_already_in_the_database_is_refused(fw, bill):
    rows = [["A1a-c-p", "1号楼", "", "101", "2026-04-01", "2026-04-30", "40", "10"]]
    record = run("bills", csv_file(rows, header=BILL_HEADER), fw.users["firm_staff"])
    assert record.outcome == "refused"
    assert "本账期的账单已存在" in record.errors[0]["message"]
    assert FeeBill.objects.count() == 1


def test_missing_columns_refuse_the_file(fw):
    with pytest.raises(ApplicationError) as refused:  # a CSV header: before it is queued
        run("bills", csv_file([["A1a-c-p"]], header=["小区", "楼栋"]), fw.users["firm_staff"])
    assert refused.value.code == "import_refused"
    assert "缺少列" in refused.value.message and "房号" in refused.value.message
    assert FeeImport.objects.count() == 0
    # A workbook's header is checked by the import itself.
    record = run("bills", xlsx_file([["A1a-c-p"]], header=["小区", "楼栋"]),
                 fw.users["firm_staff"])
    assert record.outcome == "refused"
    assert "缺少列" in record.errors[0]["message"] and "房号" in record.errors[0]["message"]


def test_gbk_csv_and_english_headers_are_read(fw):
    rows = [["A1a-c-p", "1号楼", "", "101", "2026/4/1", "2026年4月30日", "40元", ""]]
    upload = csv_file(rows, header=BILL_HEADER, encoding="gb18030")
    record = run("bills", upload, fw.users["firm_staff"])
    assert record.outcome == "imported", record.errors
    english = ["Compound", "Building", "Unit", "Room", "Period start", "Period end",
               "Amount due", "Amount waived"]
    rows = [["A1a-c-p", "1号楼", "", "102", "2026-04-01", "2026-04-30", "40", "0"]]
    record = run("bills", csv_file(rows, header=english), fw.users["firm_staff"])
    assert record.outcome == "imported", record.errors
    assert FeeBill.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [("fees.xlsx", b"not a zip at all"), ("fees.txt", b"a,b\n"), ("fees.csv", b"PK\x03\x04xx")],
)
def test_wrong_file_types_are_refused(fw, name, content):
    with pytest.raises(ApplicationError) as refused:
        run("bills", SimpleUploadedFile(name, content), fw.users["firm_staff"])
    assert refused.value.code == "import_refused" and refused.value.message
    assert FeeImport.objects.count() == 0


def _payment_row(room, receipt, amount, when="2026-04-05 10:00", channel="微信支付"):
    return ["A1a-c-p", "1号楼", "", room, "2026-04-01", receipt, amount, when, channel]


def test_payments_import_counts_earlier_rows_of_the_file(fw, bill):
    services.payment_record(bill=bill, amount=Decimal("5"), paid_at=bill.created_at,
                            channel="cash", receipt_no="OLD-1")
    rows = [_payment_row("101", "P-1", "15"), _payment_row("101", "P-2", "10"),
            _payment_row("101", "P-3", "0.01")]  # 5 + 15 + 10 = 30 = payable; then over
    record = run("payments", csv_file(rows, header=PAYMENT_HEADER), fw.users["firm_staff"])
    assert record.outcome == "refused"
    assert [e["row"] for e in record.errors] == [4]
    assert "超额缴费" in record.errors[0]["message"]
    assert Payment.objects.count() == 1


def test_valid_payments_import(fw, bill):
    rows = [_payment_row("101", "P-1", "15", channel="支付宝"),
            _payment_row("101", "P-2", "15", when="2026-04-06", channel="现金")]
    record = run("payments", xlsx_file(rows, header=PAYMENT_HEADER), fw.users["firm_staff"])
    assert record.outcome == "imported", record.errors
    payments = Payment.objects.order_by("receipt_no")
    assert [(p.receipt_no, p.channel, p.firm_id, p.bill_id) for p in payments] == [
        ("P-1", "alipay", fw.firms["甲"].pk, bill.pk), ("P-2", "cash", fw.firms["甲"].pk, bill.pk),
    ]
    assert services.paid_total(bill) == Decimal("30")


def test_bad_payment_rows_are_each_explained(fw, bill):
    rows = [
        _payment_row("101", "P-1", "5"),
        _payment_row("101", "P-1", "5"),                 # 3: receipt repeated in the file
        _payment_row("102", "P-3", "5"),                 # 4: no bill for that household
        _payment_row("101", "P-4", "5", channel="比特币"),  # 5: unknown channel
        _payment_row("101", "P-5", "5", when="2099-01-01"),  # 6: in the future
        _payment_row("101", "", "5"),                    # 7: no receipt number
        _payment_row("101", "P-7", "0"),                 # 8: zero
    ]
    record = run("payments", csv_file(rows, header=PAYMENT_HEADER), fw.users["firm_staff"])
    assert [e["row"] for e in record.errors] == [3, 4, 5, 6, 7, 8]
    assert Payment.objects.count() == 0


@pytest.mark.django_db(transaction=True)  # the upload is queued on commit: eager task
def test_import_page_for_firm_staff(client, many_households):
    client.force_login(many_households.users["firm_staff"])
    page = client.get(reverse("fee-import"))
    assert page.status_code == 200 and "导入物业费账单和缴费记录" in page.content.decode()
    rows = list(bill_rows(300))
    rows[10][6] = "abc"
    response = client.post(reverse("fee-import"), {
        "kind": "bills", "file": csv_file(rows, header=BILL_HEADER)})
    assert response.status_code == 302
    report = client.get(response["Location"])
    body = report.content.decode()
    assert "未导入任何数据" in body and "1 个错误行" in body and ">12<" in body
    assert FeeBill.objects.count() == 0
    rows[10][6] = "40"
    response = client.post(reverse("fee-import"), {
        "kind": "bills", "file": xlsx_file(rows, header=BILL_HEADER)})
    assert FeeBill.objects.count() == 300
    assert "已导入 300 行" in client.get(response["Location"]).content.decode()


def test_import_page_refuses_other_roles_and_other_firms_reports(client, fw):
    assert client.get(reverse("fee-import")).status_code == 302  # login first
    client.force_login(fw.users["street_staff"])
    assert client.get(reverse("fee-import")).status_code == 403
    rows = [["A1a-c-p", "1号楼", "", "101", "2026-04-01", "2026-04-30", "40", "0"]]
    record = run("bills", csv_file(rows, header=BILL_HEADER), fw.users["firm_staff"])
    client.force_login(fw.users["other_firm_staff"])
    assert client.get(reverse("fee-import-detail", args=[record.pk])).status_code == 404
    client.force_login(fw.users["community_staff"])  # A1a-c-p is in the community
    assert client.get(reverse("fee-import-detail", args=[record.pk])).status_code == 200


@pytest.mark.parametrize("kind", ["bills", "payments"])
def test_templates_have_chinese_headers(client, fw, kind):
    client.force_login(fw.users["firm_staff"])
    response = client.get(reverse("fee-import-template", args=[kind, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)),
                          read_only=True).worksheets[0]
    header = next(sheet.iter_rows(values_only=True))
    assert list(header) == (BILL_HEADER if kind == "bills" else PAYMENT_HEADER)
    response = client.get(reverse("fee-import-template", args=[kind, "csv"]))
    assert response.content.decode("utf-8-sig").startswith("小区,楼栋,单元,房号,账期开始")


@pytest.mark.django_db(transaction=True)  # the upload is queued on commit: eager task
def test_api_import(client, fw):
    client.force_login(fw.users["firm_staff"])
    good = [["A1a-c-p", "1号楼", "", "101", "2026-04-01", "2026-04-30", "40", "0"]]
    bad = [["B1a-c-p", "1号楼", "", "101", "2026-04-01", "2026-04-30", "40", "0"]]
    response = client.post("/api/v1/fee-imports/", {
        "kind": "bills", "file": csv_file(bad, header=BILL_HEADER)})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "import_refused"
    assert error["fields"]["file"][0].startswith("第2行：")
    response = client.post("/api/v1/fee-imports/", {
        "kind": "bills", "file": csv_file(good, header=BILL_HEADER)})
    assert response.status_code == 201
    assert response.json()["rows_imported"] == 1
    listed = client.get("/api/v1/fee-imports/").json()["results"]
    assert {row["outcome"] for row in listed} == {"imported", "refused"}
    assert FeeImport.objects.count() == 2
