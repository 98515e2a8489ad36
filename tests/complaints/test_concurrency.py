"""Two members of staff act on one complaint at the same moment (PostgreSQL row
locks): exactly one wins, the other is told the complaint changed."""

import threading

import pytest
from django.db import connection

from complaints import services
from complaints.models import ComplaintEvent
from core.errors import ConflictError

from .conftest import make_complaint


@pytest.mark.django_db(transaction=True)
def test_two_staff_at_once_one_wins(postgres, cw):
    complaint = make_complaint(cw)
    seen = complaint.version
    staff = cw.users["community_staff"]
    barrier = threading.Barrier(2)
    outcomes = []

    def act(call, **kwargs):
        try:
            barrier.wait()
            call(complaint_id=complaint.pk, actor=staff, version=seen, **kwargs)
            outcomes.append("won")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(services.complaint_accept,)),
        threading.Thread(target=act, args=(services.complaint_reject,), kwargs={"note": "无效"}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "won"]
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == 2
