"""Reading fee bills and payments files: no writes here.

``reader`` streams the rows of an .xlsx or .csv file (UTF-8 or GBK), ``columns`` knows
the header of each kind, ``cells`` turns one cell into an amount, a date or a channel,
``places`` looks compounds and households up within the uploader's area, and ``rows``
checks every row and yields the valid ones, in batches, for the service to insert
(``properties.services.fee_import_run``); ``report`` holds the refusal and its report.
"""

from .columns import COLUMNS, template_headers
from .reader import check_upload, read_rows
from .report import ImportRefused, progress_key, refusal_fields
from .rows import IMPORTERS, BillImporter, PaymentImporter, RowImporter

__all__ = [
    "COLUMNS",
    "IMPORTERS",
    "BillImporter",
    "ImportRefused",
    "PaymentImporter",
    "RowImporter",
    "check_upload",
    "progress_key",
    "read_rows",
    "refusal_fields",
    "template_headers",
]
