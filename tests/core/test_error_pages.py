"""Errors answer with a Chinese page in the portal's layout with a way back; a refused
page says which permission the account lacks."""

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_403_names_the_missing_permission_and_offers_a_way_back(client, world):
    client.force_login(world.users["city_official"])  # a city official keeps no patrols
    response = client.get(reverse("patrols"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "您的账号没有查看" in page and "的权限" in page
    assert 'class="site-header"' in page  # the portal's layout
    assert reverse("staff-home") in page and "返回工作台" in page


@override_settings(DEBUG=False)
def test_404_is_chinese_in_the_layout(client, world):
    client.force_login(world.users["community_staff"])
    response = client.get("/staff/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "找不到这个页面" in page and 'class="site-header"' in page and "回到首页" in page


def test_400_and_500_pages_render_without_a_request():
    for name, text in (("400.html", "无法处理这个请求"), ("500.html", "系统出了点问题")):
        with override_settings(LANGUAGE_CODE="zh-hans"):
            html = render_to_string(name)
        assert text in html and "回到首页" in html
