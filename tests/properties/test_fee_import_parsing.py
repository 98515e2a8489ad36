"""Reading an import file, without the database: the file types, the encodings Excel
writes (UTF-8 with or without BOM, GBK), the header row in Chinese or English, and every
kind of cell, each refusal with the message the row report shows."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from properties.fee_import import ImportRefused, cells, check_upload, read_rows, template_headers
from properties.fee_import.cells import CellError
from properties.fee_import.columns import header_positions
from properties.fee_import.report import refusal_fields

from .conftest import BILL_HEADER, PAYMENT_HEADER, csv_file, xlsx_file

SHANGHAI = ZoneInfo("Asia/Shanghai")
ROW = ["A1a-c-p", "1号楼", "", "101", "2026-04-01", "2026-04-30", "40", "0"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refusal(call, *args, **kwargs):
    with pytest.raises(ImportRefused) as refused:
        result = call(*args, **kwargs)
        if result is not None:
            list(result)
    return refused.value.errors


# The file ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_rows_are_read_in_every_encoding_excel_writes(encoding):
    upload = csv_file([ROW], header=BILL_HEADER, encoding=encoding)
    assert list(read_rows(upload, "fees.csv")) == [(1, BILL_HEADER), (2, ROW)]


def test_xlsx_rows_are_read_with_their_numbers():
    upload = xlsx_file([ROW, ROW], header=BILL_HEADER)
    numbers = [number for number, _values in read_rows(upload, "FEES.XLSX")]
    assert numbers == [1, 2, 3]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fees.xlsx", b"not a zip at all", "not a real .xlsx"),
        ("fees.csv", b"PK\x03\x04xx", "name it .xlsx"),
        ("fees.txt", b"a,b\n", "Only .xlsx and .csv"),
        ("fees", b"a,b\n", "Only .xlsx and .csv"),
    ],
)
def test_wrong_file_types_are_refused_as_a_whole(name, content, message):
    errors = refusal(read_rows, SimpleUploadedFile(name, content), name)
    assert len(errors) == 1 and errors[0][0] == 0 and message in errors[0][1]


def test_a_broken_workbook_is_refused():
    errors = refusal(read_rows, io.BytesIO(b"PK\x03\x04" + b"\0" * 64), "fees.xlsx")
    assert errors[0][0] == 0


def test_a_csv_in_another_encoding_is_refused():
    content = "小区,楼栋\n".encode("gb18030") + b"\xff\xfe\xfd" * 10
    errors = refusal(read_rows, io.BytesIO(content), "fees.csv")
    assert errors == [(0, "The CSV file is not in UTF-8 or GBK encoding.")]


def test_check_upload_reads_the_csv_header_only():
    good = csv_file([ROW], header=BILL_HEADER)
    assert check_upload(kind="bills", upload=good, file_name="fees.csv") is None
    assert good.tell() == 0  # rewound for storing
    bad = csv_file([ROW], header=["小区", "楼栋"])
    [(row, message)] = refusal(check_upload, kind="bills", upload=bad, file_name="fees.csv")
    assert row == 1 and message.startswith("Missing columns: ") and "Room" in message
    empty = SimpleUploadedFile("fees.csv", b"\n,,\n")
    assert refusal(check_upload, kind="bills", upload=empty, file_name="fees.csv") == [
        (0, "The file has no data rows.")]
    # A workbook's header waits for the import (opening it is slow): only its type here.
    workbook = xlsx_file([ROW], header=["小区"])
    assert check_upload(kind="bills", upload=workbook, file_name="fees.xlsx") is None


# The header ----------------------------------------------------------------------------


def test_headers_in_chinese_or_english_in_any_order():
    assert header_positions("bills", 1, list(reversed(BILL_HEADER)))["compound"] == 7
    english = ["room", "COMPOUND", "Building", "Period start", "Period end", "Amount due"]
    positions = header_positions("bills", 3, english)
    assert positions == {"room": 0, "compound": 1, "building": 2, "period_start": 3,
                         "period_end": 4, "amount_due": 5}  # unit and waiver are optional


def test_a_missing_column_names_it_and_the_header_row():
    [(row, message)] = refusal(header_positions, "payments", 4, PAYMENT_HEADER[:-1])
    assert row == 4 and message == "Missing columns: Payment channel. Use the template."


def test_templates_are_always_in_chinese():
    assert template_headers("bills") == BILL_HEADER
    assert template_headers("payments") == PAYMENT_HEADER


# Cells ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("40", "40.00"), ("1,234.5", "1234.50"), ("1，234元", "1234.00"), (40, "40.00"),
     (39.9, "39.90"), ("0", "0.00"), (" 12.30 ", "12.30")],
)
def test_amounts_as_people_write_them(value, expected):
    assert cells.amount(value, "Amount due") == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "message"),
    [("12,3a", "Amount due is not an amount of money: 123a"),
     ("", "Amount due is missing."), (None, "Amount due is missing."),
     ("-5", "Amount due cannot be negative."),
     ("1.234", "Amount due has more than two decimal places."),
     ("100000000", "Amount due is too large."),
     ("NaN", "Amount due is not an amount of money."),
     (True, "Amount due is not an amount of money.")],
)
def test_bad_amounts_are_explained(value, message):
    with pytest.raises(CellError) as refused:
        cells.amount(value, "Amount due")
    assert str(refused.value) == message


@pytest.mark.parametrize(
    "value",
    ["2026-04-01", "2026/4/1", "2026.04.01", "2026年4月1日", datetime.date(2026, 4, 1),
     datetime.datetime(2026, 4, 1, 15, 30)],
)
def test_dates_in_the_formats_people_use(value):
    assert cells.date(value, "Period start") == datetime.date(2026, 4, 1)


def test_a_bad_date_is_explained():
    with pytest.raises(CellError) as refused:
        cells.date("2026-13-01", "Period start")
    assert str(refused.value) == (
        "Period start is not a date (write it as 2026-04-01): 2026-13-01")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-04-05 10:00", (10, 0)), ("2026/04/05 10:00:30", (10, 0)),
     ("2026-04-05T10:00", (10, 0)), ("2026-04-05", (0, 0)),
     (datetime.datetime(2026, 4, 5, 10, 0), (10, 0))],
)
def test_payment_times_are_shanghai_time(value, expected):
    moment = cells.moment(value, "Paid at").astimezone(SHANGHAI)
    assert moment.date() == datetime.date(2026, 4, 5)
    assert (moment.hour, moment.minute) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("现金", "cash"), ("微信支付", "wechat"), ("WeChat Pay", "wechat"), ("支付宝", "alipay"),
     (" 银行转账 ", "bank")],
)
def test_payment_channels_in_chinese_or_english(value, expected):
    assert cells.channel(value, "Payment channel") == expected


def test_an_unknown_channel_is_explained():
    with pytest.raises(CellError) as refused:
        cells.channel("比特币", "Payment channel")
    assert "比特币" in str(refused.value) and "现金" in str(refused.value)


def test_cell_text_is_trimmed_and_whole_numbers_lose_their_point():
    assert cells.text(None) == ""
    assert cells.text(101.0) == "101"
    assert cells.text("  1号楼 ") == "1号楼"
    assert len(cells.text("x" * 500)) == cells.MAX_CELL


# The report ----------------------------------------------------------------------------


def test_the_report_lists_rows_in_order():
    fields = refusal_fields(None, [(7, "b"), (3, "a"), (0, "file")])
    assert fields["outcome"] == "refused" and fields["error_count"] == 3
    assert fields["rows_imported"] == 0
    assert [e["row"] for e in fields["errors"]] == [0, 3, 7]
