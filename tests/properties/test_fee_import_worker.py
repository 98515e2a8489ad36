"""A queued import run by a real Celery worker process (PostgreSQL and a broker needed:
set DATABASE_URL and CELERY_BROKER_URL; skipped otherwise)."""

import time
from pathlib import Path

import pytest

from properties import fee_import_services, tasks
from properties.models import FeeBill, FeeImport, ImportOutcome

from .conftest import BILL_HEADER, csv_file


@pytest.fixture
def shared_media(settings, monkeypatch):
    """The worker process stores and reads files where the test does."""
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(settings.MEDIA_ROOT))


def test_a_worker_imports_a_queued_file_once_and_deletes_it(
    shared_media, celery_worker, fw, settings, monkeypatch
):
    rows = [["A1a-c-p", "1号楼", "", room, "2026-05-01", "2026-05-31", "40", "0"]
            for room in ("101", "102")]
    upload = csv_file(rows, header=BILL_HEADER)
    # The queue sends the task to this test's worker (a queue of its own).
    task = tasks.run_fee_import
    monkeypatch.setattr(task, "delay", lambda *args: task.apply_async(
        args, queue=celery_worker.queue))
    record = fee_import_services.fee_import_queue(
        kind="bills", upload=upload, file_name=upload.name, actor=fw.users["firm_staff"]
    )  # committed at once (transactional_db): the task is sent
    assert (Path(settings.MEDIA_ROOT) / record.stored_file).exists()
    task.apply_async((record.pk,), queue=celery_worker.queue)  # delivered twice: imported once
    # A later file of the same firm, queued behind both deliveries: the worker (one
    # process, one task at a time, first in first out) has handled both deliveries when
    # it has imported this one.
    later_upload = csv_file([[*row[:4], "2026-06-01", "2026-06-30", *row[6:]] for row in rows],
                            header=BILL_HEADER)
    later = fee_import_services.fee_import_queue(
        kind="bills", upload=later_upload, file_name=later_upload.name,
        actor=fw.users["firm_staff"],
    )
    deadline = time.monotonic() + 60
    while FeeImport.objects.get(pk=later.pk).is_pending:
        assert time.monotonic() < deadline, "the worker did not take both deliveries"
        time.sleep(0.2)
    record.refresh_from_db()
    assert record.outcome == ImportOutcome.IMPORTED, record.errors
    assert record.rows_imported == 2 and FeeBill.objects.filter(fee_import=record).count() == 2
    assert record.stored_file == ""
    folder = Path(settings.MEDIA_ROOT) / fee_import_services.FEE_IMPORT_UPLOAD_DIR
    assert not any(folder.iterdir())
