"""Bad input on the resident form: a clear Chinese message, status 400, no complaint
and no file saved. HTML in a description is shown escaped."""

import io
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from complaints.models import Complaint, ComplaintEvent, ComplaintPhoto

from .conftest import PHONE, image_file, make_complaint

pytestmark = pytest.mark.django_db


def _post(client, w, **overrides):
    data = {
        "category": w.categories["elevator"].pk, "description": "电梯停在三楼不动",
        "reporter_name": "王芳", "reporter_phone": PHONE, "website": "",
    }
    data.update(overrides)
    return client.post(reverse("complaint-new-compound", args=[w.compounds["A1a-c-p"].pk]),
                       data)


def _nothing_saved():
    media = settings.MEDIA_ROOT
    files = [f for _root, _dirs, names in os.walk(media) for f in names] if os.path.exists(
        media) else []
    return (Complaint.objects.count(), ComplaintEvent.objects.count(),
            ComplaintPhoto.objects.count(), files) == (0, 0, 0, [])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": ""}, "请描述遇到的问题。"),
        ({"description": "   "}, "请描述遇到的问题。"),
        ({"description": "坏了"}, "请再多写几个字"),
        ({"description": "很" * 1001}, "最多 1000 字"),
        ({"reporter_name": ""}, "请填写您的称呼。"),
        ({"reporter_name": "王" * 31}, "最多 30 个字"),
        ({"reporter_phone": ""}, "请填写联系电话"),
        ({"reporter_phone": "12345"}, "请输入有效的"),
        ({"reporter_phone": "12812345678"}, "请输入有效的"),
        ({"reporter_phone": "1391234567x"}, "请输入有效的"),
        ({"reporter_phone": "139123456789"}, "请输入有效的"),
        ({"category": ""}, "请选择问题类别。"),
        ({"category": "999999"}, "请选择问题类别。"),
    ],
)
def test_bad_fields_are_refused_with_a_clear_message(client, cw, overrides, message):
    response = _post(client, cw, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _nothing_saved()


def test_top_category_with_children_is_refused(client, cw):
    response = _post(client, cw, category=cw.categories["repair"].pk)
    assert response.status_code == 400 and _nothing_saved()


def test_text_file_renamed_jpg_is_refused(client, cw):
    fake = SimpleUploadedFile("photo.jpg", b"this is not a picture\n" * 50,
                              content_type="image/jpeg")
    response = _post(client, cw, photos=[image_file(), fake])
    assert response.status_code == 400
    assert "“photo.jpg”不是 JPEG、PNG 或 WebP 格式的照片。" in response.content.decode()
    assert _nothing_saved()


def test_six_megabyte_image_is_refused(client, cw):
    image = Image.frombytes("RGB", (1500, 1400), os.urandom(1500 * 1400 * 3))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=0)
    assert out.tell() > 6 * 1024 * 1024 * 0.95
    big = SimpleUploadedFile("big.png", out.getvalue(), content_type="image/png")
    response = _post(client, cw, photos=[big])
    assert response.status_code == 400
    assert "超过 5 MB" in response.content.decode()
    assert _nothing_saved()


def test_other_image_formats_and_too_many_photos_are_refused(client, cw):
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    response = _post(client, cw, photos=[SimpleUploadedFile("a.gif", gif.getvalue())])
    assert response.status_code == 400 and "不是 JPEG、PNG 或 WebP" in response.content.decode()
    response = _post(client, cw, photos=[image_file(f"{i}.jpg") for i in range(4)])
    assert response.status_code == 400 and "最多上传 3 张照片" in response.content.decode()
    assert _nothing_saved()


def test_pixel_bomb_is_refused(client, cw):
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, format="PNG")  # tiny file, 81 Mpx
    response = _post(client, cw, photos=[SimpleUploadedFile("bomb.png", out.getvalue())])
    assert response.status_code == 400 and _nothing_saved()


def test_honeypot_saves_nothing(client, cw):
    response = _post(client, cw, website="http://spam.example")
    assert response.status_code == 400 and _nothing_saved()


def test_html_in_description_is_shown_escaped(client, cw):
    evil = '<script>alert("x")</script><b>坏了</b>的电梯'
    complaint = make_complaint(cw, description=evil)
    client.force_login(cw.users["community_staff"])
    for url in (f"/staff/complaints/{complaint.pk}/", "/staff/complaints/"):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<b>坏了</b>" not in body
    body = client.get(f"/staff/complaints/{complaint.pk}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    response = _post(client.__class__(), cw, description=evil)
    assert response.status_code == 302
