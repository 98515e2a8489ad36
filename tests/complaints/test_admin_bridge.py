"""The complaint catalogue and the Open311 clients are edited in the admin through the
services (complaints.configuration); complaints, photos and the outbox are read-only."""

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from complaints import configuration
from complaints.models import Category, ComplaintPhoto, Open311ApiKey, Open311Jurisdiction

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, world):
    client.force_login(world.users["superuser"])
    return client


def post(client, model, data, obj=None):
    name = f"admin:complaints_{model}_{'change' if obj else 'add'}"
    return client.post(reverse(name, args=[obj.pk] if obj else []), data)


def refused(response, message, *kept):
    assert response.status_code == 200
    page = response.content.decode()
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    assert any(message in e for e in errors), errors
    for value in kept:
        assert str(value) in page


def spy(monkeypatch, name):
    calls = []
    real = getattr(configuration, name)
    monkeypatch.setattr(configuration, name, lambda **kw: calls.append(kw) or real(**kw))
    return calls


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
