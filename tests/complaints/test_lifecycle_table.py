"""The lifecycle table (``complaints.lifecycle``) is the one description of the state
machine: the state table × actions is refused exactly where DESIGN §6 says (pure, no
database), each permission rule holds, every row names a service with the uniform
signature, and every action is reachable from the workbench and from the API with
the same result."""

import inspect
from dataclasses import dataclass, field

import pytest
from django.urls import resolve, reverse

from communities.access.scoping import Scope
from communities.models import StaffRole
from complaints import lifecycle, services
from complaints.api import TRANSITION_SERIALIZERS, ComplaintViewSet
from complaints.forms import ActionForm
from complaints.lifecycle import MANAGE, TRANSITIONS, WORK
from complaints.models import Complaint, ComplaintEvent, ComplaintPhoto, HandlerKind, Status
from core.errors import ApplicationError

from .conftest import advance, image_file, make_complaint

ALL_STATES = list(Status.values)
# DESIGN §6, written out again by hand: action → the states it may start from.
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
PAIRS = [(action, state) for action in LEGAL for state in ALL_STATES]


@dataclass
class Actor:
    """A user as far as the permission rules look at one: no database."""

    perms: set = field(default_factory=set)
    is_superuser: bool = False
    is_authenticated: bool = True

    def has_perm(self, perm):
        return self.is_superuser or perm in self.perms


ADMIN = Actor(is_superuser=True)
FIRM = Scope(role=StaffRole.FIRM_STAFF, level="firm", node_id=7)
OTHER_FIRM = Scope(role=StaffRole.FIRM_STAFF, level="firm", node_id=8)
GRID = Scope(role=StaffRole.GRID_WORKER, level="grid", node_id=3)
COMMUNITY = Scope(role=StaffRole.COMMUNITY_STAFF, level="community", node_id=1)


def _complaint(status, handler=HandlerKind.FIRM):
    return Complaint(status=status, handler_kind=handler, handler_firm_id=7, handler_grid_id=3)


# ----------------------------------------------------------------------------- pure


def test_the_table_has_every_action_of_the_design():
    assert set(TRANSITIONS) == set(LEGAL)
    assert {a: set(states) for a, states in lifecycle.ALLOWED_FROM.items()} == LEGAL


@pytest.mark.parametrize(("action", "state"), PAIRS)
def test_state_table_times_actions(action, state):
    complaint = _complaint(state)
    legal = state in LEGAL[action]
    assert lifecycle.may_start_from(state, action) is legal
    assert lifecycle.can_act(ADMIN, complaint, action) is legal  # only the state refuses
    if legal:
        lifecycle.check_state(complaint, action)
        lifecycle.check_can_act(ADMIN, complaint, action)
    else:
        with pytest.raises(ApplicationError) as excinfo:
            lifecycle.check_can_act(ADMIN, complaint, action)
        assert excinfo.value.code == "invalid_transition"
        assert "不能" in str(excinfo.value.message)


@pytest.mark.parametrize("action", list(LEGAL))
def test_nobody_without_login_or_permission_may_act(action):
    state = sorted(LEGAL[action])[0]
    complaint = _complaint(state)
    assert not lifecycle.can_act(None, complaint, action)
    assert not lifecycle.can_act(Actor(is_authenticated=False, is_superuser=True), complaint,
                                 action)
    assert not lifecycle.can_act(Actor(), complaint, action, scope=FIRM)
    other = {MANAGE, WORK} - {TRANSITIONS[action].permission}
    assert not lifecycle.can_act(Actor(perms=other), complaint, action, scope=COMMUNITY)
    with pytest.raises(ApplicationError) as excinfo:
        lifecycle.check_can_act(Actor(), complaint, action)
    assert excinfo.value.status_code == 403


@pytest.mark.parametrize("action", ["start", "resolve", "progress"])
def test_only_the_handler_works_the_complaint(action):
    state = {"start": "dispatched", "resolve": "in_progress", "progress": "in_progress"}[action]
    worker = Actor(perms={WORK})
    to_firm = _complaint(state, HandlerKind.FIRM)
    to_grid = _complaint(state, HandlerKind.GRID)
    to_community = _complaint(state, HandlerKind.COMMUNITY)
    assert lifecycle.can_act(worker, to_firm, action, scope=FIRM)
    assert not lifecycle.can_act(worker, to_firm, action, scope=OTHER_FIRM)
    assert not lifecycle.can_act(worker, to_firm, action, scope=GRID)
    assert lifecycle.can_act(worker, to_grid, action, scope=GRID)
    assert not lifecycle.can_act(worker, to_grid, action, scope=FIRM)
    assert lifecycle.can_act(worker, to_community, action, scope=COMMUNITY)
    assert not lifecycle.can_act(worker, to_community, action, scope=FIRM)
    undispatched = _complaint(state, "")
    assert not lifecycle.can_act(worker, undispatched, action, scope=COMMUNITY)
    manager = Actor(perms={WORK, MANAGE})
    # Community staff manage: they may note progress on any complaint, not work it.
    assert lifecycle.can_act(manager, to_firm, action, scope=COMMUNITY) is (action == "progress")


def test_managing_actions_do_not_depend_on_the_handler():
    manager = Actor(perms={MANAGE})
    for action, transition in TRANSITIONS.items():
        if transition.permission != MANAGE:
            continue
        complaint = _complaint(sorted(LEGAL[action])[0], HandlerKind.GRID)
        assert lifecycle.can_act(manager, complaint, action, scope=FIRM)


