"""The state machine (DESIGN §6): every illegal transition is refused with a clear
Chinese message and changes nothing; roles may only do their part; two people acting
at once — one wins, the other is told to reload."""

import datetime

import pytest

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Status
from core.errors import ApplicationError, ConflictError

from .conftest import advance, make_complaint

pytestmark = pytest.mark.django_db

ALL_STATES = ["submitted", "accepted", "dispatched", "in_progress", "resolved", "closed",
              "rejected", "reopened"]
LEGAL = {
    "accept": {"submitted"},
    "dispatch": {"accepted"},
    "start": {"dispatched", "reopened"},
    "progress": {"accepted", "dispatched", "in_progress", "reopened"},
    "resolve": {"in_progress"},
    "close": {"resolved"},
    "reject": {"submitted", "accepted"},
    "duplicate": {"submitted", "accepted"},
    "reopen": {"resolved"},
    "feedback": {"resolved"},
}


def _call(w, action, complaint, original=None, admin=False):
    staff, firm_staff = w.users["community_staff"], w.users["firm_staff"]
    if admin:  # may do anything anywhere: only the state can refuse
        staff = firm_staff = w.users["superuser"]
    pk = complaint.pk
    if action == "accept":
        return services.complaint_accept(complaint_id=pk, actor=staff)
    if action == "dispatch":
        return services.complaint_dispatch(complaint_id=pk, actor=staff, target="community")
    if action == "start":
        return services.complaint_start(complaint_id=pk, actor=firm_staff)
    if action == "progress":
        return services.complaint_add_progress(complaint_id=pk, actor=staff, note="进展")
    if action == "resolve":
        return services.complaint_resolve(complaint_id=pk, actor=firm_staff, note="修好了")
    if action == "close":
        return services.complaint_close(complaint_id=pk, actor=staff)
    if action == "reject":
        return services.complaint_reject(complaint_id=pk, actor=staff, note="无效")
    if action == "duplicate":
        return services.complaint_mark_duplicate(complaint_id=pk, actor=staff,
                                                 duplicate_of=original.tracking_code)
    if action == "reopen":
        return services.complaint_reopen(complaint_id=pk, actor=staff, note="未修好")
    if action == "feedback":
        return services.complaint_record_feedback(complaint_id=pk, resolved=True,
                                                  satisfaction="satisfied")
    raise AssertionError(action)


ILLEGAL = [(action, state) for action in LEGAL for state in ALL_STATES
           if state not in LEGAL[action]]
LEGAL_PAIRS = [(action, state) for action in LEGAL for state in sorted(LEGAL[action])]


@pytest.mark.parametrize(("action", "state"), ILLEGAL)
def test_illegal_transition_is_refused_and_changes_nothing(cw, action, state):
    original = make_complaint(cw, description="先前反映过的电梯故障")
    complaint = advance(cw, make_complaint(cw), state)
    events = ComplaintEvent.objects.filter(complaint=complaint).count()
    version = complaint.version
    with pytest.raises(ApplicationError) as excinfo:
        _call(cw, action, complaint, original, admin=True)
    assert "不能" in str(excinfo.value.message)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.version) == (state, version)
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == events


@pytest.mark.parametrize(("action", "state"), LEGAL_PAIRS)
def test_legal_transition_writes_one_timeline_event(cw, action, state):
    original = make_complaint(cw, description="先前反映过的电梯故障")
    complaint = advance(cw, make_complaint(cw), state)
    before = ComplaintEvent.objects.filter(complaint=complaint).count()
    _call(cw, action, complaint, original)
    after = ComplaintEvent.objects.filter(complaint=complaint).count()
    assert after - before == (2 if action == "feedback" else 1)  # feedback also closes


@pytest.mark.parametrize(
    ("role", "action"),
    [("grid_worker", "accept"), ("firm_staff", "accept"), ("street_staff", "accept"),
     ("district_official", "reject"), ("firm_staff", "dispatch")],
)
def test_roles_without_the_right_are_refused(cw, role, action):
    complaint = make_complaint(cw)
    if action == "dispatch":
        advance(cw, complaint, "accepted")
    call = {"accept": services.complaint_accept, "reject": services.complaint_reject,
            "dispatch": services.complaint_dispatch}[action]
    kwargs = {"reject": {"note": "x"}, "dispatch": {"target": "community"}}.get(action, {})
    with pytest.raises(ApplicationError) as excinfo:
        call(complaint_id=complaint.pk, actor=cw.users[role], **kwargs)
    assert excinfo.value.status_code in (403, 404)


