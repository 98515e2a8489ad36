"""Complaint fixtures on top of ``world``: categories, a firm with a contract on A1a's
compound, firm staff, and helpers to make complaints in a given state."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from communities.models import StaffRole
from complaints import services
from complaints.models import Category, HandlerKind
from properties import services as property_services
from properties.credit_code import check_character
from tests.factories import staff_user

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate-limit counters
    yield
    cache.clear()


def _firm(name, prefix):
    base = prefix + "MA6X5A2B3"
    return property_services.firm_create(
        name=name, credit_code=base + check_character(base), ownership="state_owned",
    )


@pytest.fixture
def cw(world):
    """The complaint world: ``world`` plus categories, firms, contracts and firm staff."""
    cats = {}
    cats["repair"] = Category.objects.create(code="repair", name="设施维修",
                                             hours_to_respond=24, days_to_resolve=3)
    cats["elevator"] = Category.objects.create(
        code="repair-elevator", name="电梯", parent=cats["repair"], hours_to_respond=2,
        days_to_resolve=2, default_handler=HandlerKind.FIRM,
    )
    cats["noise"] = Category.objects.create(code="noise", name="噪音扰民",
                                            hours_to_respond=12, days_to_resolve=3,
                                            default_handler=HandlerKind.GRID)
    world.categories = cats
    firm = _firm("城鑫物业", "91610204")
    other = _firm("金谟物业", "91610205")
    property_services.contract_start(
        firm=firm, compound=world.compounds["A1a-c-p"], mode="public_trusteeship",
        start_date=datetime.date(2026, 4, 1), fee_standard=Decimal("0.80"),
    )
    property_services.contract_start(
        firm=other, compound=world.compounds["A1b-c-p"], mode="market",
        start_date=datetime.date(2025, 1, 1), fee_standard=Decimal("1.20"),
    )
    ended = property_services.contract_start(
        firm=other, compound=world.compounds["B1a-c-p"], mode="market",
        start_date=datetime.date(2020, 1, 1), fee_standard=Decimal("1.20"),
    )
    property_services.contract_end(contract=ended, end_date=datetime.date(2024, 12, 31))
    for compound in world.compounds.values():
        compound.refresh_from_db()
    world.firms = {"firm": firm, "other": other}
    world.users["firm_staff"] = staff_user("firm_a", StaffRole.FIRM_STAFF, firm)
    world.users["other_firm_staff"] = staff_user("firm_b", StaffRole.FIRM_STAFF, other)
    world.users["other_community_staff"] = staff_user(
        "community_a1b", StaffRole.COMMUNITY_STAFF, world.communities["A1b-c"]
    )
    return world


def make_complaint(w, compound="A1a-c-p", category="elevator", **fields):
    fields.setdefault("description", "电梯停在三楼不动")
    fields.setdefault("reporter_name", "王芳")
    fields.setdefault("reporter_phone", PHONE)
    return services.complaint_create(
        compound=w.compounds[compound], category=w.categories[category], **fields
    )


def advance(w, complaint, to: str):
    """Drive a complaint (of A1a-c-p) to status ``to`` through the services."""
    staff, firm_staff = w.users["community_staff"], w.users["firm_staff"]
    pk = complaint.pk
    path = {
        "submitted": [],
        "accepted": ["accept"],
        "dispatched": ["accept", "dispatch"],
        "in_progress": ["accept", "dispatch", "start"],
        "resolved": ["accept", "dispatch", "start", "resolve"],
        "closed": ["accept", "dispatch", "start", "resolve", "close"],
        "rejected": ["reject"],
        "reopened": ["accept", "dispatch", "start", "resolve", "reopen"],
    }[to]
    for step in path:
        if step == "accept":
            services.complaint_accept(complaint_id=pk, actor=staff)
        elif step == "dispatch":
            services.complaint_dispatch(complaint_id=pk, actor=staff,
                                        target=f"firm:{w.firms['firm'].pk}")
        elif step == "start":
            services.complaint_start(complaint_id=pk, actor=firm_staff)
        elif step == "resolve":
            services.complaint_resolve(complaint_id=pk, actor=firm_staff, note="已修好")
        elif step == "close":
            services.complaint_close(complaint_id=pk, actor=staff)
        elif step == "reject":
            services.complaint_reject(complaint_id=pk, actor=staff, note="不属于管理范围")
        elif step == "reopen":
            services.complaint_reopen(complaint_id=pk, actor=staff, note="回访：仍未修好")
    complaint.refresh_from_db()
    assert complaint.status == to
    return complaint


def image_file(name="photo.jpg", fmt="JPEG", size=(64, 48), exif_gps=False, color="red"):
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (34.0, 54.0, 30.0), 3: "E", 4: (108.0, 56.0, 12.0)}
        kwargs["exif"] = exif
    image.save(out, format=fmt, **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")
