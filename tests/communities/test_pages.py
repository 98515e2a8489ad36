"""Public pages, the staff workbench and exports."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from communities import services
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_home_page_is_chinese(client, world):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "红色物业" in body
    assert "工作人员登录" in body
    assert 'name="viewport"' in body


def test_english_is_available(client, world):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Red Property" in response.content.decode()


def test_directory_drills_down_to_compounds(client, world):
    response = client.get(reverse("compound-directory"))
    assert {d.name for d in response.context["items"]} == {"A1", "A2", "B1"}
    response = client.get(reverse("compound-directory"), {"district": world.districts["A1"].pk})
    assert {s.name for s in response.context["items"]} == {"A1a", "A1b"}
    response = client.get(reverse("compound-directory"), {"street": world.streets["A1a"].pk})
    assert {c.name for c in response.context["items"]} == {"A1a-c"}
    response = client.get(
        reverse("compound-directory"), {"community": world.communities["A1a-c"].pk}
    )
    assert {c.name for c in response.context["items"]} == {"A1a-c-p"}


def test_directory_search_by_name_or_pinyin_initials(client, world):
    services.compound_create(
        community=world.communities["A1a-c"], name="林园小区", declared_households=10,
        floor_area=Decimal("100"),
    )
    for text in ("林园", "lyxq", "LY"):
        response = client.get(reverse("compound-directory"), {"q": text})
        assert [c.name for c in response.context["results"]] == ["林园小区"], text


@pytest.mark.parametrize("bad", ["x" * 500, "%", "' OR 1=1 --", "\x00", "abc\u202e"])
def test_directory_bad_input_is_harmless(client, world, bad):
    response = client.get(reverse("compound-directory"), {"q": bad})
    # A NUL character is refused before the page (issue 16); anything else is searched.
    assert response.status_code == (400 if "\x00" in bad else 200)
    response = client.get(reverse("compound-directory"), {"q": "林园", "district": "abc"})
    assert response.status_code == 200
    # A district id that looks like a number but is not one is a clear 400 (issue 16).
    response = client.get(reverse("compound-directory"), {"q": "林园", "district": "-3"})
    assert response.status_code == 400 and "整数" in response.content.decode()


def test_staff_home_needs_login(client, world):
    response = client.get(reverse("staff-home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_staff_home_lists_only_scope(client, world):
    client.force_login(world.users["district_official"])
    response = client.get(reverse("staff-home"))
    assert response.status_code == 200
    assert {c.name for c in response.context["page"]} == {"A1a-c-p", "A1b-c-p"}
    assert response.context["counts"]["households"] == 8
    assert "B1a-c-p" not in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response[
        "Cache-Control"
    ]


def test_staff_home_query_count_is_flat(client, world):
    client.force_login(world.users["superuser"])
    client.get(reverse("staff-home"))  # the official calendar is read once, then cached
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("staff-home"))
    for i in range(30):
        services.compound_create(
            community=world.communities["B1a-c"], name=f"新小区{i}", declared_households=1,
            floor_area=Decimal("1"),
        )
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("staff-home"))
    assert len(large) == len(small)


def _sheet_rows(response):
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_compound_export_is_scoped_with_chinese_headers(client, world):
    client.force_login(world.users["street_staff"])
    response = client.get(reverse("compound-export"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    rows = _sheet_rows(response)
    assert rows[0][:4] == ["区县", "街道", "社区", "小区"]
    assert [r[3] for r in rows[1:]] == ["A1a-c-p"]


def test_household_export_masks_phone_without_pii(client, world):
    household = world.households["A1a-c-p-b1-1"]
    client.force_login(world.users["district_official"])
    rows = _sheet_rows(client.get(reverse("household-export")))
    assert len(rows) == 1 + 8
    phones = {r[6] for r in rows[1:]}
    assert household.phone not in phones
    assert f"{household.phone[:3]}****{household.phone[-4:]}" in phones

    client.force_login(world.users["community_staff"])
    rows = _sheet_rows(client.get(reverse("household-export")))
    assert len(rows) == 1 + 4
    assert household.phone in {r[6] for r in rows[1:]}


def test_export_refused_for_anonymous(client, world):
    assert client.get(reverse("household-export")).status_code == 302


def test_login_page_and_login(client, world):
    response = client.get(reverse("login"))
    assert "登录" in response.content.decode()
    response = client.post(reverse("login"), {"username": "community_a1a", "password": PASSWORD})
    assert response.status_code == 302
    response = client.post(reverse("login"), {"username": "community_a1a", "password": "wrong"})
    assert response.status_code == 200
    assert "error" in response.content.decode()
