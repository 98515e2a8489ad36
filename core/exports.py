"""Excel (.xlsx) exports with Chinese headers, streamed row by row (openpyxl write-only).

Numbers stay numbers: a rate is a ratio with a percent format, money has two decimals and
thousands separators, dates are dates — so officials can sum and chart them in Excel/WPS.
Wrap a value to choose its format (``percent``, ``money``, ``number``, ``points_change``);
plain ints, floats and Decimals are numbers, dates and times get a date format. Text is
always written as text (the cell's data type is string), so a value starting with
``=``, ``+``, ``-`` or ``@`` is never run as a formula and shows no apostrophe.

Each sheet has a bold, frozen header row with an autofilter, and column widths fitted to
the header and the first rows. The file name carries the unit and the day of export.
"""

import datetime
import itertools
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .timeutils import local_today

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PERCENT_FORMAT = "0.0%"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 6, 60
DATED_NAME = re.compile(r"\d{4}-\d{2}(-\d{2})?$")


@dataclass(frozen=True)
class Formatted:
    """A number (or None, an empty cell) with the Excel number format to show it in."""

    value: object
    number_format: str


def percent(ratio) -> Formatted:
    """A ratio (0.875) shown as a percentage (87.5%)."""
    return Formatted(ratio, PERCENT_FORMAT)


def money(amount) -> Formatted:
    return Formatted(amount, MONEY_FORMAT)


def number(value, places: int = 2) -> Formatted:
    return Formatted(value, "#,##0" + ("." + "0" * places if places else ""))


def points_change(ratio_change) -> Formatted:
    """A change of a rate (0.601) shown in percentage points (+60.1 个百分点), as a number."""
    suffix = _("percentage points")
    value = None if ratio_change is None else Decimal(ratio_change) * 100
    return Formatted(value, f'+0.0" {suffix}";-0.0" {suffix}";0.0" {suffix}"')


def export_filename(title, *, unit=None, day: datetime.date | None = None) -> str:
    """"<title>-<unit>-<YYYY-MM-DD>.xlsx" (the unit left out when there is none)."""
    parts = [str(title)]
    if unit:
        parts.append(str(unit))
    parts.append(f"{day or local_today():%Y-%m-%d}")
    return "-".join(parts) + ".xlsx"


def _final_filename(filename: str, unit) -> str:
    stem = filename[:-5] if filename.lower().endswith(".xlsx") else filename
    if DATED_NAME.search(stem) and not unit:
        return f"{stem}.xlsx"
    return export_filename(stem, unit=unit)


def xlsx_response(
    *, filename: str, sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence],
    unit=None,
) -> FileResponse:
    """Write ``rows`` in write-only mode (constant memory) and send the file. The name gets
    the ``unit`` and today's date unless it already ends with a date."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    rows = iter(rows)
    sample = [[_cell_parts(v) for v in row] for row in itertools.islice(rows, WIDTH_SAMPLE_ROWS)]
    _set_widths(sheet, headers, sample)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = _text_cell(sheet, str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for parts in sample:
        sheet.append([_make_cell(sheet, *p) for p in parts])
        count += 1
    for row in rows:
        sheet.append([_make_cell(sheet, *_cell_parts(v)) for v in row])
        count += 1
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    # The file is handed to (and closed by) the streaming response.
    tmp = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(tmp)
    tmp.seek(0)
    response = FileResponse(tmp, content_type=XLSX_CONTENT_TYPE)
    name = _final_filename(filename, unit)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response


def _sheet_title(title) -> str:
    # Excel refuses : \ / ? * [ ] in sheet names.
    return re.sub(r"[:\\/?*\[\]]", " ", str(title))[:31] or "Sheet"


def _cell_parts(value) -> tuple[object, str | None, bool]:
    """(value, number format, is text) of one exported value."""
    if isinstance(value, Formatted):
        inner = value.value
        if inner is None:
            return None, None, False
        if isinstance(inner, Decimal | int | float) and not isinstance(inner, bool):
            return inner, value.number_format, False
        return str(inner), None, True
    if value is None:
        return None, None, False
    if isinstance(value, bool):
        return ("是" if value else "否"), None, True
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value, DATETIME_FORMAT, False
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT, False
    if isinstance(value, int | float | Decimal):
        return value, None, False
    return str(value), None, True


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # text, never a formula (no apostrophe needed)
    return cell


def _make_cell(sheet, value, number_format, is_text) -> WriteOnlyCell:
    if is_text:
        return _text_cell(sheet, value)
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    return cell


def _display_width(value, number_format) -> int:
    if value is None:
        return 0
    if number_format in (DATE_FORMAT,):
        return 10
    if number_format == DATETIME_FORMAT:
        return 16
    text = str(value)
    if number_format and '"' in number_format:
        return len(text) + 10
    if number_format:
        return len(text) + 3
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _set_widths(sheet, headers, sample) -> None:
    for index, header in enumerate(headers, start=1):
        widest = _display_width(str(header), None)
        for parts in sample:
            if index <= len(parts):
                value, number_format, _text = parts[index - 1]
                widest = max(widest, _display_width(value, number_format))
        width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