def test_only_the_handler_works_the_complaint(cw):
    complaint = make_complaint(cw)
    advance(cw, complaint, "accepted")
    services.complaint_dispatch(complaint_id=complaint.pk, actor=cw.users["community_staff"],
                                target=f"grid:{cw.grids['A1a-c-g'].pk}")
    # Dispatched to the grid: the firm (which serves the compound) may not start it.
    with pytest.raises(ApplicationError):
        services.complaint_start(complaint_id=complaint.pk, actor=cw.users["firm_staff"])
    services.complaint_start(complaint_id=complaint.pk, actor=cw.users["grid_worker"])
    assert Complaint.objects.get(pk=complaint.pk).status == Status.IN_PROGRESS


@pytest.mark.parametrize("target", ["firm:{other}", "grid:{foreign_grid}", "bogus", ""])
def test_dispatch_only_to_firm_with_contract_grid_of_community_or_community(cw, target):
    complaint = advance(cw, make_complaint(cw), "accepted")
    target = target.format(other=cw.firms["other"].pk, foreign_grid=cw.grids["B1a-c-g"].pk)
    with pytest.raises(ApplicationError):
        services.complaint_dispatch(complaint_id=complaint.pk,
                                    actor=cw.users["community_staff"], target=target)
    assert Complaint.objects.get(pk=complaint.pk).status == Status.ACCEPTED


def test_duplicate_must_point_at_another_complaint_of_the_compound(cw):
    complaint = make_complaint(cw)
    elsewhere = make_complaint(cw, compound="A1b-c-p")
    for code in (complaint.tracking_code, elsewhere.tracking_code, "NOSUCHCODE22"):
        with pytest.raises(ApplicationError):
            services.complaint_mark_duplicate(complaint_id=complaint.pk,
                                              actor=cw.users["community_staff"],
                                              duplicate_of=code)
    original = make_complaint(cw)
    services.complaint_mark_duplicate(complaint_id=complaint.pk,
                                      actor=cw.users["community_staff"],
                                      duplicate_of=original.tracking_code.lower())
    complaint.refresh_from_db()
    assert complaint.status == Status.REJECTED and complaint.duplicate_of == original
    assert complaint.rejection_kind == "duplicate"


def test_stale_version_gets_a_conflict_and_nothing_is_lost(cw):
    complaint = make_complaint(cw)
    seen = complaint.version
    staff = cw.users["community_staff"]
    services.complaint_accept(complaint_id=complaint.pk, actor=staff, version=seen)
    with pytest.raises(ConflictError) as excinfo:
        services.complaint_reject(complaint_id=complaint.pk, actor=staff, note="无效",
                                  version=seen)
    assert excinfo.value.status_code == 409
    assert "其他人" in str(excinfo.value.message)
    complaint.refresh_from_db()
    assert complaint.status == Status.ACCEPTED


def test_conflict_through_the_workbench_is_a_clear_409(client, cw):
    complaint = make_complaint(cw)
    client.force_login(cw.users["community_staff"])
    url = f"/staff/complaints/{complaint.pk}/"
    stale = complaint.version
    assert client.post(url + "accept/", {"version": stale}).status_code == 302
    response = client.post(url + "reject/", {"version": stale, "note": "无效"})
    assert response.status_code == 409
    assert "这件诉求刚刚已被其他人修改，请刷新页面后重试。" in response.content.decode()
    assert Complaint.objects.get().status == Status.ACCEPTED


def test_illegal_transition_through_the_workbench_is_refused_in_chinese(client, cw):
    complaint = make_complaint(cw)
    client.force_login(cw.users["community_staff"])
    response = client.post(f"/staff/complaints/{complaint.pk}/close/",
                           {"version": complaint.version})
    assert response.status_code == 400
    assert "状态为“已提交”的诉求不能结案。" in response.content.decode()


def test_resident_feedback_only_within_seven_days(cw):
    complaint = advance(cw, make_complaint(cw), "resolved")
    Complaint.objects.filter(pk=complaint.pk).update(
        resolved_at=complaint.resolved_at - datetime.timedelta(days=8)
    )
    with pytest.raises(ApplicationError) as excinfo:
        services.complaint_record_feedback(complaint_id=complaint.pk, resolved=True,
                                           satisfaction="satisfied")
    assert "7 天" in str(excinfo.value.message)
    # Staff can still record a follow-up call.
    services.complaint_record_feedback(complaint_id=complaint.pk, resolved=True,
                                       satisfaction="satisfied",
                                       actor=cw.users["community_staff"])
    assert Complaint.objects.get(pk=complaint.pk).status == Status.CLOSED
