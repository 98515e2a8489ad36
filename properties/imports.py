"""Import of fee bills and payments from .xlsx or .csv files.

The file is streamed (openpyxl in read-only mode, the csv module), every row is validated,
and either every row goes in (bulk inserts in batches, inside one transaction) or none
does, with a report naming each bad row and why. Nothing but id lookup dictionaries is
kept in memory, so a file of 100,000 rows imports in one go.

Pages and the API queue an upload (``queue_import``: type and header row checked, the
file stored under a private path, a FeeImport "queued"); the Celery task calls
``run_queued``, which imports it once, reports progress, and deletes the stored file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import logging
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access.scoping import scope_queryset
from communities.metrics.writer import mark_dirty_many, recent_months
from communities.models import Compound, Household

from .models import (
    ContractStatus,
    FeeBill,
    FeeImport,
    ImportKind,
    ImportOutcome,
    Payment,
    PaymentChannel,
    ServiceContract,
)
from .ownership import fee_ledger_q

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
MAX_REPORTED_ERRORS = 1000
MAX_CELL = 200
PROGRESS_EVERY = 1000  # rows between two progress reports of a queued import
PROGRESS_TTL = 6 * 3600
UPLOAD_DIR = "private/fee-imports"  # never under a served URL: the files hold residents' data
PENDING = (ImportOutcome.QUEUED, ImportOutcome.RUNNING)


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


def _header_positions(kind: str, number: int, values) -> dict[str, int]:
    """Column key → position in the header row; refuses a header missing a column."""
    aliases = _header_aliases(kind)
    positions: dict[str, int] = {}
    for index, value in enumerate(values):
        text = _text(value)
        key = aliases.get(text) or aliases.get(text.lower())
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


class ImportRefused(Exception):
    """The whole file is refused; ``errors`` lists (row, message)."""

    def __init__(self, errors):
        super().__init__("import refused")
        self.errors = errors


# Reading the file ----------------------------------------------------------------------


def _detect_encoding(head: bytes) -> str:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"  # what Excel writes for a Chinese "CSV" on Windows


def _read_csv(upload) -> Iterator[tuple[int, list]]:
    upload.seek(0)
    encoding = _detect_encoding(upload.read(65536))
    upload.seek(0)
    text = io.TextIOWrapper(upload, encoding=encoding, errors="strict", newline="")
    try:
        reader = csv.reader(text)
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
        text.detach()


def _read_xlsx(upload) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

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


# Cell parsing --------------------------------------------------------------------------


class CellError(Exception):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:MAX_CELL]


def _amount(value, label) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("%(column)s is not an amount of money.") % {"column": label})
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = _text(value).replace(",", "").replace("，", "").removesuffix("元").strip()
        if not text:
            raise CellError(_("%(column)s is missing.") % {"column": label})
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(
                _("%(column)s is not an amount of money: %(value)s")
                % {"column": label, "value": text}
            ) from None
    if not number.is_finite():
        raise CellError(_("%(column)s is not an amount of money.") % {"column": label})
    if number < 0:
        raise CellError(_("%(column)s cannot be negative.") % {"column": label})
    if number != number.quantize(Decimal("0.01")):
        raise CellError(_("%(column)s has more than two decimal places.") % {"column": label})
    if number >= Decimal("100000000"):
        raise CellError(_("%(column)s is too large.") % {"column": label})
    return number.quantize(Decimal("0.01"))


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
)


def _date(value, label) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        raise CellError(_("%(column)s is missing.") % {"column": label})
    if len(text) == 10 and text[4] == "-":
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(
        _("%(column)s is not a date (write it as 2026-04-01): %(value)s")
        % {"column": label, "value": text}
    )


def _datetime(value, label) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        text = _text(value)
        if not text:
            raise CellError(_("%(column)s is missing.") % {"column": label})
        moment = None
        for fmt in DATETIME_FORMATS:
            try:
                moment = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            moment = datetime.datetime.combine(_date(text, label), datetime.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


CHANNEL_ALIASES = {
    "现金": PaymentChannel.CASH, "cash": PaymentChannel.CASH,
    "微信": PaymentChannel.WECHAT, "微信支付": PaymentChannel.WECHAT,
    "wechat": PaymentChannel.WECHAT, "wechat pay": PaymentChannel.WECHAT,
    "支付宝": PaymentChannel.ALIPAY, "alipay": PaymentChannel.ALIPAY,
    "银行转账": PaymentChannel.BANK, "转账": PaymentChannel.BANK, "银行": PaymentChannel.BANK,
    "bank": PaymentChannel.BANK, "bank transfer": PaymentChannel.BANK,
}


def _channel(value, label) -> str:
    text = _text(value).lower()
    if text in CHANNEL_ALIASES:
        return CHANNEL_ALIASES[text]
    raise CellError(
        _("%(column)s must be one of 现金, 微信支付, 支付宝, 银行转账: %(value)s")
        % {"column": label, "value": _text(value)}
    )


# Looking up compounds and households ---------------------------------------------------


class Places:
    """Id lookups, loaded per compound on first use: compound name → id (within the
    user's scope), (building, unit, room) → household id, compound → contracted firm."""

    def __init__(self, user):
        self.user = user
        self.in_scope: dict[str, list[int]] = {}
        for pk, name in scope_queryset(Compound.objects.all(), user).values_list("pk", "name"):
            self.in_scope.setdefault(name, []).append(pk)
        # …of which those whose fee ledger the user keeps (properties.ownership).
        self.owned = set(scope_queryset(Compound.objects.filter(fee_ledger_q(user)), user)
                         .values_list("pk", flat=True)) if user is not None else None
        self._outside: dict[str, bool] = {}
        self._households: dict[int, dict[str, int]] = {}
        self.firm_of: dict[int, int | None] = {}
        self.seen_compounds: set[int] = set()

    def compound_id(self, name: str) -> int:
        if not name:
            raise CellError(_("The compound is missing."))
        ids = self.in_scope.get(name)
        if ids is None:
            if name not in self._outside:
                self._outside[name] = Compound.objects.filter(name=name).exists()
            if self._outside[name]:
                raise CellError(
                    _("The compound %(name)s is outside your area.") % {"name": name}
                )
            raise CellError(_("There is no compound called %(name)s.") % {"name": name})
        if len(ids) > 1:
            raise CellError(
                _("More than one compound in your area is called %(name)s; import them "
                  "separately from the admin.") % {"name": name}
            )
        if self.owned is not None and ids[0] not in self.owned:
            raise CellError(
                _("The fees of %(name)s are kept by its property firm (or, for a "
                  "community-led compound, by its community).") % {"name": name}
            )
        self.seen_compounds.add(ids[0])
        return ids[0]

    def _load(self, compound_id: int) -> dict[str, int]:
        lookup = self._households.get(compound_id)
        if lookup is None:
            lookup = {
                _room_key(building, unit, room): pk
                for pk, building, unit, room in Household.objects.filter(
                    compound_id=compound_id
                ).values_list("pk", "building__name", "unit", "room").iterator(chunk_size=5000)
            }
            self._households[compound_id] = lookup
            contract = (
                ServiceContract.objects.filter(
                    compound_id=compound_id, status=ContractStatus.ACTIVE
                ).values_list("firm_id", flat=True).first()
            )
            self.firm_of[compound_id] = contract
        return lookup

    def household_id(self, compound_id: int, compound_name, building, unit, room) -> int:
        if not building or not room:
            raise CellError(_("The building and the room are required."))
        lookup = self._load(compound_id)
        unit = unit.removesuffix("单元").strip()
        for candidate in (building, f"{building}号楼"):
            pk = lookup.get(_room_key(candidate, unit, room))
            if pk is not None:
                return pk
        place = {"building": building, "unit": unit, "room": room, "compound": compound_name}
        if unit:
            raise CellError(
                _("There is no household %(building)s, unit %(unit)s, room %(room)s in "
                  "%(compound)s.") % place
            )
        raise CellError(
            _("There is no household %(building)s, room %(room)s in %(compound)s.") % place
        )


def _room_key(building: str, unit: str, room: str) -> str:
    return f"{building}\x1f{unit}\x1f{room}"


# The import ----------------------------------------------------------------------------


class _Importer:
    kind: str

    def __init__(self, *, user, fee_import_id=None, progress=None):
        self.user = user
        self.progress = progress  # called with the rows read so far, every PROGRESS_EVERY
        self.places = Places(user)
        self.errors: list[tuple[int, str]] = []
        self.error_count = 0
        self.rows_total = 0
        self.rows_imported = 0
        self.pending: list = []
        self.fee_import_id = fee_import_id
        self.labels = {c.key: str(c.label) for c in COLUMNS[self.kind]}

    def error(self, row: int, messages) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((row, "；".join(str(m) for m in messages)))

    def run(self, rows: Iterator[tuple[int, list]]) -> None:
        header = None
        for number, values in rows:
            if header is None:
                if not any(_text(v) for v in values):
                    continue
                header = self._header(number, values)
                continue
            if not any(_text(v) for v in values):
                continue
            self.rows_total += 1
            if self.progress is not None and self.rows_total % PROGRESS_EVERY == 0:
                self.progress(self.rows_total)
            cells = {key: (values[i] if i < len(values) else None) for key, i in header.items()}
            messages: list[str] = []
            parsed = self.parse(number, cells, messages)
            if messages:
                self.error(number, messages)
            else:
                self.pending.append((number, parsed))
                if len(self.pending) >= BATCH_SIZE:
                    self.flush()
        if header is None or self.rows_total == 0:
            raise ImportRefused([(0, _("The file has no data rows."))])
        self.flush()

    def _header(self, number: int, values) -> dict[str, int]:
        return _header_positions(self.kind, number, values)

    def place(self, cells, messages):
        compound_name = _text(cells.get("compound"))
        try:
            compound_id = self.places.compound_id(compound_name)
            household_id = self.places.household_id(
                compound_id, compound_name, _text(cells.get("building")),
                _text(cells.get("unit")), _text(cells.get("room")),
            )
        except CellError as exc:
            messages.append(str(exc))
            return None, None
        return compound_id, household_id

    def field(self, parser, cells, key, messages, **kwargs):
        try:
            return parser(cells.get(key), self.labels[key], **kwargs)
        except CellError as exc:
            messages.append(str(exc))
            return None

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        valid = self.check_batch(batch)
        if self.error_count == 0 and valid:
            self.insert(valid)
            self.rows_imported += len(valid)


class BillImporter(_Importer):
    kind = ImportKind.BILLS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first_row: dict[tuple[int, datetime.date], int] = {}

    def parse(self, number, cells, messages):
        compound_id, household_id = self.place(cells, messages)
        start = self.field(_date, cells, "period_start", messages)
        end = self.field(_date, cells, "period_end", messages)
        due = self.field(_amount, cells, "amount_due", messages)
        waived = Decimal("0")
        if _text(cells.get("amount_waived")):
            waived = self.field(_amount, cells, "amount_waived", messages)
        if start and end and end < start:
            messages.append(_("The period ends before it starts."))
        if due is not None and waived is not None and waived > due:
            messages.append(_("The amount waived is more than the amount due."))
        if household_id and start:
            key = (household_id, start)
            if key in self.first_row:
                messages.append(
                    _("The same household and period already appear in row %(row)s.")
                    % {"row": self.first_row[key]}
                )
            elif not messages:
                self.first_row[key] = number
        if messages:
            return None
        return FeeBill(
            household_id=household_id, compound_id=compound_id, period_start=start,
            period_end=end, amount_due=due, amount_waived=waived,
            fee_import_id=self.fee_import_id,
        )

    def check_batch(self, batch):
        households = {bill.household_id for _row, bill in batch}
        starts = {bill.period_start for _row, bill in batch}
        # Rows repeated within the file were caught while parsing; this finds bills
        # that were in the database before the import.
        existing = set(
            FeeBill.objects.filter(household_id__in=households, period_start__in=starts)
            .exclude(fee_import_id=self.fee_import_id)
            .values_list("household_id", "period_start")
        )
        valid = []
        for row, bill in batch:
            if (bill.household_id, bill.period_start) in existing:
                self.error(row, [_("This household already has a bill for this period.")])
            else:
                valid.append(bill)
        return valid

    def insert(self, bills):
        FeeBill.objects.bulk_create(bills, batch_size=BATCH_SIZE)


class PaymentImporter(_Importer):
    kind = ImportKind.PAYMENTS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.paid_in_file: dict[int, Decimal] = {}
        self.receipt_rows: dict[tuple, int] = {}
        self.now = timezone.now()

    def parse(self, number, cells, messages):
        compound_id, household_id = self.place(cells, messages)
        start = self.field(_date, cells, "period_start", messages)
        amount = self.field(_amount, cells, "amount", messages)
        paid_at = self.field(_datetime, cells, "paid_at", messages)
        channel = self.field(_channel, cells, "channel", messages)
        receipt_no = _text(cells.get("receipt_no"))[:40]
        if not receipt_no:
            messages.append(_("The receipt number is missing."))
        if amount is not None and amount <= 0:
            messages.append(_("The amount paid must be greater than zero."))
        if paid_at is not None and paid_at > self.now + datetime.timedelta(minutes=5):
            messages.append(_("The payment time is in the future."))
        if messages:
            return None
        return {
            "household_id": household_id, "compound_id": compound_id, "period_start": start,
            "payment": Payment(
                compound_id=compound_id, firm_id=self.places.firm_of.get(compound_id),
                amount=amount, paid_at=paid_at, channel=channel, receipt_no=receipt_no,
                recorded_by=self.user, fee_import_id=self.fee_import_id,
            ),
        }

    def _receipt_key(self, payment: Payment) -> tuple:
        if payment.firm_id:
            return ("firm", payment.firm_id, payment.receipt_no)
        return ("compound", payment.compound_id, payment.receipt_no)

    def check_batch(self, batch):
        households = {p["household_id"] for _row, p in batch}
        starts = {p["period_start"] for _row, p in batch}
        paid_filter = Q(payments__voided_at__isnull=True)
        if self.fee_import_id:
            paid_filter &= ~Q(payments__fee_import_id=self.fee_import_id)
        bills = {
            (household_id, start): (pk, due - waived, paid)
            for pk, household_id, start, due, waived, paid in FeeBill.objects.filter(
                household_id__in=households, period_start__in=starts
            ).annotate(
                paid=Coalesce(Sum("payments__amount", filter=paid_filter), Decimal("0"))
            ).values_list(
                "pk", "household_id", "period_start", "amount_due", "amount_waived", "paid"
            )
        }
        receipts = {p["payment"].receipt_no for _row, p in batch}
        used = Payment.objects.filter(receipt_no__in=receipts)
        if self.fee_import_id:
            used = used.exclude(fee_import_id=self.fee_import_id)
        used_keys = {
            ("firm", firm_id, no) if firm_id else ("compound", compound_id, no)
            for firm_id, compound_id, no in used.values_list("firm_id", "compound_id", "receipt_no")
        }
        valid = []
        for row, parsed in batch:
            payment = parsed["payment"]
            messages = []
            bill = bills.get((parsed["household_id"], parsed["period_start"]))
            if bill is None:
                messages.append(
                    _("There is no bill for this household starting %(date)s.")
                    % {"date": parsed["period_start"].isoformat()}
                )
            key = self._receipt_key(payment)
            if key in used_keys:
                messages.append(_("Receipt number %(no)s has already been used.")
                                % {"no": payment.receipt_no})
            elif key in self.receipt_rows:
                messages.append(
                    _("Receipt number %(no)s already appears in row %(row)s.")
                    % {"no": payment.receipt_no, "row": self.receipt_rows[key]}
                )
            if bill is not None:
                bill_id, payable, paid = bill
                before = paid + self.paid_in_file.get(bill_id, Decimal("0"))
                if before + payment.amount > payable:
                    messages.append(
                        _("Overpayment: %(amount)s yuan would exceed the %(outstanding)s yuan "
                          "still owed on this bill (payments earlier in the file counted).")
                        % {"amount": payment.amount,
                           "outstanding": max(payable - before, Decimal("0"))}
                    )
            if messages:
                self.error(row, messages)
                continue
            self.receipt_rows[key] = row
            self.paid_in_file[bill_id] = self.paid_in_file.get(bill_id, Decimal("0")) + (
                payment.amount
            )
            payment.bill_id = bill_id
            valid.append(payment)
        return valid

    def insert(self, payments):
        Payment.objects.bulk_create(payments, batch_size=BATCH_SIZE)
        self._audit(payments)

    def _audit(self, payments):
        """One audit event per compound: how many payments and how much the file added."""
        from communities import audit
        from communities.models import AuditAction, Compound

        totals: dict[int, list] = {}
        for payment in payments:
            entry = totals.setdefault(payment.compound_id, [0, Decimal("0")])
            entry[0] += 1
            entry[1] += payment.amount
        compounds = Compound.objects.select_related("community__street__district__city")
        for compound in compounds.filter(pk__in=totals):
            count, amount = totals[compound.pk]
            audit.record(
                action=AuditAction.PAYMENT_RECORDED, actor=self.user,
                object_type="properties.feeimport", object_id=self.fee_import_id,
                place=compound, changes={"payments": [None, count], "amount": [None, amount]},
            )


IMPORTERS = {ImportKind.BILLS: BillImporter, ImportKind.PAYMENTS: PaymentImporter}


def run_import(*, kind: str, upload, file_name: str, user) -> FeeImport:
    """Import ``upload`` now; returns the FeeImport record (outcome imported or refused)."""
    if kind not in IMPORTERS:
        raise ValueError(kind)
    file_name = (file_name or "")[-200:]
    importer = None
    try:
        with transaction.atomic():
            record = FeeImport.objects.create(
                kind=kind, file_name=file_name, uploaded_by=user,
                outcome=ImportOutcome.IMPORTED,
            )
            importer = IMPORTERS[kind](user=user, fee_import_id=record.pk)
            importer.run(read_rows(upload, file_name))
            if importer.error_count:
                raise ImportRefused(importer.errors)
            _finish(record, importer)
            return record
    except ImportRefused as refused:
        errors = refused.errors
    except IntegrityError:
        errors = [(0, _race_message())]
    with transaction.atomic():
        record = FeeImport.objects.create(
            kind=kind, file_name=file_name, uploaded_by=user,
            **_refusal_fields(importer, errors),
        )
        if importer is not None:
            record.compounds.set(importer.places.seen_compounds)
    return record


def _race_message() -> str:
    return _("Someone else imported the same records at the same time; nothing was "
             "imported. Try again.")


def _finish(record: FeeImport, importer: _Importer) -> None:
    """Inside the import's transaction: the record says imported, with its counts."""
    record.outcome = ImportOutcome.IMPORTED
    record.rows_total = record.rows_processed = importer.rows_total
    record.rows_imported = importer.rows_imported
    record.error_count = 0
    record.errors = []
    record.save(update_fields=["outcome", "rows_total", "rows_processed", "rows_imported",
                               "error_count", "errors"])
    record.compounds.set(importer.places.seen_compounds)
    # Bills and payments of these compounds changed: their recent months are
    # recomputed by the next incremental refresh.
    mark_dirty_many(
        (compound_id, period)
        for compound_id in importer.places.seen_compounds
        for period in recent_months(13)
    )


def _refusal_fields(importer, errors) -> dict:
    error_count = importer.error_count if importer and importer.error_count else len(errors)
    rows_total = importer.rows_total if importer else 0
    return {
        "outcome": ImportOutcome.REFUSED, "rows_total": rows_total,
        "rows_processed": rows_total, "rows_imported": 0, "error_count": error_count,
        "errors": [{"row": row, "message": message} for row, message in sorted(errors)],
    }


# Queued imports ------------------------------------------------------------------------


def check_upload(*, kind: str, upload, file_name: str) -> None:
    """The cheap checks made before an upload is queued: the file's type and, for a CSV
    file, its header row (the first non-empty one). Raises ImportRefused.

    A workbook's header is checked by the import: opening it reads all its shared
    strings first (about 2 s for 100,000 rows), too slow for the request."""
    if kind not in IMPORTERS:
        raise ValueError(kind)
    rows = read_rows(upload, file_name)  # checks the type; reads nothing yet
    try:
        if file_name.lower().endswith(".xlsx"):
            return
        for number, values in rows:
            if any(_text(v) for v in values):
                _header_positions(kind, number, values)
                break
        else:
            raise ImportRefused([(0, _("The file has no data rows."))])
    finally:
        rows.close()
        upload.seek(0)


def queue_import(*, kind: str, upload, file_name: str, user) -> FeeImport:
    """Check ``upload`` (type, header row), store it under a private path and record a
    queued FeeImport. Raises ImportRefused, with nothing stored, when the checks fail.
    The caller queues ``run_queued(record.pk)``."""
    file_name = (file_name or "")[-200:]
    check_upload(kind=kind, upload=upload, file_name=file_name)
    suffix = ".xlsx" if file_name.lower().endswith(".xlsx") else ".csv"
    upload.seek(0)
    path = default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}{suffix}", upload)
    try:
        return FeeImport.objects.create(
            kind=kind, file_name=file_name, uploaded_by=user, outcome=ImportOutcome.QUEUED,
            stored_file=path,
        )
    except BaseException:
        default_storage.delete(path)
        raise


