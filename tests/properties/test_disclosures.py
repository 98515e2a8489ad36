"""Disclosures (公示): the public notice board says which required items are missing or
expired; attachments are checked by content; firms publish for their compounds."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from communities.models import StaffRole
from core.errors import ApplicationError
from properties import services
from properties.attachments import MAX_ATTACHMENT_BYTES
from properties.models import Disclosure, DisclosureItem
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

ONLY_PDF_OR_IMAGE = "只能附加 PDF 文件或 JPEG/PNG 图片"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes(fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format=fmt)
    return buffer.getvalue()


def publish(fw, item, *, compound="A1a-c-p", actor="firm_staff", **kwargs):
    return services.disclosure_publish(
        compound=fw.compounds[compound], item=item, title=f"{item} 公示", text="内容",
        actor=fw.users[actor] if actor else None, **kwargs,
    )


def media_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_board_lists_current_notices_and_names_missing_and_expired_items(client, fw):
    publish(fw, DisclosureItem.FIRM_AND_MANAGER)
    publish(fw, DisclosureItem.FEE_STANDARDS)
    publish(fw, DisclosureItem.SERVICE_STANDARDS,
            valid_until=timezone.localdate() - datetime.timedelta(days=1))
    publish(fw, DisclosureItem.MAINTENANCE_FUND,
            published_at=timezone.now() + datetime.timedelta(days=3))  # not yet public
    response = client.get(reverse("compound-notices", args=[fw.compounds["A1a-c-p"].pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert {d.item for d in response.context["current"]} == {"firm_manager", "fee_standards"}
    assert "A1a-c-p公示栏" in body
    assert "物业服务企业及项目负责人" in body and "收费项目及标准" in body
    section = body.split("尚未公示的必须公示事项")[1].split("当前公示")[0]
    states = {
        item.split("</strong>")[0]: item.split('class="state">')[1].split("<")[0]
        for item in section.split("<li><strong>")[1:]
    }
    assert states == {
        "公共收益收支情况": "缺失（从未公示）",
        "专项维修资金使用情况": "缺失（从未公示）",
        "服务内容与标准": "已过期（没有有效的公示）",
    }
    assert "甲物业服务有限公司" in body
    assert 'name="viewport"' in body


def test_board_with_all_five_items_says_so(client, fw):
    for item in DisclosureItem.values:
        publish(fw, item)
    response = client.get(reverse("compound-notices", args=[fw.compounds["A1a-c-p"].pk]))
    assert response.context["complete"]
    assert "五项必须公示的内容均已公示且在有效期内" in response.content.decode()


def test_board_of_compound_without_contract(client, fw):
    response = client.get(reverse("compound-notices", args=[fw.compounds["A2a-c-p"].pk]))
    assert response.status_code == 200
    assert "该小区目前没有物业服务合同" in response.content.decode()
    assert client.get(reverse("compound-notices", args=[999999])).status_code == 404


def test_directory_and_home_lead_residents_to_the_board(client, fw):
    compound = fw.compounds["A1a-c-p"]
    response = client.get(reverse("compound-directory"), {"community": compound.community_id})
    assert reverse("compound-notices", args=[compound.pk]) in response.content.decode()
    assert "公示栏" in response.content.decode()
    home = client.get("/").content.decode()
    assert "查看小区公示" in home and reverse("compound-directory") in home


def test_pdf_and_image_attachments_are_stored_and_served_by_content(client, fw):
    notice = publish(fw, DisclosureItem.FEE_STANDARDS,
                     attachment=SimpleUploadedFile("收费标准.pdf", PDF))
    assert notice.attachment.name.endswith(".pdf") and notice.attachment_type == "application/pdf"
    photo = publish(fw, DisclosureItem.PUBLIC_REVENUE,
                    attachment=SimpleUploadedFile("photo.jpeg", png_bytes()))  # a PNG, really
    assert photo.attachment.name.endswith(".png") and photo.attachment_type == "image/png"
    response = client.get(reverse("disclosure-attachment", args=[photo.compound_id, photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png_bytes()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notice.pdf", b"<html><script>alert(1)</script></html>", ONLY_PDF_OR_IMAGE),
        ("notice.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "图片已损坏"),
        ("notice.gif", png_bytes("GIF"), ONLY_PDF_OR_IMAGE),
        ("notice.exe", b"MZ\x90\x00", ONLY_PDF_OR_IMAGE),
        ("big.pdf", b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES, "文件超过 10 MB"),
        ("empty.pdf", b"", "文件是空的"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_saved(client, fw, settings, name, content,
                                                       message):
    with pytest.raises(ValidationError) as caught:
        publish(fw, DisclosureItem.FEE_STANDARDS, attachment=SimpleUploadedFile(name, content))
    assert message in " ".join(caught.value.messages)
    assert not Disclosure.objects.exists()
    assert media_files(settings) == []
    # The staff page says the same, in Chinese, and saves nothing.
    client.force_login(fw.users["firm_staff"])
    response = client.post(reverse("disclosure-create"), {
        "compound": fw.compounds["A1a-c-p"].pk, "item": "fee_standards", "title": "收费",
        "text": "内容", "attachment": SimpleUploadedFile(name, content),
    })
    assert response.status_code == 200
    # An empty upload is already refused by Django's own (Chinese) message.
    assert (message if content else "空文件") in response.content.decode()
    assert not Disclosure.objects.exists()
    assert media_files(settings) == []


def test_firm_staff_publish_from_the_staff_page(client, fw):
    client.force_login(fw.users["firm_staff"])
    page = client.get(reverse("disclosure-create"))
    assert list(page.context["form"].fields["compound"].queryset) == [fw.compounds["A1a-c-p"]]
    response = client.post(reverse("disclosure-create"), {
        "compound": fw.compounds["A1a-c-p"].pk, "item": "service_standards",
        "title": "服务标准", "text": "每日清扫两次", "valid_until": "2027-03-31",
    })
    assert response.status_code == 302
    notice = Disclosure.objects.get()
    assert notice.firm == fw.firms["甲"] and notice.published_by == fw.users["firm_staff"]
    # Another firm's compound cannot even be chosen.
    response = client.post(reverse("disclosure-create"), {
        "compound": fw.compounds["B1a-c-p"].pk, "item": "service_standards",
        "title": "x", "text": "x",
    })
    assert response.status_code == 200 and Disclosure.objects.count() == 1


def test_community_staff_publish_only_for_community_led_compounds(fw):
    # A1a-c's community staff cover A1a-c-p, which is served by firm 甲: the firm publishes.
    with pytest.raises(ApplicationError):
        publish(fw, DisclosureItem.FEE_STANDARDS, actor="community_staff")
    assert not Disclosure.objects.exists()
    staff = staff_user("community_a1b", StaffRole.COMMUNITY_STAFF, fw.communities["A1b-c"])
    notice = services.disclosure_publish(
        compound=fw.compounds["A1b-c-p"], item="fee_standards", title="收费标准",
        text="0.30元/平方米·月", actor=staff,
    )
    assert notice.firm is None and notice.published_by == staff


def test_disclosure_api(client, fw):
    client.force_login(fw.users["firm_staff"])
    response = client.post("/api/v1/disclosures/", {
        "compound": fw.compounds["A1a-c-p"].pk, "item": "fee_standards", "title": "收费标准",
        "text": "0.50元", "attachment": SimpleUploadedFile("a.pdf", PDF),
    })
    assert response.status_code == 201, response.json()
    assert response.json()["attachment_url"].endswith("/attachment/")
    response = client.post("/api/v1/disclosures/", {
        "compound": fw.compounds["A1a-c-p"].pk, "item": "fee_standards", "title": "收费标准",
        "text": "0.50元", "attachment": SimpleUploadedFile("a.pdf", b"<html>"),
    })
    assert response.status_code == 400
    assert "只能附加" in response.json()["error"]["message"]
    response = client.post("/api/v1/disclosures/", {
        "compound": fw.compounds["B1a-c-p"].pk, "item": "fee_standards", "title": "x",
        "text": "x",
    })
    assert response.status_code == 400 and "compound" in response.json()["error"]["fields"]
    assert Disclosure.objects.count() == 1
    client.force_login(fw.users["other_firm_staff"])
    assert client.get("/api/v1/disclosures/").json()["count"] == 0


def test_admin_links_the_attachment_through_the_notice_board_not_media(client, fw, settings):
    """Media files are not served in production: the admin links the board's view."""
    notice = publish(fw, DisclosureItem.FEE_STANDARDS, attachment=SimpleUploadedFile(
        "fee.pdf", PDF, content_type="application/pdf"))
    client.force_login(fw.users["superuser"])
    response = client.get(reverse("admin:properties_disclosure_change", args=[notice.pk]))
    html = response.content.decode()
    url = reverse("disclosure-attachment", args=[notice.compound_id, notice.pk])
    assert f'href="{url}"' in html and "打开附件" in html
    assert notice.attachment.name not in html
    assert client.get(url).status_code == 200
