"""The admin shows each role only its scope: changelists, change pages, choices, PII."""

import pytest
from django.urls import reverse

from communities.models import Compound

pytestmark = pytest.mark.django_db

CHANGELIST_EXPECTED = {
    # role: {admin url name: set of names in the changelist, or None for "no access"}
    "superuser": {"compound": {"A1a-c-p", "A1b-c-p", "A2a-c-p", "B1a-c-p"},
                  "district": {"A1", "A2", "B1"}},
    "city_official": {"compound": {"A1a-c-p", "A1b-c-p", "A2a-c-p"}, "district": {"A1", "A2"}},
    "district_official": {"compound": {"A1a-c-p", "A1b-c-p"}, "district": {"A1"}},
    "street_staff": {"compound": {"A1a-c-p"}, "district": None},
    "community_staff": {"compound": {"A1a-c-p"}, "district": None},
    "grid_worker": {"compound": {"A1a-c-p"}, "district": None},
    "nobody": {"compound": None, "district": None},
}
ALL_COMPOUNDS = {"A1a-c-p", "A1b-c-p", "A2a-c-p", "B1a-c-p"}
ALL_DISTRICTS = {"A1", "A2", "B1"}


@pytest.mark.parametrize("role", list(CHANGELIST_EXPECTED))
def test_changelists_show_exactly_the_scope(client, world, role):
    client.force_login(world.users[role])
    for model, expected in CHANGELIST_EXPECTED[role].items():
        response = client.get(reverse(f"admin:communities_{model}_changelist"))
        if expected is None:
            assert response.status_code == 403
            continue
        assert response.status_code == 200
        shown = set(response.context["cl"].result_list.values_list("name", flat=True))
        assert shown == expected
        body = response.content.decode()
        universe = ALL_COMPOUNDS if model == "compound" else ALL_DISTRICTS
        for name in universe - expected:
            assert f">{name}<" not in body


@pytest.mark.parametrize(
    "role", ["city_official", "district_official", "street_staff", "community_staff",
             "grid_worker"],
)
def test_other_scopes_objects_are_404_by_url(client, world, role):
    client.force_login(world.users[role])
    foreign = world.compounds["B1a-c-p"]
    for view in ("change", "history", "delete"):
        url = reverse(f"admin:communities_compound_{view}", args=[foreign.pk])
        assert client.get(url).status_code in (403, 404)
    household = world.households["B1a-c-p-b1-1"]
    url = reverse("admin:communities_household_change", args=[household.pk])
    assert client.get(url).status_code in (403, 404)


def test_own_objects_open(client, world):
    client.force_login(world.users["community_staff"])
    own = world.compounds["A1a-c-p"]
    response = client.get(reverse("admin:communities_compound_change", args=[own.pk]))
    assert response.status_code == 200


def test_foreign_key_choices_are_scoped(client, world):
    client.force_login(world.users["community_staff"])
    response = client.get(reverse("admin:communities_compound_add"))
    assert response.status_code == 200
    choices = {str(c) for c in response.context["adminform"].form.fields["community"].queryset}
    assert choices == {"A1a-c"}


def test_posting_an_out_of_scope_parent_is_refused(client, world):
    client.force_login(world.users["community_staff"])
    response = client.post(
        reverse("admin:communities_compound_add"),
        {
            "community": world.communities["B1a-c"].pk, "name": "越权小区",
            "management_mode": "none", "declared_households": 10, "floor_area": "100",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["community"]
    assert not Compound.objects.filter(name="越权小区").exists()


def test_officials_cannot_change_hierarchy(client, world):
    client.force_login(world.users["district_official"])
    own = world.compounds["A1a-c-p"]
    response = client.post(
        reverse("admin:communities_compound_change", args=[own.pk]), {"name": "改名"}
    )
    assert response.status_code == 403


def test_phone_masked_without_pii_permission(client, world):
    household = world.households["A1a-c-p-b1-1"]
    client.force_login(world.users["district_official"])
    body = client.get(reverse("admin:communities_household_changelist")).content.decode()
    assert household.phone not in body
    assert f"{household.phone[:3]}****{household.phone[-4:]}" in body
    change = client.get(reverse("admin:communities_household_change", args=[household.pk]))
    assert household.phone not in change.content.decode()

    client.force_login(world.users["community_staff"])
    body = client.get(reverse("admin:communities_household_changelist")).content.decode()
    assert household.phone in body


def test_search_by_hidden_phone_is_not_offered(client, world):
    household = world.households["A1a-c-p-b1-1"]
    client.force_login(world.users["district_official"])
    url = reverse("admin:communities_household_changelist")
    response = client.get(url, {"q": household.phone})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_admin_list_filters_for_officials(client, world):
    client.force_login(world.users["city_official"])
    url = reverse("admin:communities_compound_changelist")
    response = client.get(url, {"community__street__district__id__exact": world.districts["A2"].pk})
    assert set(response.context["cl"].result_list.values_list("name", flat=True)) == {"A2a-c-p"}
