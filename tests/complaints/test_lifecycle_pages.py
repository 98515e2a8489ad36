"""The whole life of a complaint through the pages: a resident submits from a phone,
staff accept and dispatch, the firm works and resolves, the resident answers the two
follow-up questions; and the reopen path with a staff follow-up call (回访)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from communities import services as community_services
from complaints.models import Complaint, ComplaintPhoto, EventKind, Satisfaction, Status

from .conftest import PHONE, image_file

pytestmark = pytest.mark.django_db


def _submit(client, w, **overrides):
    data = {
        "category": w.categories["elevator"].pk,
        "building": w.buildings["A1a-c-p-b1"].pk,
        "description": "电梯停在三楼不动，老人上下楼很困难",
        "reporter_name": "王芳",
        "reporter_phone": PHONE,
        "website": "",
        "photos": [image_file()],
    }
    data.update(overrides)
    return client.post(
        reverse("complaint-new-compound", args=[w.compounds["A1a-c-p"].pk]), data
    )


def _act(client, complaint, action, **data):
    complaint.refresh_from_db()
    data.setdefault("version", complaint.version)
    return client.post(reverse("complaint-act", args=[complaint.pk, action]), data)


def test_resident_finds_compound_by_pinyin_and_district(client, cw):
    linyuan = community_services.compound_create(
        community=cw.communities["A1a-c"], name="林园小区", declared_households=10,
        floor_area=Decimal("100"),
    )
    page = client.get(reverse("complaint-new"), {"q": "lyxq"}).content.decode()
    assert reverse("complaint-new-compound", args=[linyuan.pk]) in page
    page = client.get(reverse("complaint-new"),
                      {"community": cw.communities["A1a-c"].pk}).content.decode()
    assert reverse("complaint-new-compound", args=[linyuan.pk]) in page
    form = client.get(reverse("complaint-new-compound", args=[linyuan.pk]))
    assert "林园小区" in form.content.decode() and 'name="viewport"' in form.content.decode()


def test_whole_life_through_the_pages(client, cw):
    # 1. The resident submits with a photo and gets a receipt with the tracking code.
    response = _submit(client, cw)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    receipt = client.get(response["Location"]).content.decode()
    assert complaint.tracking_code in receipt
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{12}", complaint.tracking_code)
    assert complaint.channel == "web" and complaint.status == Status.SUBMITTED
    assert ComplaintPhoto.objects.filter(complaint=complaint).count() == 1

    # 2. From another phone: code + last four digits → status and timeline.
    resident = client.__class__()
    response = resident.post(reverse("complaint-track"),
                             {"code": complaint.tracking_code.lower(), "last4": "5678"})
    assert response.status_code == 302
    page = resident.get(response["Location"]).content.decode()
    assert "已提交" in page and "电梯停在三楼不动" in page

    # 3. Community staff accept and dispatch to the firm with the contract.
    staff = client.__class__()
    staff.force_login(cw.users["community_staff"])
    queue = staff.get(reverse("complaint-queue")).content.decode()
    assert complaint.tracking_code in queue
    detail = staff.get(reverse("complaint-detail", args=[complaint.pk])).content.decode()
    assert "139****5678" not in detail and PHONE in detail  # community staff see PII
    assert _act(staff, complaint, "accept", note="").status_code == 302
    firm_target = f"firm:{cw.firms['firm'].pk}"
    detail = staff.get(reverse("complaint-detail", args=[complaint.pk])).content.decode()
    assert firm_target in detail and f"firm:{cw.firms['other'].pk}" not in detail
    assert _act(staff, complaint, "dispatch", target=firm_target).status_code == 302

    # 4. The firm's staff see it, start, add progress and resolve with a photo.
    firm = client.__class__()
    firm.force_login(cw.users["firm_staff"])
    assert complaint.tracking_code in firm.get(reverse("complaint-queue")).content.decode()
    assert _act(firm, complaint, "start", template="start_onsite").status_code == 302
    assert _act(firm, complaint, "progress", note="配件已订购").status_code == 302
    response = _act(firm, complaint, "resolve", note="已更换电梯控制板",
                    photos=[image_file("fixed.png", "PNG")])
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED and complaint.resolved_at is not None
    assert complaint.photos.count() == 2

    # 5. The resident sees the resolution (staff shown by role only) and answers.
    page = resident.get(reverse("complaint-track-detail",
                                args=[complaint.tracking_code])).content.decode()
    assert "已更换电梯控制板" in page and "物业企业人员" in page
    assert "firm_a" not in page
    response = resident.post(
        reverse("complaint-track-feedback", args=[complaint.tracking_code]),
        {"resolved": "yes", "satisfaction": "basically_satisfied", "comment": "谢谢",
         "version": complaint.version},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.resident_resolved is True
    assert complaint.satisfaction == Satisfaction.BASICALLY_SATISFIED
    assert complaint.feedback_source == "resident"
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.ACCEPTED, EventKind.DISPATCHED,
                     EventKind.STARTED, EventKind.PROGRESS, EventKind.RESOLVED,
                     EventKind.FEEDBACK, EventKind.CLOSED]
    # A second answer is refused: the question is closed.
    page = resident.get(reverse("complaint-track-detail",
                                args=[complaint.tracking_code])).content.decode()
    assert 'name="satisfaction"' not in page


def test_not_resolved_reopens_and_staff_record_a_follow_up_call(client, cw):
    _submit(client, cw, photos=[])
    complaint = Complaint.objects.get()
    staff = client.__class__()
    staff.force_login(cw.users["community_staff"])
    _act(staff, complaint, "accept")
    _act(staff, complaint, "dispatch", target="community")
    _act(staff, complaint, "start")
    _act(staff, complaint, "resolve", note="已处理")
    complaint.refresh_from_db()
    response = client.post(
        reverse("complaint-track-feedback", args=[complaint.tracking_code]),
        {"resolved": "no", "satisfaction": "dissatisfied", "comment": "还是坏的",
         "version": complaint.version},
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED and complaint.reopen_count == 1
    assert complaint.resident_resolved is False
    assert complaint.satisfaction == Satisfaction.DISSATISFIED
    assert response.status_code == 302
    _act(staff, complaint, "start")
    _act(staff, complaint, "resolve", note="彻底修好")
    # 回访: staff record the two answers from a phone call; who called is kept.
    response = _act(staff, complaint, "feedback", resolved="yes", satisfaction="satisfied",
                    note="电话回访")
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.feedback_source == "call"
    assert complaint.feedback_by == cw.users["community_staff"]
    assert (complaint.resident_resolved, complaint.satisfaction) == (True, "satisfied")


def test_staff_log_a_12345_request(client, cw):
    client.force_login(cw.users["community_staff"])
    response = client.post(reverse("complaint-log"), {
        "compound": cw.compounds["A1a-c-p"].pk, "channel": "hotline_12345",
        "external_ref": "12345-20261124-0001", "category": cw.categories["noise"].pk,
        "urgency": "urgent", "description": "楼上装修晚上十点还在施工",
        "reporter_name": "李强", "reporter_phone": "0919-1234567",
    })
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert complaint.channel == "hotline_12345" and complaint.created_by is not None
    assert complaint.events.get().actor == cw.users["community_staff"]
    # Another community's compound is not offered and cannot be posted.
    response = client.post(reverse("complaint-log"), {
        "compound": cw.compounds["B1a-c-p"].pk, "channel": "phone",
        "category": cw.categories["noise"].pk, "urgency": "normal",
        "description": "楼上装修晚上十点还在施工", "reporter_name": "李强",
        "reporter_phone": "13800001111",
    })
    assert response.status_code == 400 and Complaint.objects.count() == 1
