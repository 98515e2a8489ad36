"""Photos are decoded and re-encoded: the stored copy carries no EXIF (no GPS)."""

import pytest
from django.urls import reverse
from PIL import Image

from complaints.models import Complaint
from complaints.photos import clean_photo

from .conftest import PHONE, image_file, make_complaint

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "fmt"), [("gps.jpg", "JPEG"), ("gps.webp", "WEBP"),
                                           ("gps.png", "PNG")])
def test_exif_and_gps_are_gone_from_stored_photos(client, cw, name, fmt):
    upload = image_file(name, fmt, exif_gps=True)
    with Image.open(upload) as original:
        assert original.getexif().get_ifd(0x8825), "the test photo must carry GPS"
    upload.seek(0)
    response = client.post(
        reverse("complaint-new-compound", args=[cw.compounds["A1a-c-p"].pk]),
        {"category": cw.categories["elevator"].pk, "description": "电梯按钮失灵",
         "reporter_name": "王芳", "reporter_phone": PHONE, "website": "",
         "photos": [upload]},
    )
    assert response.status_code == 302
    photo = Complaint.objects.get().photos.get()
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert image.size == (64, 48)
    raw = photo.image.open("rb").read()
    assert b"Exif" not in raw and b"PhoneMaker" not in raw


def test_staff_see_photos_only_in_their_scope(client, cw):
    complaint = make_complaint(cw, compound="B1a-c-p", photos=[clean_photo(image_file())])
    photo = complaint.photos.get()
    client.force_login(cw.users["community_staff"])
    assert client.get(f"/staff/complaints/photos/{photo.pk}/").status_code == 404
    client.force_login(cw.users["superuser"])
    response = client.get(f"/staff/complaints/photos/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_photo_whose_file_is_gone_is_a_404_not_a_500(client, cw):
    complaint = make_complaint(cw, compound="B1a-c-p", photos=[clean_photo(image_file())])
    photo = complaint.photos.get()
    photo.image.storage.delete(photo.image.name)
    client.force_login(cw.users["superuser"])
    assert client.get(f"/staff/complaints/photos/{photo.pk}/").status_code == 404
