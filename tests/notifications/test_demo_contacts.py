import io

import pytest
from django.core.management import call_command

from communities.models import Community, District, Street

pytestmark = pytest.mark.django_db


def test_demo_gives_every_unit_a_contact_phone():
    call_command("seed_demo", stdout=io.StringIO())
    assert District.objects.exists() and Street.objects.exists()
    assert not District.objects.filter(contact_phone="").exists()
    assert not Street.objects.filter(contact_phone="").exists()
    assert not Community.objects.filter(phone="").exists()
