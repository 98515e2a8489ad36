"""Checking every row of a file: each parsed, checked against the file's earlier rows
and the database, and either collected into the row report or yielded, in batches, for
the service to insert (``properties.services``). Reads only; nothing is written here."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import FeeBill, ImportKind, Payment
from . import cells as cell
from .cells import CellError, text
from .columns import COLUMNS, header_positions
from .places import Places
from .report import MAX_REPORTED_ERRORS, ImportRefused

BATCH_SIZE = 2000
PROGRESS_EVERY = 1000  # rows between two progress reports of a queued import


class RowImporter:
    """The rows of one file, checked; ``batches`` yields the valid ones to insert. While
    a row has been refused nothing more is yielded (all rows go in or none)."""

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

    def batches(self, rows: Iterator[tuple[int, list]]) -> Iterator[list]:
        """Read ``rows``; yield each batch of valid rows (unsaved FeeBill or Payment
        objects) that must be inserted before the next is asked for. Raises
        ImportRefused when the file has no header or no data rows."""
        header = None
        for number, values in rows:
            if header is None:
                if not any(text(v) for v in values):
                    continue
                header = self._header(number, values)
                continue
            if not any(text(v) for v in values):
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
                    yield from self.flush()
        if header is None or self.rows_total == 0:
            raise ImportRefused([(0, _("The file has no data rows."))])
        yield from self.flush()

    def _header(self, number: int, values) -> dict[str, int]:
        return header_positions(self.kind, number, values)

    def place(self, cells, messages):
        compound_name = text(cells.get("compound"))
        try:
            compound_id = self.places.compound_id(compound_name)
            household_id = self.places.household_id(
                compound_id, compound_name, text(cells.get("building")),
                text(cells.get("unit")), text(cells.get("room")),
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

    def flush(self) -> Iterator[list]:
        """Check the pending rows against the database; yield the valid ones while no
        row of the file has been refused."""
        batch, self.pending = self.pending, []
        if not batch:
            return
        valid = self.check_batch(batch)
        if self.error_count == 0 and valid:
            self.rows_imported += len(valid)
            yield valid


class BillImporter(RowImporter):
    kind = ImportKind.BILLS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first_row: dict[tuple[int, datetime.date], int] = {}

    def parse(self, number, cells, messages):
        compound_id, household_id = self.place(cells, messages)
        start = self.field(cell.date, cells, "period_start", messages)
        end = self.field(cell.date, cells, "period_end", messages)
        due = self.field(cell.amount, cells, "amount_due", messages)
        waived = Decimal("0")
        if text(cells.get("amount_waived")):
            waived = self.field(cell.amount, cells, "amount_waived", messages)
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


class PaymentImporter(RowImporter):
    kind = ImportKind.PAYMENTS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.paid_in_file: dict[int, Decimal] = {}
        self.receipt_rows: dict[tuple, int] = {}
        self.now = timezone.now()

    def parse(self, number, cells, messages):
        compound_id, household_id = self.place(cells, messages)
        start = self.field(cell.date, cells, "period_start", messages)
        amount = self.field(cell.amount, cells, "amount", messages)
        paid_at = self.field(cell.moment, cells, "paid_at", messages)
        channel = self.field(cell.channel, cells, "channel", messages)
        receipt_no = text(cells.get("receipt_no"))[:40]
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


IMPORTERS = {ImportKind.BILLS: BillImporter, ImportKind.PAYMENTS: PaymentImporter}
