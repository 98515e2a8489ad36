"""DESIGN §5 clarifications: values rounded to four places half up (四舍五入); the
resident's latest follow-up answer is the one the resolution rate counts."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from communities.metrics import writer as snapshots
from communities.metrics.definitions import METRICS
from communities.models import MetricSnapshot
from communities.services import compound_update
from complaints import services
from core.timeutils import local_today

from .conftest import advance, make_complaint

pytestmark = pytest.mark.django_db


def _row(metric, compound, period):
    return MetricSnapshot.objects.get(metric=metric, period=period, scope_level="compound",
                                      scope_id=compound.pk, dimension="")


def test_a_value_exactly_half_way_rounds_up():
    # 1/32 = 0.03125 and 5/32 = 0.15625: half-even would give 0.0312 and 0.1562.
    assert METRICS["complaint_closure_rate"].value(1, 32) == Decimal("0.0313")
    assert METRICS["complaint_closure_rate"].value(5, 32) == Decimal("0.1563")
    # 投诉率 scales by 100: 1 × 100 / 3200 = 0.03125.
    assert METRICS["complaint_rate"].value(1, 3200) == Decimal("0.0313")


def test_the_snapshot_of_a_half_way_complaint_rate_rounds_up(cw):
    compound = cw.compounds["A1a-c-p"]
    compound_update(actor=cw.users["superuser"], compound=compound, declared_households=3200)
    make_complaint(cw)
    period = local_today().replace(day=1)
    snapshots.refresh_month(period=period)
    row = _row("complaint_rate", compound, period)
    assert (row.numerator, row.denominator, row.value) == (1, 3200, Decimal("0.0313"))


def test_the_latest_follow_up_answer_counts(cw):
    compound = cw.compounds["A1a-c-p"]
    complaint = advance(cw, make_complaint(cw), "resolved")
    services.complaint_record_feedback(complaint_id=complaint.pk, resolved=False,
                                       satisfaction="dissatisfied")
    complaint.refresh_from_db()
    assert complaint.status == "reopened"
    services.complaint_start(complaint_id=complaint.pk, actor=cw.users["firm_staff"])
    services.complaint_resolve(complaint_id=complaint.pk, actor=cw.users["firm_staff"],
                               note="再次维修")
    services.complaint_record_feedback(complaint_id=complaint.pk, resolved=True,
                                       satisfaction="satisfied")
    period = timezone.localtime(complaint.received_at).date().replace(day=1)
    snapshots.refresh_month(period=period, as_of=timezone.now() + datetime.timedelta(seconds=1))
    # One complaint, answered twice: the later "resolved" counts, once.
    resolution = _row("complaint_resolution_rate", compound, period)
    assert (resolution.numerator, resolution.denominator, resolution.value) == (1, 1, 1)
    satisfaction = _row("complaint_satisfaction_rate", compound, period)
    assert (satisfaction.numerator, satisfaction.denominator) == (1, 1)
    # Both answers stay on the timeline.
    assert complaint.events.filter(kind="feedback").count() == 2
