"""Every upload path refuses what is not a clean photo or document — wrong types,
truncated images, decompression bombs, PNG+HTML polyglots, SVG with script, oversize
files — with a message and without writing anything under MEDIA_ROOT; what is stored is
served with ``nosniff`` and never as HTML."""

import datetime
import io
import struct
import zlib
from importlib import reload

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

import config.urls
from complaints.models import Complaint, ComplaintPhoto
from properties import services as property_services
from properties.models import Disclosure, DisclosureItem, Inspection
from tests.complaints.conftest import image_file

pytestmark = pytest.mark.django_db


def _png(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, format="PNG")
    return out.getvalue()


def _jpeg(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, format="JPEG")
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` × ``height`` pixels (a bomb)."""
    data = bytearray(_png())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


BAD_FILES = {
    "text named .jpg": ("photo.jpg", b"just some text, not an image at all" * 10, "image/jpeg"),
    "executable": ("setup.exe", b"MZ\x90\x00" + b"\x00" * 200, "application/octet-stream"),
    "gif": ("anim.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 40, "image/gif"),
    "truncated png": ("cut.png", _png((400, 300))[:200], "image/png"),
    "truncated jpeg": ("cut.jpg", _jpeg((400, 300))[:400], "image/jpeg"),
    "bomb beyond the hard limit": ("bomb.png", _png_claiming(100_000, 100_000), "image/png"),
    "bomb below Pillow's error": ("bomb2.png", _png_claiming(13_000, 13_000), "image/png"),
    "png + html polyglot": (
        "poly.png", _png() + b"<html><body><script>alert(document.cookie)</script></body></html>",
        "image/png",
    ),
    "jpeg + html polyglot": ("poly.jpg", _jpeg() + b"<!DOCTYPE html><script>alert(1)</script>",
                             "image/jpeg"),
    "svg with script": (
        "icon.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/svg+xml",
    ),
    "html named .png": ("page.png", b"<html><script>alert(1)</script></html>", "image/png"),
}


def _upload(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _oversize(limit_mb: int, name="big.jpg"):
    return _upload(name, _jpeg() + b"\x00" * (limit_mb * 1024 * 1024), "image/jpeg")


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# ------------------------------------------------------------------ complaint photos


def _submit(client, w, photo):
    return client.post(reverse("complaint-new-compound", args=[w.compounds["A1a-c-p"].pk]), {
        "category": w.categories["elevator"].pk, "building": w.buildings["A1a-c-p-b1"].pk,
        "description": "电梯停在三楼不动", "reporter_name": "王芳",
        "reporter_phone": "13912345678", "website": "", "photos": [photo],
    })


@pytest.mark.parametrize("case", [*BAD_FILES, "oversize"])
def test_complaint_photos_refuse_bad_files(client, cw, media, case):
    before = _files(media)
    photo = _oversize(5) if case == "oversize" else _upload(*BAD_FILES[case])
    response = _submit(client, cw, photo)
    assert response.status_code == 400
    assert "照片" in response.content.decode() or "JPEG" in response.content.decode()
    assert Complaint.objects.count() == 0 and ComplaintPhoto.objects.count() == 0
    assert _files(media) == before


def test_a_good_photo_is_stored_and_served_safely(client, cw, media):
    assert _submit(client, cw, image_file()).status_code == 302
    photo = ComplaintPhoto.objects.get()
    assert len(_files(media)) == 1
    staff = client.__class__()
    staff.force_login(cw.users["community_staff"])
    response = staff.get(reverse("complaint-photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] in ("image/jpeg", "image/png")
    b"".join(response.streaming_content)


# ------------------------------------------------------------------ notice attachments


@pytest.mark.parametrize("case", [*BAD_FILES, "oversize", "truncated pdf", "pdf + html"])
def test_disclosure_attachments_refuse_bad_files(cw, media, case):
    if case == "oversize":
        upload = _oversize(10, "big.pdf")
    elif case == "truncated pdf":
        upload = _upload("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "application/pdf")
    elif case == "pdf + html":
        upload = _upload("poly.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF",
                         "application/pdf")
    else:
        upload = _upload(*BAD_FILES[case])
    before = _files(media)
    with pytest.raises(ValidationError):
        property_services.disclosure_publish(
            compound=cw.compounds["A1a-c-p"], item=DisclosureItem.values[0], title="公示",
            text="内容", actor=cw.users["superuser"], attachment=upload,
        )
    assert Disclosure.objects.count() == 0
    assert _files(media) == before


def test_disclosure_page_refuses_a_polyglot_with_a_message(client, cw, media):
    client.force_login(cw.users["community_staff"])
    response = client.post(reverse("disclosure-create"), {
        "compound": cw.compounds["A1a-c-p"].pk, "item": DisclosureItem.values[0],
        "title": "公示", "text": "内容", "attachment": _upload(*BAD_FILES["png + html polyglot"]),
    })
    assert response.status_code in (200, 400)  # the form again, with the error
    assert "损坏" in response.content.decode()  # "the image is damaged or not really…"
    assert Disclosure.objects.count() == 0
    assert _files(media) == []


def test_a_good_attachment_is_served_with_nosniff_and_never_as_html(client, cw, media):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    for name, content, content_type in (("a.pdf", pdf, "application/pdf"),
                                        ("b.png", _png(), "image/png")):
        notice = property_services.disclosure_publish(
            compound=cw.compounds["A1a-c-p"], item=DisclosureItem.values[0], title=name,
            text="内容", actor=cw.users["superuser"],
            attachment=_upload(name, content, content_type),
        )
        response = client.get(reverse("disclosure-attachment",
                                      args=[notice.compound_id, notice.pk]))
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] in ("application/pdf", "image/png")
        assert "html" not in response["Content-Type"]
        b"".join(response.streaming_content)


# ------------------------------------------------------------------ inspection photos


@pytest.mark.parametrize("case", [*BAD_FILES, "oversize", "a pdf"])
def test_inspection_photos_refuse_bad_files(cw, media, case):
    if case == "oversize":
        upload = _oversize(10)
    elif case == "a pdf":
        upload = _upload("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    else:
        upload = _upload(*BAD_FILES[case])
    contract = property_services.active_contract(cw.compounds["A1a-c-p"].pk)
    before = _files(media)
    with pytest.raises(ValidationError):
        property_services.inspection_record(
            contract=contract, date=datetime.date(2026, 5, 1), inspector=cw.users["superuser"],
            items=[{"clause": "保洁", "passed": False, "photo": upload}],
        )
    assert Inspection.objects.count() == 0
    assert _files(media) == before


def test_media_is_not_served_directly_in_production(settings):
    """/media/ is only mounted by config/urls.py when DEBUG is on; production serves
    uploads through the scoped views above."""
    settings.DEBUG = False
    try:
        urls = reload(config.urls)
        assert not any("media" in str(p.pattern) for p in urls.urlpatterns)
    finally:
        reload(config.urls)
