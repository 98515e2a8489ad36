"""A refused file and its report: the rows, each with why it was refused."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import ImportOutcome

MAX_REPORTED_ERRORS = 1000


class ImportRefused(Exception):
    """The whole file is refused; ``errors`` lists (row, message)."""

    def __init__(self, errors):
        super().__init__("import refused")
        self.errors = errors


def race_message() -> str:
    return _("Someone else imported the same records at the same time; nothing was "
             "imported. Try again.")


def gone_message() -> str:
    return _("The uploaded file is no longer there; nothing was imported. Upload it again.")


def refusal_fields(importer, errors) -> dict:
    """The FeeImport fields of a refused import: counts and the sorted row report."""
    error_count = importer.error_count if importer and importer.error_count else len(errors)
    rows_total = importer.rows_total if importer else 0
    return {
        "outcome": ImportOutcome.REFUSED, "rows_total": rows_total,
        "rows_processed": rows_total, "rows_imported": 0, "error_count": error_count,
        "errors": [{"row": row, "message": message} for row, message in sorted(errors)],
    }


def progress_key(import_id: int) -> str:
    """The cache key of a running import's rows read so far."""
    return f"properties:fee-import-progress:{import_id}"
