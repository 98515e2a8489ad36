"""The columns of each kind of file and how a header row is read."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import ImportKind
from .cells import text
from .report import ImportRefused


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy translation; the file header is its Chinese text (or the English)
    required: bool = True


COMMON_COLUMNS = [
    Column("compound", gettext_lazy("Compound")),
    Column("building", gettext_lazy("Building")),
    Column("unit", gettext_lazy("Unit"), required=False),
    Column("room", gettext_lazy("Room")),
    Column("period_start", gettext_lazy("Period start")),
]
COLUMNS = {
    ImportKind.BILLS: [
        *COMMON_COLUMNS,
        Column("period_end", gettext_lazy("Period end")),
        Column("amount_due", gettext_lazy("Amount due")),
        Column("amount_waived", gettext_lazy("Amount waived"), required=False),
    ],
    ImportKind.PAYMENTS: [
        *COMMON_COLUMNS,
        Column("receipt_no", gettext_lazy("Receipt number")),
        Column("amount", gettext_lazy("Amount paid")),
        Column("paid_at", gettext_lazy("Paid at")),
        Column("channel", gettext_lazy("Payment channel")),
    ],
}


def template_headers(kind: str) -> list[str]:
    """The headers of the downloadable template: always the Chinese ones, so a file
    prepared by anyone imports the same way."""
    with translation.override("zh-hans"):
        return [str(c.label) for c in COLUMNS[kind]]


def header_positions(kind: str, number: int, values) -> dict[str, int]:
    """Column key → position in the header row; refuses a header missing a column."""
    aliases = _header_aliases(kind)
    positions: dict[str, int] = {}
    for index, value in enumerate(values):
        cell = text(value)
        key = aliases.get(cell) or aliases.get(cell.lower())
        if key and key not in positions:
            positions[key] = index
    missing = [str(c.label) for c in COLUMNS[kind] if c.required and c.key not in positions]
    if missing:
        raise ImportRefused(
            [(number, _("Missing columns: %(columns)s. Use the template.")
              % {"columns": "、".join(missing)})]
        )
    return positions


def _header_aliases(kind: str) -> dict[str, str]:
    aliases = {}
    for column in COLUMNS[kind]:
        with translation.override("zh-hans"):
            aliases[str(column.label)] = column.key
        with translation.override("en"):
            aliases[str(column.label).lower()] = column.key
    return aliases
