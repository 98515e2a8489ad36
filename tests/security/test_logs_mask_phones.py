"""Logs never carry an unmasked mobile number: every record of every logger, at DEBUG,
while a complaint is submitted, tracked, worked, notified and rated, while households and
Party members are saved, and while someone fails to log in with a phone as user name."""

import logging
import re
import traceback
from decimal import Decimal

import pytest
from django.urls import reverse

from communities import services as community_services
from complaints.models import Complaint, Status
from party_orgs import services as party_services
from party_orgs.models import OrgKind, OrgUnitType
from tests.complaints.conftest import PHONE, image_file

pytestmark = pytest.mark.django_db

UNMASKED_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
HOUSEHOLD_PHONE = "13655556666"
MEMBER_PHONE = "15877778888"


def _all_text(records) -> str:
    parts = []
    for record in records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append("".join(traceback.format_exception(*record.exc_info)))
        parts.extend(str(v) for k, v in vars(record).items()
                     if k not in ("msg", "args", "exc_info") and isinstance(v, str))
    return "\n".join(parts)


def _act(client, complaint, action, **data):
    complaint.refresh_from_db()
    data.setdefault("version", complaint.version)
    return client.post(reverse("complaint-act", args=[complaint.pk, action]), data)


def test_no_log_record_carries_an_unmasked_mobile(client, cw, caplog,
                                                  django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)  # the root logger: every logger propagates to it
    for name in logging.root.manager.loggerDict:
        logging.getLogger(name).setLevel(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        # a refused submission (400) and an accepted one, with a photo
        bad = client.post(reverse("complaint-new-compound", args=[cw.compounds["A1a-c-p"].pk]),
                          {"category": cw.categories["elevator"].pk, "description": "",
                           "reporter_phone": PHONE, "website": ""})
        assert bad.status_code == 400
        ok = client.post(reverse("complaint-new-compound", args=[cw.compounds["A1a-c-p"].pk]), {
            "category": cw.categories["elevator"].pk,
            "building": cw.buildings["A1a-c-p-b1"].pk, "description": "电梯停在三楼不动",
            "reporter_name": "王芳", "reporter_phone": PHONE, "website": "",
            "photos": [image_file()],
        })
        assert ok.status_code == 302
        complaint = Complaint.objects.get()
        resident = client.__class__()
        resident.post(reverse("complaint-track"), {"code": complaint.tracking_code,
                                                   "last4": "0000"})
        resident.post(reverse("complaint-track"), {"code": complaint.tracking_code,
                                                   "last4": PHONE[-4:]})
        # staff work it (pages), the resident is texted at each step, then rates it
        staff = client.__class__()
        staff.force_login(cw.users["community_staff"])
        staff.get(reverse("complaint-detail", args=[complaint.pk]))
        assert _act(staff, complaint, "accept").status_code == 302
        assert _act(staff, complaint, "dispatch",
                    target=f"firm:{cw.firms['firm'].pk}").status_code == 302
        firm = client.__class__()
        firm.force_login(cw.users["firm_staff"])
        assert _act(firm, complaint, "start").status_code == 302
        assert _act(firm, complaint, "resolve", note="已修好").status_code == 302
        complaint.refresh_from_db()
        response = resident.post(
            reverse("complaint-track-feedback", args=[complaint.tracking_code]),
            {"resolved": "yes", "satisfaction": "satisfied", "version": complaint.version},
        )
        assert response.status_code == 302
        complaint.refresh_from_db()
        assert complaint.status == Status.CLOSED
        # households and Party members saved through services and the admin
        household = community_services.household_create(
            building=cw.buildings["A1a-c-p-b2"], room="301", floor_area=Decimal("90"),
            owner_name="赵敏", phone=HOUSEHOLD_PHONE,
        )
        staff.post(reverse("admin:communities_household_change", args=[household.pk]), {
            "compound": household.compound_id, "building": household.building_id,
            "unit": "", "room": "302", "floor_area": "90", "owner_name": "赵敏",
            "phone": "13655556667",
        })
        committee = party_services.party_org_create(
            name="党委", kind=OrgKind.COMMITTEE, unit_type=OrgUnitType.COMMUNITY,
            community=cw.communities["A1a-c"],
        )
        party_services.party_member_create(organization=committee, name="李华",
                                           phone=MEMBER_PHONE)
        # a failed staff login with a phone number as the user name (axes logs it)
        client.__class__().post(reverse("login"), {"username": "13711112222",
                                                   "password": "wrong"})
    text = _all_text(caplog.records)
    assert "SMS to 139****5678" in text  # the notifications were logged, masked
    assert not UNMASKED_MOBILE.findall(text)
