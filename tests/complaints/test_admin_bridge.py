"""The complaint catalogue and the Open311 clients are edited in the admin through the
services (complaints.configuration); complaints, photos and the outbox are read-only."""


import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from complaints import configuration
from complaints.models import Category, ComplaintPhoto, Open311ApiKey, Open311Jurisdiction
from tests.admin_forms import post_admin, refused
from tests.admin_forms import spy as spy_on

pytestmark = pytest.mark.django_db


def post(client, model, data, obj=None):
    return post_admin(client, "complaints", model, data, obj)


def spy(monkeypatch, name):
    return spy_on(monkeypatch, configuration, name)


def category_data(**over):
    return {"code": "lift-door", "name": "电梯门故障", "description": "",
            "hours_to_respond": 4, "days_to_resolve": 3, "default_handler": "community",
            "is_active": "on", "order": 0, **over}


def test_a_third_level_category_is_refused(root, monkeypatch):
    top = configuration.category_create(code="repair", name="设施维修", hours_to_respond=24,
                                        days_to_resolve=5)
    lift = configuration.category_create(code="lift", name="电梯", hours_to_respond=2,
                                         days_to_resolve=2, parent=top)
    refused(post(root, "category", category_data(parent=lift.pk)),
            "类别只有两级", "lift-door", "电梯门故障")
    assert not Category.objects.filter(code="lift-door").exists()
    calls = spy(monkeypatch, "category_create")
    assert post(root, "category", category_data(parent=top.pk)).status_code == 302
    assert calls and Category.objects.get(code="lift-door").parent == top


def test_open311_key(root, monkeypatch):
    refused(post(root, "open311apikey", {"name": "", "is_active": "on"}), "必填")
    assert not Open311ApiKey.objects.exists()
    calls = spy(monkeypatch, "open311_key_create")
    assert post(root, "open311apikey", {"name": "12345热线", "is_active": "on"}).status_code == 302
    # The service draws the key.
    assert calls and len(Open311ApiKey.objects.get().key) >= 30


def test_open311_jurisdiction(root, world, monkeypatch):
    configuration.open311_jurisdiction_create(city=world.cities["A"], jurisdiction_id="a.gov")
    refused(post(root, "open311jurisdiction",
                 {"city": world.cities["B"].pk, "jurisdiction_id": "a.gov"}), "已存在", "a.gov")
    assert Open311Jurisdiction.objects.count() == 1
    calls = spy(monkeypatch, "open311_jurisdiction_create")
    response = post(root, "open311jurisdiction",
                    {"city": world.cities["B"].pk, "jurisdiction_id": "b.gov"})
    assert response.status_code == 302
    assert calls and Open311Jurisdiction.objects.count() == 2


def test_nothing_is_deleted_and_photos_are_read_only(root):
    category = configuration.category_create(code="noise", name="噪音", hours_to_respond=4,
                                             days_to_resolve=2)
    assert root.get(reverse("admin:complaints_category_delete",
                            args=[category.pk])).status_code == 403
    photo_admin = admin.site._registry[ComplaintPhoto]
    assert not photo_admin.has_delete_permission(RequestFactory().get("/"))
