"""Unified social credit codes (GB 32100-2015): real codes pass, corrupted codes are refused
with a clear Chinese message, in the service, the admin and the model."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from properties import services
from properties.credit_code import ALPHABET, is_valid_credit_code
from properties.models import PropertyFirm

pytestmark = pytest.mark.django_db

REAL_CODES = [
    "91350100M000100Y43",  # the standard's own example
    "9144030071526726XG",
    "914403001922038216",
    "91330100799655058B",
    "91110000802100433B",
    "91110108551385082Q",
    "91310000MA1FL1MMXL",
]
CHINESE_MESSAGE = "统一社会信用代码无效"


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert is_valid_credit_code(code)
    assert is_valid_credit_code(code.lower())  # typed in lower case, still the same code


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_single_character_corruption_is_caught(code):
    for position in range(18):
        for replacement in ALPHABET:
            if replacement == code[position]:
                continue
            corrupted = code[:position] + replacement + code[position + 1:]
            assert not is_valid_credit_code(corrupted), corrupted


@pytest.mark.parametrize(
    "code",
    ["", "9135010", "91350100M000100Y4", "91350100M000100Y433", "91350100M000I00Y43",
     "91350100M000O00Y43", "91350100M000S00Y4Z", "91350100M000100Y4!", "９１350100M000100Y43"],
)
def test_malformed_codes_are_refused(code):
    assert not is_valid_credit_code(code)


def test_a_swap_of_two_characters_is_caught():
    code = REAL_CODES[0]
    swapped = code[:5] + code[6] + code[5] + code[7:]
    assert swapped != code
    assert not is_valid_credit_code(swapped)


def test_service_refuses_wrong_code_in_chinese_and_saves_nothing():
    with pytest.raises(ValidationError) as caught:
        services.firm_create(name="某物业", credit_code="91350100M000100Y44",
                             ownership="private")
    assert CHINESE_MESSAGE in str(caught.value.message_dict["credit_code"])
    assert not PropertyFirm.objects.exists()


def test_service_accepts_and_normalises_a_real_code():
    firm = services.firm_create(name="某物业", credit_code=" 91350100m000100y43 ",
                                ownership="private")
    assert firm.credit_code == "91350100M000100Y43"


def test_admin_refuses_wrong_code_with_chinese_message(client, world):
    client.force_login(world.users["superuser"])
    response = client.post(reverse("admin:properties_propertyfirm_add"), {
        "name": "某物业", "credit_code": "91350100M000100Y44", "ownership": "private",
        "red_standing": "",
    })
    assert response.status_code == 200
    assert CHINESE_MESSAGE in response.content.decode()
    assert not PropertyFirm.objects.exists()


def test_admin_creates_firm_through_the_service(client, world):
    client.force_login(world.users["superuser"])
    response = client.post(reverse("admin:properties_propertyfirm_add"), {
        "name": "某物业", "credit_code": "91350100M000100Y43", "ownership": "private",
        "red_standing": "model", "red_standing_year": "2026",
    })
    assert response.status_code == 302
    firm = PropertyFirm.objects.get()
    assert firm.red_standing == "model"


def test_standing_needs_its_year():
    with pytest.raises(ValidationError):
        services.firm_create(name="某物业", credit_code="91350100M000100Y43",
                             ownership="private", red_standing="model")


def test_api_refuses_wrong_code_and_needs_the_permission(client, world):
    body = {"name": "某物业", "credit_code": "91350100M000100Y44", "ownership": "private"}
    client.force_login(world.users["district_official"])
    assert client.post("/api/v1/property-firms/", body,
                       content_type="application/json").status_code == 403
    client.force_login(world.users["superuser"])
    response = client.post("/api/v1/property-firms/", body, content_type="application/json")
    assert response.status_code == 400
    assert CHINESE_MESSAGE in response.json()["error"]["fields"]["credit_code"][0]
    response = client.post("/api/v1/property-firms/", {**body, "credit_code": REAL_CODES[0]},
                           content_type="application/json")
    assert response.status_code == 201
    assert PropertyFirm.objects.get().credit_code == REAL_CODES[0]
