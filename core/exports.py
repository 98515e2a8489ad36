"""Excel (.xlsx) exports with Chinese headers, streamed row by row."""

import tempfile
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    *, filename: str, sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> FileResponse:
    """Write ``rows`` in write-only mode (constant memory) and send the file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(sheet_title)[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell_value(v) for v in row])
    # The file is handed to (and closed by) the streaming response.
    tmp = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(tmp)
    tmp.seek(0)
    response = FileResponse(tmp, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def _cell_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "tzinfo") and value.tzinfo is not None:

        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, int | float) or hasattr(value, "as_tuple"):
        return value
    text = str(value)
    # A cell starting with = + - @ would be run as a formula by Excel (CSV/XLSX injection).
    if text[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return text