def progress_key(import_id: int) -> str:
    return f"properties:fee-import-progress:{import_id}"


def _report_progress(import_id: int, rows: int) -> None:
    # The import's own transaction is not committed until the end: progress goes
    # through the cache (shared with the web processes when REDIS_URL is set).
    try:
        cache.set(progress_key(import_id), rows, PROGRESS_TTL)
    except Exception:  # noqa: BLE001 - progress is a nicety, never a reason to fail
        logger.warning("fee import %s: could not record progress", import_id, exc_info=True)


def rows_processed(record: FeeImport) -> int:
    """Data rows read so far by a running import (all of them once it has ended)."""
    if not record.is_pending:
        return record.rows_processed
    try:
        live = cache.get(progress_key(record.pk))
    except Exception:  # noqa: BLE001
        live = None
    return max(record.rows_processed, live or 0)


def run_queued(import_id: int) -> FeeImport | None:
    """Import a queued upload, once. Safe to call again for the same import (a
    redelivered task): an import that has ended is not run again, and a run that died
    mid-way left nothing behind (its transaction was rolled back), so it runs afresh."""
    with transaction.atomic():
        record = FeeImport.objects.select_for_update().filter(pk=import_id).first()
        if record is None:
            return None
        if record.is_pending:
            record.outcome = ImportOutcome.RUNNING
            record.save(update_fields=["outcome"])
    if not record.is_pending or not record.stored_file:
        if record.is_pending:  # queued without a file: cannot happen through queue_import
            record = _refuse(record.pk, None, [(0, _gone_message())])
        _discard_upload(record)
        return record
    try:
        upload = default_storage.open(record.stored_file, "rb")
    except OSError:
        logger.warning("fee import %s: stored file %s is missing", record.pk,
                       record.stored_file)
        record = _refuse(record.pk, None, [(0, _gone_message())])
    else:
        try:
            with upload:
                record = _import_pending(record, upload)
        except Exception:
            logger.exception("fee import %s failed", record.pk)
            record = _refuse(record.pk, None, [(0, _(
                "The import failed unexpectedly; nothing was imported. Try again."))])
    _discard_upload(record)
    return record


