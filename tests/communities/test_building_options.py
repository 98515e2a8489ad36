"""The staff log form's building list fills after a compound is chosen: the endpoint
lists the buildings of a compound in the user's area; anything else is a 404."""

import pytest
from django.urls import reverse

from tests.complaints.conftest import cw  # noqa: F401 - the complaint world

pytestmark = pytest.mark.django_db


def test_buildings_of_a_compound_in_scope(client, world):
    client.force_login(world.users["community_staff"])
    response = client.get(reverse("building-options"),
                          {"compound": world.compounds["A1a-c-p"].pk})
    assert response.status_code == 200
    assert [b["name"] for b in response.json()["results"]] == ["1号楼", "2号楼"]


@pytest.mark.parametrize("compound", ["B1a-c-p", None])
def test_out_of_scope_or_missing_is_404(client, world, compound):
    client.force_login(world.users["community_staff"])
    pk = world.compounds[compound].pk if compound else "x"
    assert client.get(reverse("building-options"), {"compound": pk}).status_code == 404


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(reverse("building-options"), {"compound": world.compounds["A1a-c-p"].pk})
    assert response.status_code == 302


def test_log_form_points_its_compound_list_at_the_endpoint(client, cw):  # noqa: F811
    client.force_login(cw.users["community_staff"])
    page = client.get(reverse("complaint-log")).content.decode()
    assert f'data-options-url="{reverse("building-options")}"' in page
    assert 'data-options-for="id_building"' in page
