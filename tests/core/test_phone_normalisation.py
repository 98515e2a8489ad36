"""A phone number typed with spaces, dashes, brackets, full-width digits or +86 is
accepted and stored in one form, whichever way it came in (form, service, admin)."""

import pytest
from django.urls import reverse

from communities import services
from complaints.models import Complaint
from core.validators import is_valid_phone, normalise_phone
from tests.complaints.conftest import cw  # noqa: F401 - the complaint world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("+86-139-1234-5678", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        ("0919-1234567", "0919-1234567"),
        ("(0919) 1234567", "09191234567"),
        ("0919 1234567", "09191234567"),
    ],
)
def test_typed_numbers_are_normalised_and_valid(typed, stored):
    assert normalise_phone(typed) == stored
    assert is_valid_phone(typed)


@pytest.mark.parametrize("typed", ["12345", "139 1234 567", "+86 12812345678", "电话"])
def test_wrong_numbers_stay_wrong(typed):
    assert not is_valid_phone(typed)


def test_resident_form_accepts_a_mobile_typed_with_spaces(client, cw):  # noqa: F811
    response = client.post(
        reverse("complaint-new-compound", args=[cw.compounds["A1a-c-p"].pk]),
        {"category": cw.categories["elevator"].pk, "description": "电梯停在三楼不动",
         "reporter_name": "王芳", "reporter_phone": "+86 139 1234-5678", "website": ""},
    )
    assert response.status_code == 302
    assert Complaint.objects.get().reporter_phone == "13912345678"


def test_every_service_stores_the_normalised_number(world):
    household = services.household_create(
        building=world.buildings["A1a-c-p-b1"], room="301", floor_area="80",
        owner_name="李明", phone="+86 138 0000 1111",
    )
    household.refresh_from_db()
    assert household.phone == "13800001111"
