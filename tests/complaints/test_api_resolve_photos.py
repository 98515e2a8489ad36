"""The API's resolve takes up to three photos (multipart ``photos``), checked and
re-encoded like the staff page's: no EXIF kept, a refused file names itself in a
structured 400 and nothing is saved; a JSON resolve without photos still works."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Complaint, ComplaintPhoto, Status

from .conftest import advance, image_file, make_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_progress(cw):
    return advance(cw, make_complaint(cw), "in_progress")


@pytest.fixture
def firm(client, cw):
    client.force_login(cw.users["firm_staff"])
    return client


def _url(complaint):
    return f"/api/v1/complaints/{complaint.pk}/resolve/"


def _unchanged(complaint):
    fresh = Complaint.objects.get(pk=complaint.pk)
    return (fresh.status == Status.IN_PROGRESS and fresh.version == complaint.version
            and not ComplaintPhoto.objects.exists())


def test_photos_are_stored_without_exif(firm, in_progress):
    first = image_file("gps.jpg", "JPEG", exif_gps=True)
    with Image.open(first) as original:
        assert original.getexif().get_ifd(0x8825), "the test photo must carry GPS"
    first.seek(0)
    second = image_file("after.png", "PNG", color="blue")
    body = {"note": "已更换电梯按钮", "version": in_progress.version, "photos": [first, second]}
    response = firm.post(_url(in_progress), body)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resolved"
    photos = list(ComplaintPhoto.objects.filter(complaint=in_progress).select_related("event"))
    assert len(photos) == 2
    assert {p.event.kind for p in photos} == {"resolved"}
    for photo in photos:
        raw = photo.image.open("rb").read()
        assert b"Exif" not in raw and b"PhoneMaker" not in raw
        with photo.image.open("rb") as stored, Image.open(stored) as image:
            assert dict(image.getexif()) == {}
            assert image.size == (64, 48)


def _polyglot():
    good = image_file("x.jpg").read()
    return SimpleUploadedFile("evil.jpg", good + b"<script>alert(1)</script>",
                              content_type="image/jpeg")


@pytest.mark.parametrize("bad", [
    lambda: _polyglot(),
    lambda: SimpleUploadedFile("notes.txt", b"just some text, not an image",
                               content_type="text/plain"),
    lambda: SimpleUploadedFile("fake.png", b"<html><body>hi</body></html>",
                               content_type="image/png"),
], ids=["polyglot", "text", "html"])
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_changes(firm, in_progress, bad):
    upload = bad()
    response = firm.post(_url(in_progress), {"note": "已修好", "photos": [image_file(), upload]})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and "photos" in error["fields"]
    messages = " ".join(error["fields"]["photos"])
    assert upload.name in messages
    assert any("\u4e00" <= ch <= "\u9fff" for ch in messages), messages
    assert upload.name in error["message"]
    assert _unchanged(in_progress)


def test_more_than_three_photos_are_refused(firm, in_progress):
    photos = [image_file(f"p{i}.jpg") for i in range(4)]
    response = firm.post(_url(in_progress), {"note": "已修好", "photos": photos})
    assert response.status_code == 400
    error = response.json()["error"]
    assert "photos" in error["fields"] and "3" in error["fields"]["photos"][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert _unchanged(in_progress)


def test_three_photos_are_accepted(firm, in_progress):
    photos = [image_file(f"p{i}.jpg") for i in range(3)]
    response = firm.post(_url(in_progress), {"note": "已修好", "photos": photos})
    assert response.status_code == 200, response.content
    assert ComplaintPhoto.objects.filter(complaint=in_progress).count() == 3


def test_json_resolve_without_photos_still_works(firm, in_progress):
    response = firm.post(_url(in_progress), {"note": "已修好", "version": in_progress.version},
                         content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resolved"
    assert not ComplaintPhoto.objects.exists()


def test_multipart_resolve_without_photos_and_note_still_required(firm, in_progress):
    response = firm.post(_url(in_progress), {"note": ""})
    assert response.status_code == 400 and "note" in response.json()["error"]["fields"]
    assert _unchanged(in_progress)
    response = firm.post(_url(in_progress), {"note": "已修好"})
    assert response.status_code == 200 and response.json()["status"] == "resolved"


def test_photos_on_a_refused_transition_are_not_saved(firm, cw):
    complaint = make_complaint(cw)  # submitted: cannot be resolved
    response = firm.post(_url(complaint), {"note": "已修好", "photos": [image_file()]})
    assert response.status_code in (400, 403, 404)
    assert not ComplaintPhoto.objects.exists()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.SUBMITTED
