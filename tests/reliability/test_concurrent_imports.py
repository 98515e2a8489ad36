"""Two imports of the same bills file at the same moment (two threads, two database
connections, PostgreSQL), each uploaded as production does (``fee_import_queue``, whose
Celery task, eager here, runs on commit): one imports, the other is refused with a clear
message, and the totals are those of one import."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.db.models import Sum

from communities.models import Household
from properties import fee_import_services
from properties.models import FeeBill, FeeImport
from tests.properties.conftest import BILL_HEADER, csv_file

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 600


def _rows():
    for index in range(ROWS):
        start = datetime.date(2025 + index // 100 // 12, index // 100 % 12 + 1, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        yield ["A1a-c-p", "1号楼", "1", f"R{index % 100 + 1:03d}", start.isoformat(),
               end.isoformat(), "40.00", "0"]


def test_same_file_imported_twice_at_once(postgres, fw):
    Household.objects.bulk_create(
        Household(compound=fw.compounds["A1a-c-p"], building=fw.buildings["A1a-c-p-b1"],
                  unit="1", room=f"R{i:03d}", floor_area=Decimal("80.00"), owner_name="业主")
        for i in range(1, 101)
    )
    rows = list(_rows())
    user = fw.users["firm_staff"]
    start = threading.Barrier(2)
    results, failures = [], []

    def one_import():
        try:
            upload = csv_file(rows, header=BILL_HEADER)
            start.wait(timeout=30)
            # Autocommit: the task runs (eagerly) as soon as the upload is recorded.
            record = fee_import_services.fee_import_queue(
                kind="bills", upload=upload, file_name=upload.name, actor=user
            )
            record.refresh_from_db()
            results.append(record)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_import) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert sorted(r.outcome for r in results) == ["imported", "refused"]
    refused = next(r for r in results if r.outcome == "refused")
    assert refused.rows_imported == 0 and refused.errors
    message = refused.errors[0]["message"]
    assert ("at the same time" in message or "同时" in message
            or "already has a bill" in message or "已有" in message), message
    assert FeeBill.objects.count() == ROWS
    assert FeeBill.objects.aggregate(total=Sum("amount_due"))["total"] == Decimal("40.00") * ROWS
    imported = next(r for r in results if r.outcome == "imported")
    assert set(FeeBill.objects.values_list("fee_import_id", flat=True)) == {imported.pk}
    assert FeeImport.objects.count() == 2
