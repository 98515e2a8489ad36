"""Retention (issue 15, item 4): after the nightly task the personal fields of expired
records are gone, the audit says so, and every metric snapshot is unchanged."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from communities import retention
from communities import services as community_services
from communities.metrics import writer as snapshots
from communities.models import (
    AuditAction,
    AuditEvent,
    Household,
    MetricSnapshot,
    VulnerableGroup,
    VulnerableResident,
)
from communities.tasks import apply_retention
from complaints.models import Complaint
from complaints.selectors import complaint_for_tracking
from core.errors import ApplicationError
from core.timeutils import local_today

from .conftest import PHONE, advance, make_complaint

pytestmark = pytest.mark.django_db

# The retention task is run "as of" a day this many days ahead, instead of making records
# old: the cut-offs are relative to that day.
ONE_YEAR_ON = 366
SIX_YEARS_ON = 6 * 366


def snapshot_rows():
    return sorted(MetricSnapshot.objects.values_list(
        "metric", "period", "scope_level", "scope_id", "dimension", "dimension_value",
        "numerator", "denominator", "value",
    ))


def full_recompute(as_of):
    period = snapshots.month_of(as_of)
    snapshots.refresh_months([period], as_of=as_of)


@pytest.fixture
def records(cw):
    w = cw
    rejected = advance(w, make_complaint(
        w, description="电梯坏了，请回电 13912345678 或 0919-2345678", reporter_name="王芳",
        address_string="3号楼2单元 身份证610202199001011234",
    ), "rejected")
    closed = advance(w, make_complaint(w, description="楼道灯不亮", reporter_name="李强",
                                       reporter_phone="13800001111"), "closed")
    open_one = make_complaint(w, description="门禁坏了 13912345678", reporter_name="赵敏")
    household = w.households["A1a-c-p-b1-1"]
    retention.household_record_leaving(actor=w.users["community_staff"], household=household,
                                       left_on=local_today() - datetime.timedelta(days=1))
    resident = community_services.vulnerable_resident_create(
        grid=w.grids["A1a-c-g"], name="张大爷", address="1号楼101",
        group=VulnerableGroup.ELDERLY_ALONE,
        registered_on=local_today() - datetime.timedelta(days=100), phone="13712345678",
        note="儿子电话 13698765432",
    )
    retention.vulnerable_resident_record_leaving(
        actor=w.users["community_staff"], resident=resident,
        left_on=local_today() - datetime.timedelta(days=2),
    )
    w.rejected, w.closed, w.open_one = rejected, closed, open_one
    w.household, w.resident = household, resident
    return w


def test_after_a_year_rejected_complaints_and_leavers_are_anonymised_metrics_unchanged(
    records,
):
    w = records
    as_of = timezone.now()
    full_recompute(as_of)
    before = snapshot_rows()
    assert before  # there is something to compare

    counts = retention.apply_retention(today=local_today() + datetime.timedelta(ONE_YEAR_ON))

    assert counts == {"households_left": 1, "vulnerable_residents_left": 1,
                      "complaints_withdrawn_or_rejected": 1, "complaints_finished": 0}
    rejected = Complaint.objects.get(pk=w.rejected.pk)
    assert (rejected.reporter_name, rejected.reporter_phone) == ("", "")
    assert "13912345678" not in rejected.description
    assert rejected.description == "电梯坏了，请回电 *********** 或 0919-*******"
    assert rejected.address_string == "3号楼2单元 身份证******************"
    assert rejected.status == "rejected" and rejected.rejected_at == w.rejected.rejected_at
    # not yet due: closed less than five years ago, and open
    assert Complaint.objects.get(pk=w.closed.pk).reporter_phone == "13800001111"
    assert Complaint.objects.get(pk=w.open_one.pk).reporter_phone == PHONE
    household = Household.objects.get(pk=w.household.pk)
    assert (household.owner_name, household.phone) == (retention.ANONYMISED, "")
    assert household.room == w.household.room and household.floor_area == w.household.floor_area
    untouched = Household.objects.get(pk=w.households["A1a-c-p-b1-2"].pk)
    assert untouched.owner_name == "业主12" and untouched.phone
    resident = VulnerableResident.objects.get(pk=w.resident.pk)
    assert (resident.name, resident.phone, resident.address) == (
        retention.ANONYMISED, "", retention.ANONYMISED)
    assert resident.note == "儿子电话 ***********"
    assert resident.group == VulnerableGroup.ELDERLY_ALONE
    # the audit says what was done, batch by batch
    events = {e.changes["rule"]: e for e in
              AuditEvent.objects.filter(action=AuditAction.RETENTION_APPLIED)}
    assert set(events) == {"households_left", "vulnerable_residents_left",
                           "complaints_withdrawn_or_rejected"}
    assert events["complaints_withdrawn_or_rejected"].changes["rows"] == 1
    assert events["complaints_withdrawn_or_rejected"].object_type == "complaints.complaint"
    # every metric is unchanged: a full recompute after = before
    full_recompute(as_of)
    assert snapshot_rows() == before


def test_the_nightly_task_after_five_years_takes_the_finished_complaints_too(records):
    w = records
    as_of = timezone.now()
    full_recompute(as_of)
    before = snapshot_rows()

    result = apply_retention.apply().result
    assert result == {"households_left": 0, "vulnerable_residents_left": 0,
                      "complaints_withdrawn_or_rejected": 0, "complaints_finished": 0}
    counts = retention.apply_retention(today=local_today() + datetime.timedelta(SIX_YEARS_ON))

    assert counts["complaints_finished"] == 1
    closed = Complaint.objects.get(pk=w.closed.pk)
    assert (closed.reporter_name, closed.reporter_phone) == ("", "")
    assert Complaint.objects.get(pk=w.open_one.pk).reporter_phone == PHONE
    full_recompute(as_of)
    assert snapshot_rows() == before
    # a second run finds nothing more to do
    again = retention.apply_retention(today=local_today() + datetime.timedelta(SIX_YEARS_ON))
    assert sum(again.values()) == 0


def test_the_tracking_lookup_no_longer_finds_an_anonymised_complaint(records):
    w = records
    code = w.rejected.tracking_code
    assert complaint_for_tracking(code=code, last4="5678") is not None

    retention.apply_retention(today=local_today() + datetime.timedelta(ONE_YEAR_ON))

    assert complaint_for_tracking(code=code, last4="5678") is None
    assert complaint_for_tracking(code=code, last4="") is None


def test_dry_run_changes_nothing_and_the_command_reports(records, settings):
    settings.RETENTION_POLICY = {**settings.RETENTION_POLICY,
                                 "households_after_leaving_days": 0,
                                 "vulnerable_residents_after_leaving_days": 0}
    out = StringIO()

    call_command("apply_retention", "--dry-run", stdout=out)

    assert "households_left: 1 due" in out.getvalue()
    assert "vulnerable_residents_left: 1 due" in out.getvalue()
    assert Household.objects.get(pk=records.household.pk).owner_name != retention.ANONYMISED
    assert not AuditEvent.objects.filter(action=AuditAction.RETENTION_APPLIED).exists()

    call_command("apply_retention", stdout=out)

    assert Household.objects.get(pk=records.household.pk).owner_name == retention.ANONYMISED
    assert AuditEvent.objects.filter(action=AuditAction.RETENTION_APPLIED).count() == 2


def test_batches_each_leave_an_audit_event(cw):
    for key in ("A1a-c-p-b1-1", "A1a-c-p-b1-2", "A1a-c-p-b2-1"):
        retention.household_record_leaving(
            actor=None, household=cw.households[key],
            left_on=local_today() - datetime.timedelta(days=40),
        )

    counts = retention.apply_retention(batch=2)

    assert counts["households_left"] == 3
    rows = sorted(e.changes["rows"] for e in
                  AuditEvent.objects.filter(action=AuditAction.RETENTION_APPLIED))
    assert rows == [1, 2]


def test_the_administrators_page_shows_what_is_due(records, client):
    client.force_login(records.users["superuser"])
    page = client.get("/staff/retention/")
    assert page.status_code == 200
    due = {rule.name: count for rule, count in page.context["due"]}
    assert due == {"households_left": 0, "vulnerable_residents_left": 0,
                   "complaints_withdrawn_or_rejected": 0, "complaints_finished": 0}
    client.force_login(records.users["district_official"])
    assert client.get("/staff/retention/").status_code == 403


def test_leaving_is_recorded_only_inside_ones_area_and_not_in_the_future(cw):
    with pytest.raises(ApplicationError):
        retention.household_record_leaving(
            actor=cw.users["community_staff"], household=cw.households["A1b-c-p-b1-1"],
            left_on=local_today(),
        )
    with pytest.raises(ApplicationError):
        retention.household_record_leaving(
            actor=cw.users["community_staff"], household=cw.households["A1a-c-p-b1-1"],
            left_on=local_today() + datetime.timedelta(days=1),
        )
    assert not Household.objects.filter(left_on__isnull=False).exists()