def test_available_actions_follow_the_table():
    assert lifecycle.available_actions(ADMIN, _complaint("resolved")) == [
        "close", "reopen", "feedback"]
    assert lifecycle.available_actions(ADMIN, _complaint("closed")) == []
    assert lifecycle.available_actions(Actor(perms={WORK}), _complaint("in_progress"),
                                       scope=FIRM) == ["progress", "resolve"]


@pytest.mark.parametrize("action", list(LEGAL))
def test_each_row_names_a_service_with_the_uniform_signature(action):
    transition = TRANSITIONS[action]
    service = getattr(services, transition.service)
    parameters = inspect.signature(service).parameters
    assert all(p.kind == p.KEYWORD_ONLY for p in parameters.values())
    assert {"complaint_id", "actor", "version", "note"} <= set(parameters)
    assert parameters["note"].default == ""
    assert parameters["version"].default is None
    assert set(parameters) == {"complaint_id", "actor", "version", *transition.fields}


@pytest.mark.parametrize("action", list(LEGAL))
def test_the_form_the_request_and_the_routes_take_the_row_s_fields(action):
    transition = TRANSITIONS[action]
    form = ActionForm(action=action, complaint=None)
    assert set(transition.fields) <= set(form.fields)
    assert [f.name for f in form.input_fields] == list(transition.inputs)
    assert str(form.fields["note"].label) == str(transition.note_label)
    serializer = TRANSITION_SERIALIZERS[action]()
    assert set(serializer.fields) == {"version", *transition.fields}
    assert serializer.fields["note"].required is transition.note_required
    match = resolve(f"/api/v1/complaints/1/{transition.url_segment}/")
    assert match.func.cls is ComplaintViewSet and list(match.func.actions) == ["post"]
    endpoint = getattr(ComplaintViewSet, match.func.actions["post"])
    assert endpoint.url_path == transition.url_segment
    page = reverse("complaint-act", args=[1, action])
    assert resolve(page).kwargs == {"pk": 1, "action": action}


# ----------------------------------------------------------------------------- through


def _inputs(w, action, original):
    return {
        "accept": {"note": "受理"},
        "dispatch": {"target": f"firm:{w.firms['firm'].pk}", "note": "请物业处理"},
        "start": {},
        "progress": {"note": "已联系住户"},
        "resolve": {"note": "已修好"},
        "close": {},
        "reject": {"note": "不属于管理范围"},
        "duplicate": {"duplicate_of": original.tracking_code, "note": "同一问题"},
        "reopen": {"note": "回访：仍未修好"},
        "feedback": {"resolved": "yes", "satisfaction": "satisfied", "note": "很满意"},
    }[action]


def _outcome(complaint):
    complaint.refresh_from_db()
    events = list(ComplaintEvent.objects.filter(complaint=complaint).order_by("pk"))
    return {
        "status": complaint.status, "version": complaint.version,
        "handler": (complaint.handler_kind, complaint.handler_firm_id),
        "rejection": (complaint.rejection_kind, complaint.rejection_reason),
        "duplicate_of": complaint.duplicate_of_id,
        "feedback": (complaint.resident_resolved, complaint.satisfaction,
                     complaint.satisfaction_comment, complaint.feedback_source),
        "events": [(e.kind, e.from_status, e.to_status, e.note, e.actor_id) for e in events],
        "photos": ComplaintPhoto.objects.filter(complaint=complaint).count(),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(LEGAL))
def test_every_action_is_reachable_from_the_page_and_the_api_alike(client, cw, action):
    state = sorted(LEGAL[action])[0]
    original = make_complaint(cw, description="先前反映过的电梯故障")
    by_page = advance(cw, make_complaint(cw), state)
    by_api = advance(cw, make_complaint(cw), state)
    actor = cw.users["firm_staff" if action in ("start", "resolve") else "community_staff"]
    client.force_login(actor)
    inputs = _inputs(cw, action, original)

    seen = by_page.version
    page_data = {**inputs, "version": by_page.version}
    api_data = {**inputs, "version": by_api.version}
    if action == "resolve":
        page_data["photos"] = [image_file()]
        api_data["photos"] = [image_file()]
    response = client.post(reverse("complaint-act", args=[by_page.pk, action]), page_data)
    assert response.status_code == 302, response.content.decode()[:2000]
    segment = TRANSITIONS[action].url_segment
    response = client.post(f"/api/v1/complaints/{by_api.pk}/{segment}/", api_data)
    assert response.status_code == 200, response.content
    assert response.json()["status"] in TRANSITIONS[action].to_states or action == "progress"

    page, api = _outcome(by_page), _outcome(by_api)
    assert page == api
    assert page["status"] in (TRANSITIONS[action].to_states or (state,))
    assert page["version"] == seen + (2 if action == "feedback" else 1)  # feedback closes too


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["close", "start", "feedback"])
def test_a_refused_action_is_refused_alike_by_the_page_and_the_api(client, cw, action):
    complaint = make_complaint(cw)  # submitted: none of these may start from it
    client.force_login(cw.users["community_staff"])
    data = {"version": complaint.version, "resolved": "yes", "satisfaction": "satisfied"}
    page = client.post(reverse("complaint-act", args=[complaint.pk, action]), data)
    api = client.post(f"/api/v1/complaints/{complaint.pk}/{action}/", data)
    assert page.status_code == api.status_code == 400
    message = api.json()["error"]["message"]
    assert api.json()["error"]["code"] == "invalid_transition" and "不能" in message
    assert message in page.content.decode()
    complaint.refresh_from_db()
    assert (complaint.status, ComplaintEvent.objects.filter(complaint=complaint).count()) == (
        Status.SUBMITTED, 1)