def abandon_import(import_id: int, message: str) -> FeeImport | None:
    """End a queued import as refused with ``message`` (it could not be queued) and
    delete its stored file; an import that has started or ended is left alone."""
    with transaction.atomic():
        record = FeeImport.objects.select_for_update().filter(pk=import_id).first()
        if record is None or record.outcome != ImportOutcome.QUEUED:
            return record
        for field, value in _refusal_fields(None, [(0, message)]).items():
            setattr(record, field, value)
        record.save()
    _discard_upload(record)
    return record


def _gone_message() -> str:
    return _("The uploaded file is no longer there; nothing was imported. Upload it again.")


def _import_pending(record: FeeImport, upload) -> FeeImport:
    importer = None
    try:
        with transaction.atomic():
            # Held until the end: a second delivery of the same task waits here, then
            # finds the import ended.
            record = FeeImport.objects.select_for_update().get(pk=record.pk)
            if not record.is_pending:
                return record
            importer = IMPORTERS[record.kind](
                user=record.uploaded_by, fee_import_id=record.pk,
                progress=lambda rows: _report_progress(record.pk, rows),
            )
            importer.run(read_rows(upload, record.file_name))
            if importer.error_count:
                raise ImportRefused(importer.errors)
            _finish(record, importer)
            return record
    except ImportRefused as refused:
        errors = refused.errors
    except IntegrityError:
        errors = [(0, _race_message())]
    return _refuse(record.pk, importer, errors)


def _refuse(import_id: int, importer, errors) -> FeeImport:
    with transaction.atomic():
        record = FeeImport.objects.select_for_update().get(pk=import_id)
        if not record.is_pending:
            return record
        for field, value in _refusal_fields(importer, errors).items():
            setattr(record, field, value)
        record.save()
        if importer is not None:
            record.compounds.set(importer.places.seen_compounds)
    return record


def _discard_upload(record: FeeImport) -> None:
    """The import has ended: delete the stored file and the progress counter."""
    if record.is_pending:
        return
    if record.stored_file:
        try:
            default_storage.delete(record.stored_file)
        except OSError:
            logger.warning("fee import %s: could not delete %s", record.pk, record.stored_file,
                           exc_info=True)
            return
        FeeImport.objects.filter(pk=record.pk).update(stored_file="")
        record.stored_file = ""
    with contextlib.suppress(Exception):  # a stale counter expires by itself
        cache.delete(progress_key(record.pk))
