"""Issue 16 item 2: masked fields stay masked — no lookup, ordering or search on them.

Walks every admin that declares ``pii_fields`` × every lookup type, as a member of staff
who may view the changelist but sees phones masked; then the same through the API.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from communities.access.admin import ScopedAdmin
from communities.models import StaffRole
from complaints.models import Complaint
from tests.factories import UserFactory, staff_user

pytestmark = pytest.mark.django_db

LOOKUPS = ["exact", "iexact", "startswith", "istartswith", "endswith", "iendswith",
           "contains", "icontains", "regex", "iregex", "in", "gt", "lt", "range", "isnull"]
VALUES = {"in": "13800000000,13900000000", "range": "13800000000,13999999999",
          "isnull": "0", "regex": "^139", "iregex": "^139"}

PII_ADMINS = [(model, model_admin) for model, model_admin in admin.site._registry.items()
              if isinstance(model_admin, ScopedAdmin) and model_admin.pii_fields]


def _changelist(model) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


@pytest.fixture
def masked_viewer(db):
    """Staff who may open every PII changelist but without ``communities.view_pii``."""
    user = UserFactory(username="masked_viewer", is_staff=True)
    for model, _admin in PII_ADMINS:
        user.user_permissions.add(Permission.objects.get(
            content_type__app_label=model._meta.app_label,
            codename=f"view_{model._meta.model_name}"))
    assert not user.has_perm("communities.view_pii")
    return user


def test_there_are_pii_admins_to_walk():
    assert {m._meta.label for m, _a in PII_ADMINS} >= {
        "communities.Household", "communities.GridWorker", "communities.VulnerableResident",
        "party_orgs.PartyMember", "complaints.Complaint"}


@pytest.mark.parametrize("model,model_admin", PII_ADMINS, ids=lambda v: getattr(v, "__name__", ""))
def test_every_lookup_on_a_pii_field_is_refused(client, masked_viewer, model, model_admin):
    client.force_login(masked_viewer)
    assert client.get(_changelist(model)).status_code == 200
    for field in model_admin.pii_fields:
        for lookup in LOOKUPS:
            value = VALUES.get(lookup, "139")
            response = client.get(_changelist(model), {f"{field}__{lookup}": value})
            assert response.status_code == 400, (model, field, lookup, response.status_code)
        assert client.get(_changelist(model), {field: "13800000000"}).status_code == 400


@pytest.mark.parametrize("model,model_admin", PII_ADMINS, ids=lambda v: getattr(v, "__name__", ""))
def test_ordering_and_search_never_use_a_pii_field(client, masked_viewer, model, model_admin):
    client.force_login(masked_viewer)
    request = client.get(_changelist(model)).wsgi_request
    display = list(admin.ModelAdmin.get_list_display(model_admin, request))
    for index, name in enumerate(display):
        if name in model_admin.pii_fields:
            for order in (str(index), f"-{index}"):
                response = client.get(_changelist(model), {"o": order})
                assert response.status_code == 400, (model, name)
    sortable = model_admin.get_sortable_by(request)
    assert not set(sortable) & set(model_admin.pii_fields)
    for field in model_admin.get_search_fields(request):
        assert field.lstrip("^=@") not in model_admin.pii_fields


def test_related_lookups_into_a_pii_field_are_refused(client, masked_viewer):
    masked_viewer.user_permissions.add(Permission.objects.get(codename="view_building"))
    client.force_login(masked_viewer)
    response = client.get("/admin/communities/building/", {"households__phone__startswith": "1"})
    assert response.status_code == 400


def test_staff_who_may_see_pii_still_filter_by_it(client, world):
    client.force_login(world.users["community_staff"])
    response = client.get("/admin/communities/household/", {"phone__startswith": "138"})
    assert response.status_code == 200


def test_a_street_official_cannot_walk_the_digits_of_a_complaint_phone(client, world):
    client.force_login(world.users["street_staff"])
    for lookup in ("startswith", "endswith", "contains", "regex", "in"):
        response = client.get("/admin/complaints/complaint/",
                              {f"reporter_phone__{lookup}": VALUES.get(lookup, "139")})
        assert response.status_code in (400, 403), lookup


@pytest.mark.parametrize("path", [
    "/api/v1/households/?phone__startswith=139",
    "/api/v1/households/?phone=13800011112",
    "/api/v1/households/?ordering=phone",
    "/api/v1/households/?ordering=-phone",
    "/api/v1/complaints/?reporter_phone__endswith=1234",
    "/api/v1/complaints/?ordering=reporter_phone",
    "/api/v1/party-members/?phone__contains=8000",
    "/api/v1/compounds/?households__phone__startswith=139",
])
def test_the_api_refuses_filters_and_ordering_by_pii(client, world, path):
    viewer = staff_user("street_viewer", StaffRole.STREET_STAFF, world.streets["A1a"])
    client.force_login(viewer)
    response = client.get(path)
    assert response.status_code == 400, path
    assert response.json()["error"]["message"]


def test_the_api_lets_pii_staff_filter(client, world):
    client.force_login(world.users["community_staff"])
    assert client.get("/api/v1/households/?ordering=phone").status_code == 200
    assert Complaint.objects.count() == 0
