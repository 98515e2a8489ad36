"""The three-step review (三审): branch applies → street first review → district decides.
Only the role of the step, over the point's area, can act; every decision is recorded."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities.models import StaffRole
from core.errors import ApplicationError, ConflictError
from party_orgs import services
from party_orgs.models import DemonstrationReview, PointStatus, ReviewDecision, ReviewStep
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

APPROVE, REJECT = ReviewDecision.APPROVED, ReviewDecision.REJECTED


@pytest.fixture
def point(world, committees):
    return services.demonstration_point_apply(
        actor=world.users["community_staff"], organization=committees["A1a-c"],
        name="幸福新社区", year=2026, goals="五有标准",
    )


def _steps(point):
    return list(
        DemonstrationReview.objects.filter(point=point).order_by("pk").values_list(
            "round", "step", "decision", "reviewer__username", "comment"
        )
    )


def test_full_review_records_every_decision(world, point):
    services.demonstration_point_review(actor=world.users["street_staff"], point=point,
                                        decision=APPROVE, comment="同意推荐")
    point.refresh_from_db()
    assert point.status == PointStatus.AWAITING_DISTRICT
    services.demonstration_point_review(actor=world.users["district_official"], point=point,
                                        decision=APPROVE, comment="审定")
    point.refresh_from_db()
    assert point.status == PointStatus.APPROVED and point.approved_on is not None
    assert _steps(point) == [
        (1, ReviewStep.APPLICATION, ReviewDecision.SUBMITTED, "community_a1a", ""),
        (1, ReviewStep.STREET_REVIEW, APPROVE, "street_a1a", "同意推荐"),
        (1, ReviewStep.DISTRICT_DECISION, APPROVE, "district_a1", "审定"),
    ]
    roles = set(DemonstrationReview.objects.filter(point=point).values_list("reviewer_role",
                                                                            flat=True))
    assert roles == {StaffRole.COMMUNITY_STAFF, StaffRole.STREET_STAFF,
                     StaffRole.DISTRICT_OFFICIAL}


@pytest.mark.parametrize("role", ["community_staff", "grid_worker", "city_official", "nobody",
                                  "superuser"])
def test_wrong_role_cannot_take_the_street_review(world, point, role):
    with pytest.raises(ApplicationError) as refused:
        services.demonstration_point_review(actor=world.users[role], point=point,
                                            decision=APPROVE)
    assert "街道" in str(refused.value.message)
    point.refresh_from_db()
    assert point.status == PointStatus.AWAITING_STREET
    assert len(_steps(point)) == 1


def test_district_cannot_decide_before_the_street(world, point):
    with pytest.raises(ConflictError) as refused:
        services.demonstration_point_review(actor=world.users["district_official"], point=point,
                                            decision=APPROVE)
    assert refused.value.message == "街道党工委尚未初审该申请，区委组织部须在初审之后审定。"
    point.refresh_from_db()
    assert point.status == PointStatus.AWAITING_STREET


def test_street_cannot_review_twice_or_decide(world, point):
    services.demonstration_point_review(actor=world.users["street_staff"], point=point,
                                        decision=APPROVE)
    with pytest.raises(ConflictError) as refused:
        services.demonstration_point_review(actor=world.users["street_staff"], point=point,
                                            decision=APPROVE)
    assert "区委组织部" in refused.value.message
    assert len(_steps(point)) == 2


def test_other_street_and_other_district_are_refused(world, point):
    other_street = staff_user("street_a1b", StaffRole.STREET_STAFF, world.streets["A1b"])
    with pytest.raises(ApplicationError) as refused:
        services.demonstration_point_review(actor=other_street, point=point, decision=APPROVE)
    assert refused.value.status_code == 404
    services.demonstration_point_review(actor=world.users["street_staff"], point=point,
                                        decision=APPROVE)
    other_district = staff_user("district_a2", StaffRole.DISTRICT_OFFICIAL,
                                world.districts["A2"])
    with pytest.raises(ApplicationError):
        services.demonstration_point_review(actor=other_district, point=point, decision=APPROVE)
    point.refresh_from_db()
    assert point.status == PointStatus.AWAITING_DISTRICT


def test_decided_point_cannot_be_reviewed_again(world, point):
    services.demonstration_point_review(actor=world.users["street_staff"], point=point,
                                        decision=APPROVE)
    services.demonstration_point_review(actor=world.users["district_official"], point=point,
                                        decision=APPROVE)
    with pytest.raises(ConflictError):
        services.demonstration_point_review(actor=world.users["district_official"],
                                            point=point, decision=REJECT, comment="x")


def test_rejection_needs_a_reason(world, point):
    with pytest.raises(ApplicationError) as refused:
        services.demonstration_point_review(actor=world.users["street_staff"], point=point,
                                            decision=REJECT, comment="  ")
    assert refused.value.message == "请填写退回申请的理由。"
    assert len(_steps(point)) == 1


def test_rejected_application_is_revised_and_resubmitted_with_history(world, point):
    street, district = world.users["street_staff"], world.users["district_official"]
    services.demonstration_point_review(actor=street, point=point, decision=APPROVE)
    services.demonstration_point_review(actor=district, point=point, decision=REJECT,
                                        comment="目标不具体")
    point.refresh_from_db()
    assert point.status == PointStatus.REJECTED
    # Nobody reviews a returned application until it is resubmitted.
    with pytest.raises(ConflictError):
        services.demonstration_point_review(actor=street, point=point, decision=APPROVE)
    # Only the community's staff resubmit.
    with pytest.raises(ApplicationError):
        services.demonstration_point_resubmit(actor=street, point=point, goals="新目标")
    services.demonstration_point_resubmit(actor=world.users["community_staff"], point=point,
                                          goals="细化后的目标", comment="已细化")
    point.refresh_from_db()
    assert (point.status, point.round, point.goals) == (
        PointStatus.AWAITING_STREET, 2, "细化后的目标"
    )
    services.demonstration_point_review(actor=street, point=point, decision=APPROVE)
    services.demonstration_point_review(actor=district, point=point, decision=APPROVE)
    assert [(r, s, d) for r, s, d, _u, _c in _steps(point)] == [
        (1, ReviewStep.APPLICATION, ReviewDecision.SUBMITTED),
        (1, ReviewStep.STREET_REVIEW, APPROVE),
        (1, ReviewStep.DISTRICT_DECISION, REJECT),
        (2, ReviewStep.APPLICATION, ReviewDecision.SUBMITTED),
        (2, ReviewStep.STREET_REVIEW, APPROVE),
        (2, ReviewStep.DISTRICT_DECISION, APPROVE),
    ]


def test_only_community_staff_of_the_community_apply(world, committees):
    for role in ("street_staff", "district_official", "grid_worker"):
        with pytest.raises(ApplicationError):
            services.demonstration_point_apply(
                actor=world.users[role], organization=committees["A1a-c"], name="x", year=2026,
                goals="g",
            )
    with pytest.raises(ApplicationError):
        services.demonstration_point_apply(
            actor=world.users["community_staff"], organization=committees["A1b-c"], name="x",
            year=2026, goals="g",
        )


def test_review_page_refuses_wrong_role_in_chinese(client, world, point):
    client.force_login(world.users["district_official"])
    response = client.post(reverse("party-point-review", args=[point.pk]),
                           {"decision": APPROVE, "comment": ""})
    assert response.status_code == 400
    assert "街道党工委尚未初审该申请" in response.content.decode()
    client.force_login(world.users["street_staff"])
    response = client.post(reverse("party-point-review", args=[point.pk]),
                           {"decision": APPROVE, "comment": "同意"})
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.status == PointStatus.AWAITING_DISTRICT
    page = client.get(reverse("party-point-detail", args=[point.pk])).content.decode()
    assert "同意" in page and "街道初审" in page


def test_review_api_refuses_wrong_role_with_structured_error(client, world, point):
    client.force_login(world.users["community_staff"])
    url = f"/api/v1/demonstration-points/{point.pk}/review/"
    response = client.post(url, {"decision": APPROVE}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "wrong_role"
    client.force_login(world.users["street_staff"])
    response = client.post(url, {"decision": APPROVE}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == PointStatus.AWAITING_DISTRICT
    assert len(response.json()["reviews"]) == 2
    client.force_login(world.users["street_staff"])
    other = client.get(f"/api/v1/demonstration-points/{point.pk + 999}/")
    assert other.status_code == 404


def test_assessment_only_for_approved_points_once_a_year(world, point):
    scores = dict.fromkeys(("organisation", "governance", "service", "neighbourliness",
                            "safety"), 18)
    evidence = dict.fromkeys(scores, "台账")
    with pytest.raises(ApplicationError):
        services.demonstration_assessment_record(actor=world.users["district_official"],
                                                 point=point, year=2026, scores=scores,
                                                 evidence=evidence)
    services.demonstration_point_review(actor=world.users["street_staff"], point=point,
                                        decision=APPROVE)
    services.demonstration_point_review(actor=world.users["district_official"], point=point,
                                        decision=APPROVE)
    assessment = services.demonstration_assessment_record(
        actor=world.users["district_official"], point=point, year=2026, scores=scores,
        evidence=evidence,
    )
    assert assessment.total == 90
    with pytest.raises(ConflictError):
        services.demonstration_assessment_record(actor=world.users["district_official"],
                                                 point=point, year=2026, scores=scores,
                                                 evidence=evidence)

    with pytest.raises(ValidationError):
        services.demonstration_assessment_record(
            actor=world.users["district_official"], point=point, year=2027,
            scores={**scores, "safety": 21}, evidence=evidence,
        )
