"""Property: after any sequence of changes made through the services, refreshing only the
dirty compound-months gives exactly the snapshots of a full recompute."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communities.metrics import writer as snapshots
from communities.models import DirtyCompoundMonth, MetricSnapshot
from complaints import services as complaint_services
from complaints.models import Category, Complaint
from properties import services as property_services
from properties.credit_code import check_character
from properties.models import DisclosureItem, FeeBill, Payment, PropertyFirm, ServiceContract

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONTHS = [datetime.date(2026, 8, 1), datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)]
COMPOUNDS = ["A1a-c-p", "A1b-c-p", "A2a-c-p", "B1a-c-p"]

operation = st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 99), st.integers(1, 60), st.integers(0, 2)),
    st.tuples(st.just("void"), st.integers(0, 99)),
    st.tuples(st.just("waive"), st.integers(0, 99), st.integers(0, 30)),
    st.tuples(st.just("complain"), st.sampled_from(COMPOUNDS), st.integers(0, 2),
              st.integers(1, 28)),
    st.tuples(st.just("accept"), st.integers(0, 99)),
    st.tuples(st.just("reject"), st.integers(0, 99)),
    st.tuples(st.just("disclose"), st.sampled_from(COMPOUNDS),
              st.sampled_from(DisclosureItem.values), st.integers(0, 2)),
    st.tuples(st.just("inspect"), st.sampled_from(COMPOUNDS), st.integers(0, 2),
              st.booleans()),
    st.tuples(st.just("switch_firm"), st.sampled_from(COMPOUNDS), st.integers(0, 2)),
)


def _pick(queryset, index):
    rows = list(queryset.order_by("pk"))
    return rows[index % len(rows)] if rows else None


def _apply(w, op, firms, category):
    kind = op[0]
    root = w.users["superuser"]
    if kind == "pay":
        bill = _pick(FeeBill.objects.all(), op[1])
        paid = property_services.paid_total(bill)
        amount = min(Decimal(op[2]), bill.amount_payable - paid)
        if amount > 0:
            property_services.payment_record(
                bill=bill, amount=amount, channel="cash",
                paid_at=datetime.datetime.combine(
                    MONTHS[op[3]] + datetime.timedelta(days=5), datetime.time(9), tzinfo=TZ
                ),
                receipt_no=f"P{Payment.objects.count() + 1}",
            )
    elif kind == "void":
        payment = _pick(Payment.objects.filter(voided_at__isnull=True), op[1])
        if payment:
            property_services.payment_void(payment=payment, reason="更正", actor=root)
    elif kind == "waive":
        bill = _pick(FeeBill.objects.all(), op[1])
        waived = min(Decimal(op[2]), bill.amount_due - property_services.paid_total(bill))
        if waived >= 0:
            property_services.fee_bill_update_waiver(bill=bill, amount_waived=waived)
    elif kind == "complain":
        complaint_services.complaint_create(
            compound=w.compounds[op[1]], category=category, description="路灯不亮",
            reporter_phone="13912345678",
            received_at=datetime.datetime.combine(
                MONTHS[op[2]].replace(day=op[3]), datetime.time(10), tzinfo=TZ
            ),
        )
    elif kind in ("accept", "reject"):
        complaint = _pick(Complaint.objects.filter(status="submitted"), op[1])
        if complaint and kind == "accept":
            complaint_services.complaint_accept(complaint_id=complaint.pk, actor=root)
        elif complaint:
            complaint_services.complaint_reject(complaint_id=complaint.pk, actor=root,
                                                note="不属实")
    elif kind == "disclose":
        compound = w.compounds[op[1]]
        if ServiceContract.objects.filter(compound=compound, status="active").exists():
            property_services.disclosure_publish(
                compound=compound, item=op[2], title="公示", text="内容", actor=root,
                published_at=datetime.datetime.combine(
                    MONTHS[op[3]].replace(day=10), datetime.time(9), tzinfo=TZ
                ),
            )
    elif kind == "inspect":
        contract = ServiceContract.objects.filter(
            compound=w.compounds[op[1]], status="active"
        ).first()
        if contract:
            property_services.inspection_record(
                contract=contract, date=MONTHS[op[2]].replace(day=15), inspector=root,
                items=[{"clause": "保洁", "passed": op[3]}],
            )
    elif kind == "switch_firm":
        compound = w.compounds[op[1]]
        current = ServiceContract.objects.filter(compound=compound, status="active").first()
        start = MONTHS[op[2]].replace(day=20)
        if current is None or current.start_date < start:
            firm = firms[(current.firm_id == firms[0].pk) if current else 0]
            property_services.contract_start(
                compound=compound, firm=firm, mode="co_building", start_date=start,
                fee_standard=Decimal("1"),
            )


def _rows():
    return set(MetricSnapshot.objects.values_list(
        "metric", "period", "scope_level", "scope_id", "dimension", "dimension_value",
        "numerator", "denominator", "value",
    ))


@pytest.fixture
def base(world):
    firms = []
    for name, prefix in (("F1", "91610204"), ("F2", "91610205")):
        base = prefix + "MA6X5A2B3"
        firms.append(PropertyFirm.objects.create(
            name=name, credit_code=base + check_character(base), ownership="private"))
    for key in ("A1a-c-p", "B1a-c-p"):
        property_services.contract_start(
            compound=world.compounds[key], firm=firms[0], mode="market",
            start_date=datetime.date(2026, 1, 1), fee_standard=Decimal("1"),
        )
    for household in world.households.values():
        for month in MONTHS:
            property_services.fee_bill_create(
                household=household, period_start=month,
                period_end=month.replace(day=28), amount_due=Decimal("80"),
            )
    category = Category.objects.create(code="light", name="路灯", hours_to_respond=24,
                                       days_to_resolve=3)
    return world, firms, category


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_incremental_equals_full(base, operations):
    world, firms, category = base
    with transaction.atomic():
        for month in MONTHS:
            snapshots.refresh_month(period=month)
        DirtyCompoundMonth.objects.all().delete()
        for op in operations:
            _apply(world, op, firms, category)
        snapshots.refresh_dirty()
        incremental = _rows()
        for month in MONTHS:
            snapshots.refresh_month(period=month)
        assert incremental == _rows()
        transaction.set_rollback(True)
