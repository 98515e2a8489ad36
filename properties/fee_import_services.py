"""Every write of a fee import: the queue lifecycle of an uploaded bills or payments
file. Queued (checked, stored under a private path), run once by the Celery task
``properties.tasks.run_fee_import`` (all rows or none, progress through the cache),
the stored file deleted when it ends; a quarter-hourly sweep queues again the imports
whose task was lost. The file is read and checked by ``properties.fee_import``, which
writes nothing. (Kept apart from ``properties.services`` only for the length.)"""

import contextlib
import datetime
import logging
import uuid
from decimal import Decimal
from functools import partial

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import audit
from communities.metrics.writer import mark_dirty_many, recent_months
from communities.models import AuditAction, Compound
from core.errors import ApplicationError

from . import tasks
from .fee_import import IMPORTERS, ImportRefused, check_upload, progress_key, read_rows
from .fee_import.report import gone_message, race_message, refusal_fields
from .models import FeeBill, FeeImport, ImportKind, ImportOutcome, Payment

logger = logging.getLogger(__name__)

FEE_IMPORT_UPLOAD_DIR = "private/fee-imports"  # never under a served URL: residents' data
FEE_IMPORT_PROGRESS_TTL = 6 * 3600
# Longer than any import takes once started; a task older than this was lost.
STALE_IMPORT_AFTER = datetime.timedelta(minutes=10)


@transaction.atomic
def fee_import_queue(*, kind: str, upload, file_name: str, actor) -> FeeImport:
    """Check a bills or payments file (type, header row), store it under a private path
    and queue its import (the Celery task ``run_fee_import``, on commit); returns the
    queued FeeImport. Only compounds in the actor's scope can be imported into. With
    eager Celery the import has ended when this returns outside a transaction (refresh
    the record). A file failing the checks raises ApplicationError (code
    "import_refused") and nothing is stored."""
    file_name = (file_name or "")[-200:]
    try:
        check_upload(kind=kind, upload=upload, file_name=file_name)
    except ImportRefused as refused:
        raise ApplicationError(
            "；".join(message for _row, message in refused.errors), code="import_refused"
        ) from None
    suffix = ".xlsx" if file_name.lower().endswith(".xlsx") else ".csv"
    upload.seek(0)
    path = default_storage.save(f"{FEE_IMPORT_UPLOAD_DIR}/{uuid.uuid4().hex}{suffix}", upload)
    try:
        record = FeeImport.objects.create(
            kind=kind, file_name=file_name, uploaded_by=actor, outcome=ImportOutcome.QUEUED,
            stored_file=path,
        )
    except BaseException:
        default_storage.delete(path)
        raise
    transaction.on_commit(partial(_fee_import_enqueue, record.pk))
    return record


def _fee_import_enqueue(import_id: int) -> None:
    try:
        tasks.run_fee_import.delay(import_id)
    except Exception:  # the broker refused it: end the import rather than leave it queued
        logger.exception("fee import %s could not be queued", import_id)
        fee_import_abandon(import_id=import_id, message=_(
            "The import could not be started; nothing was imported. Try again."))


def fee_imports_requeue_stale(*, now=None, limit: int = 100) -> list[int]:
    """Queue again the imports still waiting or running ``STALE_IMPORT_AFTER`` after
    their upload: their task was lost (a broker restarted without persistence) or its
    worker died beyond redelivery. The task is idempotent — a duplicate of an import
    still running waits for it and then does nothing — so this is always safe."""
    cutoff = (now or timezone.now()) - STALE_IMPORT_AFTER
    stale = list(
        FeeImport.objects.filter(
            outcome__in=[ImportOutcome.QUEUED, ImportOutcome.RUNNING], uploaded_at__lt=cutoff
        ).order_by("uploaded_at").values_list("pk", flat=True)[:limit]
    )
    for import_id in stale:
        _fee_import_enqueue(import_id)
    return stale


def fee_import_abandon(*, import_id: int, message: str) -> FeeImport | None:
    """End a queued import as refused with ``message`` (it could not be queued) and
    delete its stored file; an import that has started or ended is left alone."""
    with transaction.atomic():
        record = FeeImport.objects.select_for_update().filter(pk=import_id).first()
        if record is None or record.outcome != ImportOutcome.QUEUED:
            return record
        for field, value in refusal_fields(None, [(0, message)]).items():
            setattr(record, field, value)
        record.save()
    _fee_import_discard_upload(record)
    return record


