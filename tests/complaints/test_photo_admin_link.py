"""The complaint photo admin links the scoped staff view, never /media/ (media are not
served in production)."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import override

from complaints.models import ComplaintPhoto

from .conftest import image_file, make_complaint

pytestmark = pytest.mark.django_db


def test_photo_admin_links_the_staff_view(client, cw):
    make_complaint(cw, photos=[image_file()])
    photo = ComplaintPhoto.objects.get()
    client.force_login(cw.users["community_staff"])
    with override("zh-hans"):
        response = client.get(reverse("admin:complaints_complaintphoto_change",
                                      args=[photo.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    url = reverse("complaint-photo", args=[photo.pk])
    assert f'href="{url}"' in html and "查看照片" in html
    assert f"/{settings.MEDIA_URL}" not in html  # no link to the file itself
    assert client.get(url).status_code == 200
