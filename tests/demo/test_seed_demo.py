import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from communities.models import Community, Compound, Grid, ManagementMode

pytestmark = pytest.mark.django_db


def _counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"communities", "properties", "complaints", "party_orgs"}
    }


def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first
    assert first["communities.Compound"] >= 15


def test_seed_demo_has_the_article_places():
    call_command("seed_demo", stdout=io.StringIO())
    chuankou = Community.objects.get(name="川口社区")
    assert chuankou.street.name == "红旗街街道" and chuankou.street.district.name == "王益区"
    linyuan = Compound.objects.get(name="林园小区")
    assert linyuan.community.name == "塔坡社区"
    assert linyuan.community.street.district.name == "耀州区"
    assert linyuan.management_mode == ManagementMode.PUBLIC_TRUSTEESHIP
    assert Compound.objects.filter(
        community__name="铁诺社区", management_mode=ManagementMode.CO_BUILDING
    ).exists()
    assert Compound.objects.filter(
        community__name="川口社区", management_mode=ManagementMode.COMMUNITY_LED
    ).exists()
    gutas = Grid.objects.filter(community__street__district__name="古塔区",
                                community__name__in=["福德社区", "保安社区"])
    assert gutas.count() == 8
    assert sum(g.buildings.count() for g in gutas) == 23


def test_demo_users_print_accounts_and_are_refused_without_debug(settings, capsys):
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = True
    call_command("create_demo_users")
    out = capsys.readouterr().out
    for username in ("demo_admin", "demo_city", "demo_district", "demo_street",
                     "demo_community", "demo_grid"):
        assert username in out
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_demo_users")
