"""Queued imports: the upload is checked and stored in the request, a Celery task imports
it (eager here: inside the request), the report page follows it; the stored file is
deleted when the import ends; a redelivered task does not import twice."""

import datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from communities.models import Household
from core.errors import ApplicationError
from properties import fee_import_services, tasks
from properties.fee_import import progress_key, rows
from properties.models import FeeBill, FeeImport, ImportOutcome

from .conftest import BILL_HEADER, csv_file, xlsx_file

pytestmark = pytest.mark.django_db


def bill_row(room="101", start="2026-04-01", end="2026-04-30", due="40"):
    return ["A1a-c-p", "1号楼", "", room, start, end, due, "0"]


def stored_files(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / fee_import_services.FEE_IMPORT_UPLOAD_DIR
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def queue(user, upload, kind="bills"):
    return fee_import_services.fee_import_queue(kind=kind, upload=upload,
                                                file_name=upload.name, actor=user)


@pytest.mark.django_db(transaction=True)  # the task is queued on commit, then runs eagerly
def test_upload_redirects_to_the_finished_report_and_deletes_the_file(client, fw, settings):
    client.force_login(fw.users["firm_staff"])
    rows = [bill_row("101"), bill_row("102")]
    response = client.post(reverse("fee-import"), {
        "kind": "bills", "file": xlsx_file(rows, header=BILL_HEADER)})
    assert response.status_code == 302
    record = FeeImport.objects.get()
    assert response["Location"] == reverse("fee-import-detail", args=[record.pk])
    assert record.outcome == ImportOutcome.IMPORTED and record.rows_imported == 2
    assert record.rows_processed == 2 and record.stored_file == ""
    assert FeeBill.objects.filter(fee_import=record).count() == 2
    body = client.get(response["Location"]).content.decode()
    assert "已导入 2 行" in body and 'http-equiv="refresh"' not in body
    assert stored_files(settings) == []


@pytest.mark.django_db(transaction=True)
def test_bad_rows_import_nothing_list_them_and_delete_the_file(client, fw, settings):
    client.force_login(fw.users["firm_staff"])
    rows = [bill_row("101"), bill_row("102", due="abc"), bill_row("999")]
    response = client.post(reverse("fee-import"), {
        "kind": "bills", "file": csv_file(rows, header=BILL_HEADER)})
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "未导入任何数据" in body and "2 个错误行" in body
    assert ">3<" in body and ">4<" in body and "999" in body
    record = FeeImport.objects.get()
    assert record.outcome == ImportOutcome.REFUSED and record.rows_imported == 0
    assert [e["row"] for e in record.errors] == [3, 4]
    assert FeeBill.objects.count() == 0
    assert stored_files(settings) == [] and record.stored_file == ""


def test_a_bad_header_is_refused_in_the_request_and_nothing_is_stored(client, fw, settings):
    client.force_login(fw.users["firm_staff"])
    response = client.post(reverse("fee-import"), {
        "kind": "bills", "file": csv_file([["A1a-c-p"]], header=["小区", "楼栋"])})
    assert response.status_code == 200
    assert "缺少列" in response.content.decode()
    response = client.post(reverse("fee-import"), {
        "kind": "bills", "file": csv_file([], header=BILL_HEADER, name="fees.xlsx")})
    assert response.status_code == 200
    assert FeeImport.objects.count() == 0 and stored_files(settings) == []


def test_the_file_is_stored_privately_until_the_task_runs(fw, settings,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        record = queue(fw.users["firm_staff"], csv_file([bill_row()], header=BILL_HEADER))
    assert record.outcome == ImportOutcome.QUEUED
    assert record.stored_file.startswith("private/fee-imports/")
    assert record.file_name == "fees.csv" and "fees" not in record.stored_file
    assert len(stored_files(settings)) == 1 and len(queued) == 1
    queued[0]()  # the eager task
    record.refresh_from_db()
    assert record.outcome == ImportOutcome.IMPORTED and stored_files(settings) == []


def test_running_page_refreshes_itself_and_shows_progress(client, fw):
    user = fw.users["firm_staff"]
    record = FeeImport.objects.create(kind="bills", file_name="big.xlsx", uploaded_by=user,
                                      outcome=ImportOutcome.RUNNING, rows_processed=0)
    cache.set(progress_key(record.pk), 42000)
    client.force_login(user)
    body = client.get(reverse("fee-import-detail", args=[record.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in body
    assert "42000" in body and "正在导入" in body
    assert "<script>" not in body
    cache.delete(progress_key(record.pk))
    FeeImport.objects.filter(pk=record.pk).update(outcome=ImportOutcome.QUEUED)
    body = client.get(reverse("fee-import-detail", args=[record.pk])).content.decode()
    assert 'http-equiv="refresh"' in body and "等待导入" in body


def test_progress_is_reported_every_n_rows(fw, monkeypatch, django_capture_on_commit_callbacks):
    compound, building = fw.compounds["A1a-c-p"], fw.buildings["A1a-c-p-b1"]
    Household.objects.bulk_create(
        Household(compound=compound, building=building, unit="1", room=f"R{i:03d}",
                  floor_area=80, owner_name="业主") for i in range(1, 251)
    )
    seen = []
    monkeypatch.setattr(rows, "PROGRESS_EVERY", 100)
    monkeypatch.setattr(fee_import_services, "fee_import_report_progress",
                        lambda *, import_id, rows: seen.append(rows))
    lines = [["A1a-c-p", "1号楼", "1", f"R{i:03d}", "2026-05-01", "2026-05-31", "40", "0"]
             for i in range(1, 251)]
    with django_capture_on_commit_callbacks(execute=True):
        record = queue(fw.users["firm_staff"], csv_file(lines, header=BILL_HEADER))
    record.refresh_from_db()
    assert record.outcome == ImportOutcome.IMPORTED and record.rows_imported == 250
    assert seen == [100, 200]


def test_redelivery_of_a_finished_import_does_nothing(fw, settings,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record = queue(fw.users["firm_staff"], csv_file([bill_row("102")], header=BILL_HEADER))
    record.refresh_from_db()
    assert record.outcome == ImportOutcome.IMPORTED
    before = FeeBill.objects.count()
    result = tasks.run_fee_import.apply(args=[record.pk]).get()  # delivered again
    assert result == ImportOutcome.IMPORTED
    assert FeeBill.objects.count() == before
    again = FeeImport.objects.get(pk=record.pk)
    assert (again.outcome, again.rows_imported, again.errors) == ("imported", 1, [])
    assert tasks.run_fee_import.apply(args=[10**9]).get() == "missing"


def test_a_run_killed_midway_is_imported_once_on_redelivery(
    fw, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        record = queue(fw.users["firm_staff"], csv_file([bill_row("102")], header=BILL_HEADER))
    assert len(queued) == 1
    # The first worker set it running, then died: its import transaction rolled back.
    FeeImport.objects.filter(pk=record.pk).update(outcome=ImportOutcome.RUNNING)
    tasks.run_fee_import.apply(args=[record.pk])
    tasks.run_fee_import.apply(args=[record.pk])
    record.refresh_from_db()
    assert record.outcome == ImportOutcome.IMPORTED and record.rows_imported == 1
    assert FeeBill.objects.filter(fee_import=record).count() == 1
    assert stored_files(settings) == []


def test_a_missing_stored_file_ends_the_import_refused(fw, settings,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        record = queue(fw.users["firm_staff"], csv_file([bill_row("102")], header=BILL_HEADER))
    for path in stored_files(settings):
        path.unlink()
    tasks.run_fee_import.apply(args=[record.pk])
    record.refresh_from_db()
    assert record.outcome == ImportOutcome.REFUSED and record.errors[0]["row"] == 0
    assert record.stored_file == ""


def test_a_broker_refusing_the_task_ends_the_import(fw, settings, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.run_fee_import, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        record = queue(fw.users["firm_staff"], csv_file([bill_row("102")], header=BILL_HEADER))
    record.refresh_from_db()
    assert record.outcome == ImportOutcome.REFUSED and "无法开始" in record.errors[0]["message"]
    assert stored_files(settings) == [] and FeeBill.objects.filter(fee_import=record).count() == 0


def test_only_the_uploader_and_their_area_see_the_import(client, fw,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():  # stays queued: no compound yet
        record = queue(fw.users["firm_staff"], csv_file([bill_row("102")], header=BILL_HEADER))
    url = reverse("fee-import-detail", args=[record.pk])
    client.force_login(fw.users["other_firm_staff"])
    assert client.get(url).status_code == 404
    client.force_login(fw.users["firm_staff"])
    assert client.get(url).status_code == 200


def test_imports_only_into_the_users_area(fw, django_capture_on_commit_callbacks):
    rows = [["B1a-c-p", "1号楼", "", "101", "2026-05-01", "2026-05-31", "80", "0"]]
    with django_capture_on_commit_callbacks(execute=True):
        record = queue(fw.users["firm_staff"], csv_file(rows, header=BILL_HEADER))
    record.refresh_from_db()
    assert record.outcome == ImportOutcome.REFUSED
    assert "不在您的管辖范围内" in record.errors[0]["message"]
    assert not FeeBill.objects.filter(period_start=datetime.date(2026, 5, 1)).exists()


def test_unreadable_files_are_refused_before_anything_is_stored(fw, settings):
    with pytest.raises(ApplicationError) as refused:
        queue(fw.users["firm_staff"], SimpleUploadedFile("fees.xlsx", b"not a zip"))
    assert refused.value.code == "import_refused"
    assert FeeImport.objects.count() == 0 and stored_files(settings) == []


def test_the_task_is_acknowledged_late_and_rejected_on_worker_loss(settings):
    task = tasks.run_fee_import
    assert task.acks_late and task.reject_on_worker_lost
    assert not any(
        pattern in ("properties.tasks.*", "properties.tasks.run_fee_import")
        for pattern in settings.CELERY_TASK_ROUTES
    )  # the default "celery" queue


def test_an_import_whose_task_was_lost_is_queued_again(fw, monkeypatch):
    """The broker took the task and lost it (restarted without persistence): the
    quarter-hourly sweep queues it again after STALE_IMPORT_AFTER, it is imported once,
    and recent and ended imports are left alone."""
    monkeypatch.setattr(tasks.run_fee_import, "delay", lambda *args, **kwargs: None)
    with transaction.atomic():
        lost = queue(fw.users["firm_staff"], csv_file([bill_row()], header=BILL_HEADER))
        recent = queue(fw.users["firm_staff"],
                       csv_file([bill_row(room="102")], header=BILL_HEADER))
    monkeypatch.undo()
    old = lost.uploaded_at - fee_import_services.STALE_IMPORT_AFTER - datetime.timedelta(minutes=1)
    FeeImport.objects.filter(pk=lost.pk).update(uploaded_at=old)

    assert tasks.requeue_stale_fee_imports() == [lost.pk]
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.outcome == ImportOutcome.IMPORTED and lost.rows_imported == 1
    assert recent.outcome == ImportOutcome.QUEUED
    assert tasks.requeue_stale_fee_imports() == []  # ended: not queued again
    assert FeeBill.objects.filter(fee_import=lost).count() == 1
