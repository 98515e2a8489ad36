"""Inspection photos are served by a scoped staff view (media are not served in
production): each role gets the photo or a 404 as its scope says, never /media/."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from properties import services

from .test_disclosures import png_bytes

pytestmark = pytest.mark.django_db

# Who sees a photo of firm 甲's compound A1a-c-p (city A, district A1, street A1a) and of
# firm 乙's compound B1a-c-p (city B).
EXPECTED = {
    "superuser": {"A1a-c-p": 200, "B1a-c-p": 200},
    "city_official": {"A1a-c-p": 200, "B1a-c-p": 404},
    "district_official": {"A1a-c-p": 200, "B1a-c-p": 404},
    "street_staff": {"A1a-c-p": 200, "B1a-c-p": 404},
    "community_staff": {"A1a-c-p": 200, "B1a-c-p": 404},
    "grid_worker": {"A1a-c-p": 404, "B1a-c-p": 404},  # no inspections in a grid's remit
    "firm_staff": {"A1a-c-p": 200, "B1a-c-p": 404},  # the firm holding A1a's contract
    "other_firm_staff": {"A1a-c-p": 404, "B1a-c-p": 200},
    "nobody": {"A1a-c-p": 404, "B1a-c-p": 404},
}


def record(fw, compound, *, photo=True, fmt="PNG"):
    spec = {"clause": "楼道保洁", "passed": False, "note": "有垃圾"}
    if photo:
        spec["photo"] = SimpleUploadedFile("现场.jpg", png_bytes(fmt))
    inspection = services.inspection_record(
        contract=fw.contracts[compound], date=datetime.date(2026, 6, 15),
        inspector=fw.users["superuser"], items=[spec],
    )
    return inspection.items.get()


def photo_url(item):
    return reverse("inspection-photo", args=[item.pk])


@pytest.fixture
def items(fw):
    return {name: record(fw, name) for name in ("A1a-c-p", "B1a-c-p")}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_gets_the_photo_or_404_as_its_scope_says(client, fw, items, role):
    client.force_login(fw.users[role])
    for compound, expected in EXPECTED[role].items():
        response = client.get(photo_url(items[compound]))
        assert response.status_code == expected, (role, compound, response.status_code)
        if expected == 200:
            assert b"".join(response.streaming_content) == png_bytes()


def test_photo_headers(client, fw, items):
    client.force_login(fw.users["community_staff"])
    response = client.get(photo_url(items["A1a-c-p"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    assert response["Content-Disposition"] == "inline"


def test_jpeg_photo_is_served_as_jpeg(client, fw):
    item = record(fw, "A1a-c-p", fmt="JPEG")
    assert item.photo.name.endswith(".jpg")
    client.force_login(fw.users["street_staff"])
    assert client.get(photo_url(item))["Content-Type"] == "image/jpeg"


def test_anonymous_is_sent_to_the_login(client, fw, items):
    response = client.get(photo_url(items["A1a-c-p"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_no_photo_missing_file_unknown_item_and_bad_content_are_404(client, fw, items):
    client.force_login(fw.users["superuser"])
    without = record(fw, "A1a-c-p", photo=False)
    assert client.get(photo_url(without)).status_code == 404
    assert client.get(reverse("inspection-photo", args=[999999])).status_code == 404
    item = items["A1a-c-p"]
    item.photo.storage.delete(item.photo.name)  # the file went missing on disk
    assert client.get(photo_url(item)).status_code == 404
    other = items["B1a-c-p"]
    with open(other.photo.path, "wb") as handle:  # replaced by something not an image
        handle.write(b"<html><script>alert(1)</script></html>")
    assert client.get(photo_url(other)).status_code == 404


def test_admin_change_page_links_the_scoped_view_not_media(client, fw, items, settings):
    item = items["A1a-c-p"]
    client.force_login(fw.users["community_staff"])
    response = client.get(reverse("admin:properties_inspection_change",
                                  args=[item.inspection_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{photo_url(item)}"' in html
    assert "查看照片" in html
    assert f"/{settings.MEDIA_URL}" not in html and item.photo.name not in html
    # the admin add page still takes photos
    response = client.get(reverse("admin:properties_inspection_add"))
    assert response.status_code == 200 and 'type="file"' in response.content.decode()


def test_admin_item_without_photo_shows_no_link(client, fw):
    item = record(fw, "A1a-c-p", photo=False)
    client.force_login(fw.users["superuser"])
    response = client.get(reverse("admin:properties_inspection_change",
                                  args=[item.inspection_id]))
    assert response.status_code == 200
    assert reverse("inspection-photo", args=[item.pk]) not in response.content.decode()