def fee_import_report_progress(*, import_id: int, rows: int) -> None:
    """Data rows read so far by a running import. Its own transaction is not committed
    until the end: progress goes through the cache (shared with the web processes when
    REDIS_URL is set)."""
    try:
        cache.set(progress_key(import_id), rows, FEE_IMPORT_PROGRESS_TTL)
    except Exception:  # noqa: BLE001 - progress is a nicety, never a reason to fail
        logger.warning("fee import %s: could not record progress", import_id, exc_info=True)


def fee_import_run(*, import_id: int) -> FeeImport | None:
    """Import a queued upload, once (the Celery task). Safe to call again for the same
    import (a redelivered task): an import that has ended is not run again, and a run
    that died mid-way left nothing behind (its transaction was rolled back), so it runs
    afresh."""
    with transaction.atomic():
        record = FeeImport.objects.select_for_update().filter(pk=import_id).first()
        if record is None:
            return None
        if record.is_pending:
            record.outcome = ImportOutcome.RUNNING
            record.save(update_fields=["outcome"])
    if not record.is_pending or not record.stored_file:
        if record.is_pending:  # queued without a file: cannot happen through the queue
            record = _fee_import_refuse(record.pk, None, [(0, gone_message())])
        _fee_import_discard_upload(record)
        return record
    try:
        upload = default_storage.open(record.stored_file, "rb")
    except OSError:
        logger.warning("fee import %s: stored file %s is missing", record.pk,
                       record.stored_file)
        record = _fee_import_refuse(record.pk, None, [(0, gone_message())])
    else:
        try:
            with upload:
                record = _fee_import_rows(record, upload)
        except Exception:
            logger.exception("fee import %s failed", record.pk)
            record = _fee_import_refuse(record.pk, None, [(0, _(
                "The import failed unexpectedly; nothing was imported. Try again."))])
    _fee_import_discard_upload(record)
    return record


def _fee_import_rows(record: FeeImport, upload) -> FeeImport:
    """Every row in one transaction, or none: the record ends imported or refused."""
    importer = None
    try:
        with transaction.atomic():
            # Held until the end: a second delivery of the same task waits here, then
            # finds the import ended.
            record = FeeImport.objects.select_for_update().get(pk=record.pk)
            if not record.is_pending:
                return record
            import_id = record.pk
            importer = IMPORTERS[record.kind](
                user=record.uploaded_by, fee_import_id=import_id,
                progress=lambda rows: fee_import_report_progress(import_id=import_id, rows=rows),
            )
            for batch in importer.batches(read_rows(upload, record.file_name)):
                _fee_import_insert(record, batch)
            if importer.error_count:
                raise ImportRefused(importer.errors)
            record.outcome = ImportOutcome.IMPORTED
            record.rows_total = record.rows_processed = importer.rows_total
            record.rows_imported = importer.rows_imported
            record.error_count = 0
            record.errors = []
            record.save(update_fields=["outcome", "rows_total", "rows_processed",
                                       "rows_imported", "error_count", "errors"])
            record.compounds.set(importer.places.seen_compounds)
            # Bills and payments of these compounds changed: their recent months are
            # recomputed by the next incremental refresh.
            mark_dirty_many(
                (compound_id, period)
                for compound_id in importer.places.seen_compounds
                for period in recent_months(13)
            )
            return record
    except ImportRefused as refused:
        errors = refused.errors
    except IntegrityError:
        errors = [(0, race_message())]
    return _fee_import_refuse(record.pk, importer, errors)


def _fee_import_insert(record: FeeImport, rows: list) -> None:
    """Insert a checked batch; payments are audited, one event per compound."""
    model = FeeBill if record.kind == ImportKind.BILLS else Payment
    model.objects.bulk_create(rows, batch_size=len(rows))
    if model is not Payment:
        return
    totals: dict[int, list] = {}
    for payment in rows:
        entry = totals.setdefault(payment.compound_id, [0, Decimal("0")])
        entry[0] += 1
        entry[1] += payment.amount
    compounds = Compound.objects.select_related("community__street__district__city")
    for compound in compounds.filter(pk__in=totals):
        count, amount = totals[compound.pk]
        audit.record(
            action=AuditAction.PAYMENT_RECORDED, actor=record.uploaded_by,
            object_type="properties.feeimport", object_id=record.pk,
            place=compound, changes={"payments": [None, count], "amount": [None, amount]},
        )


def _fee_import_refuse(import_id: int, importer, errors) -> FeeImport:
    with transaction.atomic():
        record = FeeImport.objects.select_for_update().get(pk=import_id)
        if not record.is_pending:
            return record
        for field, value in refusal_fields(importer, errors).items():
            setattr(record, field, value)
        record.save()
        if importer is not None:
            record.compounds.set(importer.places.seen_compounds)
    return record


def _fee_import_discard_upload(record: FeeImport) -> None:
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
