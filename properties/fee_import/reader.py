"""Streaming the rows of an uploaded file: .xlsx (openpyxl, read-only) or .csv (UTF-8,
or GBK as Excel writes a Chinese "CSV" on Windows). Nothing but the current row is kept."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .cells import text
from .columns import COLUMNS, header_positions
from .report import ImportRefused


def detect_encoding(head: bytes) -> str:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"  # what Excel writes for a Chinese "CSV" on Windows


def _read_csv(upload) -> Iterator[tuple[int, list]]:
    upload.seek(0)
    encoding = detect_encoding(upload.read(65536))
    upload.seek(0)
    wrapper = io.TextIOWrapper(upload, encoding=encoding, errors="strict", newline="")
    try:
        reader = csv.reader(wrapper)
        try:
            for values in reader:
                yield reader.line_num, values
        except UnicodeDecodeError:
            raise ImportRefused([(0, _("The CSV file is not in UTF-8 or GBK encoding."))]) from None
        except csv.Error as exc:
            raise ImportRefused(
                [(reader.line_num, _("The CSV file is malformed: %(error)s") % {"error": exc})]
            ) from None
    finally:
        wrapper.detach()


def _read_xlsx(upload) -> Iterator[tuple[int, list]]:
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open means "not a workbook"
        raise ImportRefused([(0, _("The file could not be read as an Excel workbook."))]) from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


def read_rows(upload, file_name: str) -> Iterator[tuple[int, list]]:
    """(row number as the user sees it, cell values) for every row of the file."""
    name = (file_name or "").lower()
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if name.endswith(".xlsx"):
        if not head.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(upload):
            raise ImportRefused([(0, _("The file is not a real .xlsx workbook."))])
        upload.seek(0)
        return _read_xlsx(upload)
    if name.endswith(".csv"):
        if head.startswith(b"PK\x03\x04"):
            raise ImportRefused([(0, _("The file is a workbook: name it .xlsx, not .csv."))])
        return _read_csv(upload)
    raise ImportRefused([(0, _("Only .xlsx and .csv files can be imported."))])


def check_upload(*, kind: str, upload, file_name: str) -> None:
    """The cheap checks made before an upload is queued: the file's type and, for a CSV
    file, its header row (the first non-empty one). Raises ImportRefused.

    A workbook's header is checked by the import: opening it reads all its shared
    strings first (about 2 s for 100,000 rows), too slow for the request."""
    if kind not in COLUMNS:
        raise ValueError(kind)
    rows = read_rows(upload, file_name)  # checks the type; reads nothing yet
    try:
        if file_name.lower().endswith(".xlsx"):
            return
        for number, values in rows:
            if any(text(v) for v in values):
                header_positions(kind, number, values)
                break
        else:
            raise ImportRefused([(0, _("The file has no data rows."))])
    finally:
        rows.close()
        upload.seek(0)
