"""The demo seeder: categories of the issue, a year of complaints in every state, and
the story — compounds improve after joining Red Property. Idempotent."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F

from complaints.models import Category, Complaint, ComplaintEvent, Status

pytestmark = pytest.mark.django_db


def test_demo_complaints_tell_the_story():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Complaint.objects.count(), ComplaintEvent.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Complaint.objects.count(), ComplaintEvent.objects.count()) == counts

    names = set(Category.objects.values_list("name", flat=True))
    assert {"环境卫生", "设施维修", "水电气暖", "电梯", "门禁", "路灯", "绿化养护", "停车秩序",
            "治安消防", "物业收费", "噪音扰民", "邻里纠纷", "服务态度", "其他"} <= names
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Status.values)
    assert Complaint.objects.filter(duplicate_of__isnull=False).exists()
    assert Complaint.objects.filter(satisfaction="").exists()

    def on_time_response(compound, before):
        qs = Complaint.objects.filter(compound__name=compound).exclude(status="rejected")
        qs = qs.filter(received_at__month__lt=4) if before else qs.filter(
            received_at__month__gte=6, received_at__year=2026)
        return qs.filter(accepted_at__lte=F("response_deadline")).count() / qs.count()

    for compound in ("林园小区", "铁诺佳苑", "咸丰苑"):
        assert on_time_response(compound, before=False) > on_time_response(compound, True) + 0.3
