"""Oracle: every rate of DESIGN §5 on a small hand-built data set, worked out by hand.

Month M = September 2026, as-of = 2026-10-15 00:00 (Asia/Shanghai).
Street A1a holds two compounds: P (A1a-c-p, 100 declared households, public trusteeship by
firm F1) and Q (new, 50 declared households, co-building with firm F2). Street A1b's
compound has no data at all.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from communities import services as hierarchy
from communities.metrics import writer as snapshots
from communities.models import DirtyCompoundMonth, MetricSnapshot
from complaints import services as complaint_services
from complaints.models import Category, Complaint, RejectionKind, Satisfaction, Status
from properties import services as property_services
from properties.credit_code import check_character
from properties.models import DisclosureItem, FeeBill, Payment, PropertyFirm

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
M = datetime.date(2026, 9, 1)
AS_OF = datetime.datetime(2026, 10, 15, tzinfo=TZ)


def at(month, day, hour=10, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def _firm(name, prefix):
    base = prefix + "MA6X5A2B3"
    return PropertyFirm.objects.create(name=name, credit_code=base + check_character(base),
                                       ownership="state_owned")


@pytest.fixture
def oracle(world):
    w = world
    p = w.compounds["A1a-c-p"]
    q = hierarchy.compound_create(community=w.communities["A1a-c"], name="Q",
                                  declared_households=50, floor_area=Decimal("3000"))
    qb = hierarchy.building_create(compound=q, name="1号楼")
    q1 = hierarchy.household_create(building=qb, room="101", floor_area=Decimal("50"),
                                    owner_name="秦")
    f1, f2 = _firm("F1", "91610204"), _firm("F2", "91610205")
    property_services.contract_start(compound=p, firm=f1, mode="public_trusteeship",
                                     start_date=datetime.date(2026, 1, 1),
                                     fee_standard=Decimal("1"))
    property_services.contract_start(compound=q, firm=f2, mode="co_building",
                                     start_date=datetime.date(2026, 1, 1),
                                     fee_standard=Decimal("1"))

    # --- fees: bills whose period starts in September -------------------------------
    h = w.households
    bills = {}
    for key, household, due, waived in [
        ("p11", h["A1a-c-p-b1-1"], "100", "0"),
        ("p12", h["A1a-c-p-b1-2"], "100", "20"),   # waived 20: payable 80
        ("p21", h["A1a-c-p-b2-1"], "100", "0"),
        ("p22", h["A1a-c-p-b2-2"], "100", "0"),
        ("q1", q1, "50", "0"),
    ]:
        bills[key] = property_services.fee_bill_create(
            household=household, period_start=M, period_end=datetime.date(2026, 9, 30),
            amount_due=Decimal(due), amount_waived=Decimal(waived),
        )
    august = property_services.fee_bill_create(  # another month: not counted
        household=h["A1a-c-p-b1-1"], period_start=datetime.date(2026, 8, 1),
        period_end=datetime.date(2026, 8, 31), amount_due=Decimal("100"),
    )

    def pay(bill, amount, when, receipt):
        return property_services.payment_record(
            bill=bill, amount=Decimal(amount), paid_at=when, channel="cash", receipt_no=receipt
        )

    pay(bills["p11"], "100", at(9, 10), "R1")
    pay(bills["p12"], "80", at(9, 20), "R2")
    pay(bills["p21"], "50", at(10, 20), "R3")        # after the as-of time: not counted
    pay(bills["p22"], "30", at(9, 5), "R4")
    voided = pay(bills["p22"], "20", at(9, 6), "R5")
    property_services.payment_void(payment=voided, reason="录入错误", actor=None)
    pay(bills["q1"], "50", at(9, 8), "R6")
    pay(august, "10", at(9, 8), "R7")

    # --- complaints: 24 hours to respond, 3 working days to resolve ------------------
    repair = Category.objects.create(code="repair", name="设施维修", hours_to_respond=24,
                                     days_to_resolve=3)

    def complaint(compound, received, **state):
        c = complaint_services.complaint_create(
            compound=compound, category=repair, description="楼道灯不亮",
            reporter_phone="13912345678", received_at=received,
        )
        Complaint.objects.filter(pk=c.pk).update(**state)
        return Complaint.objects.get(pk=c.pk)

    # c1: answered in 2 h, resolved in 24 h, closed; "resolved", satisfied.
    complaint(p, at(9, 1), status=Status.CLOSED, accepted_at=at(9, 1, 12),
              resolved_at=at(9, 2), closed_at=at(9, 3), resident_resolved=True,
              satisfaction=Satisfaction.SATISFIED)
    # c2: accepted after 48 h (late); resolved after its deadline; the resident said
    # "not resolved", so it was reopened: neither closed nor resolved now; dissatisfied.
    complaint(p, at(9, 2, 9), status=Status.REOPENED, accepted_at=at(9, 4, 9),
              resolved_at=at(9, 10), reopen_count=1, resident_resolved=False,
              satisfaction=Satisfaction.DISSATISFIED)
    # c3 invalid, c4 duplicate: excluded from every valid count.
    c3 = complaint(p, at(9, 3), status=Status.REJECTED, rejected_at=at(9, 3, 11),
                   rejection_kind=RejectionKind.INVALID, rejection_reason="不属实")
    complaint(p, at(9, 4), status=Status.REJECTED, rejected_at=at(9, 4, 11),
              rejection_kind=RejectionKind.DUPLICATE, duplicate_of=c3)
    # c5: received 30 Sep; 3 working days later, across 国庆 (1–7 Oct) and counting the
    # make-up Saturday 10 Oct, the deadline is 10 Oct 23:59:59, so resolving on 9 Oct is
    # on time (a plain Mon–Fri count would have said 5 Oct). Basically satisfied.
    c5 = complaint(p, at(9, 30), status=Status.CLOSED, accepted_at=at(9, 30, 11),
                   resolved_at=at(10, 9, 15), closed_at=at(10, 10), resident_resolved=True,
                   satisfaction=Satisfaction.BASICALLY_SATISFIED)
    assert c5.resolve_deadline == datetime.datetime(2026, 10, 10, 23, 59, 59, tzinfo=TZ)
    # c6: accepted in time, still being worked.
    complaint(p, at(9, 15), status=Status.IN_PROGRESS, accepted_at=at(9, 15, 10, 30))
    # c7 in Q: accepted after 30 h (late), resolved in 24 h, closed, resolved, satisfied.
    complaint(q, at(9, 10), status=Status.CLOSED, accepted_at=at(9, 11, 16),
              resolved_at=at(9, 11), closed_at=at(9, 12), resident_resolved=True,
              satisfaction=Satisfaction.SATISFIED)
    # Received in October: another month.
    complaint(p, at(10, 2), status=Status.SUBMITTED)

    # --- disclosures: P lets one item expire on 15 Sep; Q has all five ----------------
    for compound in (p, q):
        for item in DisclosureItem.values:
            expiring = compound == p and item == DisclosureItem.values[0]
            property_services.disclosure_publish(
                compound=compound, item=item, title=item, text="公示内容", actor=None,
                published_at=at(8, 1),
                valid_until=datetime.date(2026, 9, 15) if expiring else None,
            )

    # --- inspections: P 3 of 4 items passed in September, Q 1 of 2 -------------------
    contracts = {c.compound_id: c for c in p.service_contracts.all()}
    contracts.update({c.compound_id: c for c in q.service_contracts.all()})
    inspector = w.users["community_staff"]
    property_services.inspection_record(
        contract=contracts[p.pk], date=datetime.date(2026, 9, 12), inspector=inspector,
        items=[{"clause": "保洁", "passed": True}, {"clause": "绿化", "passed": True},
               {"clause": "秩序", "passed": True}, {"clause": "维修", "passed": False}],
    )
    property_services.inspection_record(
        contract=contracts[q.pk], date=datetime.date(2026, 9, 20), inspector=inspector,
        items=[{"clause": "保洁", "passed": True}, {"clause": "电梯", "passed": False}],
    )
    property_services.inspection_record(  # October: another month
        contract=contracts[p.pk], date=datetime.date(2026, 10, 3), inspector=inspector,
        items=[{"clause": "保洁", "passed": False}],
    )
    assert FeeBill.objects.count() == 6 and Payment.objects.count() == 7
    snapshots.refresh_month(period=M, as_of=AS_OF)
    w.q, w.f1, w.f2 = q, f1, f2
    return w


def snap(metric, level, scope_id, dimension="", dimension_value=""):
    row = MetricSnapshot.objects.get(
        metric=metric, period=M, scope_level=level, scope_id=scope_id, dimension=dimension,
        dimension_value=dimension_value,
    )
    return row.numerator, row.denominator, row.value


D = Decimal


def test_fee_collection(oracle):
    p, q = oracle.compounds["A1a-c-p"], oracle.q
    # P: paid 100 + 80 + 30 (the 50 after the as-of time and the voided 20 do not count)
    #    over payable 100 + (100 − 20) + 100 + 100 = 380 → 0.5526
    assert snap("fee_collection_rate", "compound", p.pk) == (D(210), D(380), D("0.5526"))
    # Q: 50 / 50
    assert snap("fee_collection_rate", "compound", q.pk) == (D(50), D(50), D("1.0000"))
    # Street A1a: (210 + 50) / (380 + 50) = 0.6047, not the mean (0.5526 + 1) / 2 = 0.7763
    assert snap("fee_collection_rate", "street", oracle.streets["A1a"].pk) == (
        D(260), D(430), D("0.6047"))
    # Street A1b: no bills at all → no data (not 0, not 100 %)
    assert snap("fee_collection_rate", "street", oracle.streets["A1b"].pk)[2] is None
    # Split by mode and by firm in the district
    district = oracle.districts["A1"].pk
    assert snap("fee_collection_rate", "district", district, "mode", "public_trusteeship") == (
        D(210), D(380), D("0.5526"))
    assert snap("fee_collection_rate", "district", district, "firm", str(oracle.f2.pk)) == (
        D(50), D(50), D("1.0000"))


def test_complaint_three_rates_and_friends(oracle):
    p, q = oracle.compounds["A1a-c-p"], oracle.q
    street = oracle.streets["A1a"].pk
    # Valid in P: c1, c2, c5, c6 (c3 invalid and c4 duplicate excluded).
    # Response: c1, c5, c6 in time; c2 late → 3/4. Q: c7 late → 0/1. Street 3/5.
    assert snap("complaint_response_rate", "compound", p.pk) == (D(3), D(4), D("0.7500"))
    assert snap("complaint_response_rate", "compound", q.pk) == (D(0), D(1), D("0.0000"))
    assert snap("complaint_response_rate", "street", street) == (D(3), D(5), D("0.6000"))
    # Closure: c1, c5 closed; reopened c2 and working c6 not → 2/4; street (2+1)/(4+1).
    assert snap("complaint_closure_rate", "compound", p.pk) == (D(2), D(4), D("0.5000"))
    assert snap("complaint_closure_rate", "street", street) == (D(3), D(5), D("0.6000"))
    # Resolution (resident's answer): c1 yes, c2 "not resolved", c5 yes → 2/3; street 3/4.
    assert snap("complaint_resolution_rate", "compound", p.pk) == (D(2), D(3), D("0.6667"))
    assert snap("complaint_resolution_rate", "street", street) == (D(3), D(4), D("0.7500"))
    # On time, of those resolved now: c1 (deadline 4 Sep) and c5 (10 Oct, see above).
    assert snap("complaint_ontime_rate", "compound", p.pk) == (D(2), D(2), D("1.0000"))
    # Satisfaction: satisfied (c1) + basically satisfied (c5) of 3 rated → 2/3.
    assert snap("complaint_satisfaction_rate", "compound", p.pk) == (D(2), D(3), D("0.6667"))
    assert snap("complaint_satisfaction_rate", "street", street) == (D(3), D(4), D("0.7500"))
    # Complaint rate: 4 valid × 100 / 100 households = 4; Q 1 × 100 / 50 = 2;
    # street 5 × 100 / 150 = 3.3333 (not the mean 3).
    assert snap("complaint_rate", "compound", p.pk) == (D(4), D(100), D("4.0000"))
    assert snap("complaint_rate", "compound", q.pk) == (D(1), D(50), D("2.0000"))
    assert snap("complaint_rate", "street", street) == (D(5), D(150), D("3.3333"))
    # Hours to resolve: c1 24 h, c5 30 Sep 10:00 → 9 Oct 15:00 = 221 h; Q c7 24 h.
    # P (24 + 221) / 2 = 122.5; street (245 + 24) / 3 = 89.6667
    assert snap("resolution_hours_avg", "compound", p.pk) == (D(245), D(2), D("122.5000"))
    assert snap("resolution_hours_avg", "street", street) == (D(269), D(3), D("89.6667"))
    # A district with no complaints at all: no data.
    assert snap("complaint_response_rate", "district", oracle.districts["A2"].pk)[2] is None


def test_disclosure_and_fulfilment(oracle):
    p, q = oracle.compounds["A1a-c-p"], oracle.q
    street = oracle.streets["A1a"].pk
    # On 30 Sep P's first item had expired (valid until 15 Sep) → 0/1; Q complete → 1/1;
    # A1b's compound has no contract and is not counted. Street 1/2.
    assert snap("disclosure_rate", "compound", p.pk) == (D(0), D(1), D("0.0000"))
    assert snap("disclosure_rate", "compound", q.pk) == (D(1), D(1), D("1.0000"))
    assert snap("disclosure_rate", "street", street) == (D(1), D(2), D("0.5000"))
    assert snap("disclosure_rate", "street", oracle.streets["A1b"].pk)[2] is None
    # Fulfilment: P 3 of 4 items, Q 1 of 2 (October's inspection not counted) → 4/6.
    assert snap("fulfilment_rate", "compound", p.pk) == (D(3), D(4), D("0.7500"))
    assert snap("fulfilment_rate", "street", street) == (D(4), D(6), D("0.6667"))


def test_incremental_refresh_after_service_changes_equals_full(oracle):
    """Each service marked what it changed; refreshing only that equals a full run."""
    DirtyCompoundMonth.objects.all().delete()
    bill = FeeBill.objects.get(household=oracle.households["A1a-c-p-b2-1"], period_start=M)
    property_services.payment_record(bill=bill, amount=Decimal("25"), paid_at=at(9, 29),
                                     channel="wechat", receipt_no="R9")
    assert DirtyCompoundMonth.objects.filter(period=M).count() == 1
    snapshots.refresh_dirty()
    # The refresh reads "now" (24 Nov 2026) as its as-of time, so the 20 Oct payment now
    # counts too: 210 + 50 + 25 over 380.
    p = oracle.compounds["A1a-c-p"]
    assert snap("fee_collection_rate", "compound", p.pk)[:2] == (D(285), D(380))
    incremental = set(MetricSnapshot.objects.filter(period=M).values_list(
        "metric", "scope_level", "scope_id", "dimension", "dimension_value", "numerator",
        "denominator"))
    snapshots.refresh_month(period=M)
    full = set(MetricSnapshot.objects.filter(period=M).values_list(
        "metric", "scope_level", "scope_id", "dimension", "dimension_value", "numerator",
        "denominator"))
    assert incremental == full
