"""Owners' committees keep the compound's "has owners' organisation" flag; renovation
projects need a completion date once completed and known kinds of work."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from communities.models import Compound
from properties import services
from properties.models import OwnersCommittee, RenovationProject
from properties.tasks import refresh_owners_organisations

pytestmark = pytest.mark.django_db
D = datetime.date


def test_current_committee_sets_the_flag_and_an_ended_term_clears_it(fw):
    compound = fw.compounds["A1a-c-p"]
    committee = services.owners_committee_create(
        compound=compound, kind="owners_committee", term_start=D(2025, 1, 1),
        term_end=D(2029, 12, 31), members=7, party_members=4,
    )
    assert Compound.objects.get(pk=compound.pk).has_owners_organisation
    services.owners_committee_update(committee=committee, term_end=D(2025, 6, 30))
    assert not Compound.objects.get(pk=compound.pk).has_owners_organisation


def test_refresh_all_follows_the_calendar(fw):
    compound = fw.compounds["A1a-c-p"]
    services.owners_committee_create(
        compound=compound, kind="management_committee", term_start=D(2025, 1, 1),
        term_end=D(2026, 12, 31), members=5, party_members=2,
    )
    assert services.owners_organisation_refresh_all(today=D(2027, 1, 1)) == 1
    assert not Compound.objects.get(pk=compound.pk).has_owners_organisation
    services.owners_organisation_refresh_all(today=D(2026, 6, 1))
    assert Compound.objects.get(pk=compound.pk).has_owners_organisation


def test_party_members_cannot_outnumber_members(fw):
    with pytest.raises(ValidationError) as caught:
        services.owners_committee_create(
            compound=fw.compounds["A1a-c-p"], kind="owners_committee",
            term_start=D(2025, 1, 1), term_end=None, members=5, party_members=6,
        )
    assert "党员" in str(caught.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        OwnersCommittee.objects.create(
            compound=fw.compounds["A1a-c-p"], kind="owners_committee",
            term_start=D(2025, 1, 1), members=5, party_members=6,
        )
    assert not Compound.objects.get(pk=fw.compounds["A1a-c-p"].pk).has_owners_organisation


def test_completed_project_needs_its_date(fw):
    with pytest.raises(ValidationError):
        services.renovation_project_create(
            compound=fw.compounds["A1a-c-p"], year=2025, works=["water", "roads"],
            budget=Decimal("1200000"), status="completed",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RenovationProject.objects.create(
            compound=fw.compounds["A1a-c-p"], year=2025, works=["water"],
            budget=Decimal("1"), status="completed",
        )
    project = services.renovation_project_create(
        compound=fw.compounds["A1a-c-p"], year=2025, works=["water", "lifts"],
        budget=Decimal("1200000"), status="in_progress",
    )
    services.renovation_project_update(
        project=project, status="completed", completion_date=D(2025, 11, 30)
    )
    project.refresh_from_db()
    assert project.status == "completed"
    assert project.get_works_display() == "供排水、加装电梯"


@pytest.mark.parametrize("works", [[], ["water", "water"], ["teleport"]])
def test_works_must_be_known_and_distinct(fw, works):
    with pytest.raises(ValidationError):
        services.renovation_project_create(
            compound=fw.compounds["A1a-c-p"], year=2026, works=works, budget=Decimal("1"),
        )
    assert not RenovationProject.objects.exists()


def test_negative_budget_refused(fw):
    with pytest.raises(ValidationError):
        services.renovation_project_create(
            compound=fw.compounds["A1a-c-p"], year=2026, works=["gas"], budget=Decimal("-1"),
        )


def test_refresh_task_runs_the_service(fw):
    compound = fw.compounds["A1a-c-p"]
    services.owners_committee_create(
        compound=compound, kind="owners_committee", term_start=D(2020, 1, 1),
        term_end=D(2020, 12, 31), members=5, party_members=1,
    )
    Compound.objects.filter(pk=compound.pk).update(has_owners_organisation=True)
    assert refresh_owners_organisations.delay().get() == 1
    assert not Compound.objects.get(pk=compound.pk).has_owners_organisation
