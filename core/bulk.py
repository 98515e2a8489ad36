"""Inserting many rows fast: PostgreSQL ``COPY ... FROM STDIN``, batched ``executemany``
elsewhere (SQLite in development and the quick test run). Rows are plain tuples in the
order of ``columns`` (attribute names of concrete fields); nothing is read back."""

import io
import json
import re
from datetime import date, datetime
from decimal import Decimal

from django.db import connection

_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_PLAIN = (int, Decimal, float, date)  # str() is already COPY's text form


def pg_text(value) -> str:
    """One value in COPY's text format (hot: called for every cell)."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES) if _SPECIAL.search(value) else value
    if kind is bool:
        return "t" if value else "f"
    if kind in _PLAIN:
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return pg_text(json.dumps(value, ensure_ascii=False))
    return pg_text(str(value))


def _db_value(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def insert_rows(model, columns: list[str], rows, *, table: str | None = None) -> int:
    """Insert ``rows`` (tuples of values for ``columns``) into ``model``'s table, or into
    ``table`` (a staging table with the model's columns)."""
    rows = list(rows)
    if not rows:
        return 0
    fields = [model._meta.get_field(name) for name in columns]
    table = connection.ops.quote_name(table or model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(pg_text(v) for v in row))
                buffer.write("\n")
            buffer.seek(0)
            cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                [tuple(_db_value(v) for v in row) for row in rows],
            )
    return len(rows)
