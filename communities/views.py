from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from communities import selectors
from communities.access.scoping import get_scoped_object_or_404, scope_queryset
from communities.audit import record_pii_view, user_place
from communities.forms import (
    CompoundFilterForm,
    CompoundSearchForm,
    PatrolVisitForm,
    ServiceRecordForm,
)
from communities.models import Building, Compound, HalfDay, PatrolVisit
from communities.services import patrol_visit_record, service_record_create
from core.decorators import staff_view
from core.errors import ApplicationError
from core.exports import xlsx_response
from core.forms import add_service_error
from core.timeutils import local_now, local_today
from core.validators import mask_phone


def favicon(request):
    # Resolved per request: the static manifest does not exist before collectstatic.
    return redirect(static("favicon.svg"), permanent=True)


def _unit_name(user) -> str:
    """The user's unit, for the names of exported files."""
    node = selectors.scope_node(user=user)
    return node.name if node is not None else ""


def home(request):
    return render(request, "communities/home.html", {"search_form": CompoundSearchForm()})


def compound_directory(request):
    """Residents find their compound: drill down district → street → community, or search."""
    search_form = CompoundSearchForm(request.GET or None)
    results = None
    if search_form.is_valid() and search_form.cleaned_data["q"]:
        results = selectors.public_compound_search(text=search_form.cleaned_data["q"])
    filters = CompoundFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    level = selectors.public_directory_level(
        district_id=cleaned.get("district"),
        street_id=cleaned.get("street"),
        community_id=cleaned.get("community"),
    )
    return render(
        request,
        "communities/compound_directory.html",
        {"search_form": search_form, "results": results, **level},
    )


@never_cache
@login_required
def staff_home(request):
    filters = CompoundFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    compounds = selectors.compound_list(user=request.user, filters=cleaned)
    page = Paginator(compounds, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "communities/staff_home.html",
        {
            **selectors.scope_overview(user=request.user),
            "node": selectors.scope_node(user=request.user),
            "filter_form": filters,
            "page": page,
        },
    )


@never_cache
@login_required
def compound_export(request):
    filters = CompoundFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    compounds = selectors.compound_list(user=request.user, filters=cleaned)
    modes = dict(Compound._meta.get_field("management_mode").choices)
    rows = (
        (
            c.community.street.district.name, c.community.street.name, c.community.name, c.name,
            str(modes[c.management_mode]), c.declared_households, c.floor_area, c.year_built,
            c.is_old_compound, c.is_three_no, c.address,
        )
        for c in compounds.iterator(chunk_size=2000)
    )
    headers = [
        _("district"), _("street"), _("community"), _("compound"), _("management mode"),
        _("declared households"), _("floor area (m²)"), _("year built"), _("old compound"),
        _("three-no compound"), _("address"),
    ]
    return xlsx_response(
        filename=_("compounds ledger") + ".xlsx", sheet_title=_("compounds"),
        headers=headers, rows=rows, unit=_unit_name(request.user),
    )


@never_cache
@login_required
def household_export(request):
    households = selectors.household_list(
        user=request.user, compound_id=_int_or_none(request.GET.get("compound"))
    )
    show_pii = selectors.can_view_pii(request.user)
    if show_pii:
        record_pii_view(request=request, object_type="communities.household", exported=True,
                        place=user_place(request.user))
    rows = (
        (
            h.compound.name, h.building.name, h.unit, h.room, h.floor_area, h.owner_name,
            h.phone if show_pii else mask_phone(h.phone),
        )
        for h in households.iterator(chunk_size=2000)
    )
    headers = [
        _("compound"), _("building"), _("unit (entrance)"), _("room"), _("floor area (m²)"),
        _("owner name"), _("phone"),
    ]
    return xlsx_response(
        filename=_("households ledger") + ".xlsx", sheet_title=_("households"),
        headers=headers, rows=rows, unit=_unit_name(request.user),
    )


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------
# Patrols of vulnerable residents (一日两巡) and service sites
# ---------------------------------------------------------------------------

PATROL_FLAG_DAYS = 7  # the patrol page flags missed half-days of the last week


def _patrol_range(request):
    today = local_today()
    return today - timedelta(days=PATROL_FLAG_DAYS - 1), today


@staff_view("communities.view_vulnerableresident")
def patrols(request):
    """The grid's and community's patrol page: residents, missed half-days, record a visit."""
    show_pii = selectors.can_view_pii(request.user)
    residents = selectors.vulnerable_resident_list(user=request.user)
    form = PatrolVisitForm(
        request.POST or None, residents=residents, show_pii=show_pii,
        initial={"visited_at": local_now().replace(second=0, microsecond=0, tzinfo=None),
                 "visitor_name": request.user.get_full_name()},
    )
    if request.method == "POST":
        if not request.user.has_perm("communities.add_patrolvisit"):
            raise PermissionDenied
        if form.is_valid():
            try:
                patrol_visit_record(actor=request.user, **form.cleaned_data)
            except (ApplicationError, ValidationError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The patrol visit was recorded."))
                return redirect("patrols")
    start, end = _patrol_range(request)
    missed = selectors.missed_patrol_half_days(user=request.user, start=start, end=end)
    page = Paginator(residents, 50).get_page(request.GET.get("page"))
    rows = [(r, selectors.display_vulnerable(request.user, r)) for r in page]
    if show_pii and rows:
        record_pii_view(request=request, object_type="communities.vulnerableresident",
                        place=user_place(request.user), fields=("name", "phone", "address"),
                        count=len(rows))
    return render(request, "communities/patrols.html", {
        "form": form,
        "page": page,
        "rows": rows,
        "missed": [
            {**m, "shown": selectors.display_vulnerable(request.user, m["resident"])}
            for m in missed[:200]
        ],
        "missed_count": len(missed),
        "start": start,
        "end": end,
        "can_record": request.user.has_perm("communities.add_patrolvisit"),
    }, status=400 if form.errors else 200)


@staff_view("communities.view_patrolvisit")
def patrol_export(request):
    visits = scope_queryset(
        PatrolVisit.objects.select_related("resident__grid__community"), request.user
    ).order_by("-visited_at", "-pk")
    _audit_vulnerable_export(request)
    rows = (
        (
            v.resident.grid.community.name, v.resident.grid.name,
            selectors.display_vulnerable(request.user, v.resident)["name"],
            v.resident.get_group_display(), v.visit_date, v.get_half_day_display(),
            v.visited_at, v.visitor_name, v.condition, v.needs_follow_up,
        )
        for v in visits.iterator(chunk_size=2000)
    )
    headers = [
        _("community"), _("grid"), _("name"), _("group"), _("visit date"), _("half day"),
        _("visited at"), _("visited by"), _("condition found"), _("needs follow-up"),
    ]
    return xlsx_response(filename=_("patrol ledger") + ".xlsx", sheet_title=_("patrols"),
                         headers=headers, rows=rows, unit=_unit_name(request.user))


@staff_view("communities.view_patrolvisit")
def patrol_missed_export(request):
    end = local_today()
    start = end - timedelta(days=30)
    missed = selectors.missed_patrol_half_days(user=request.user, start=start, end=end)
    _audit_vulnerable_export(request)
    rows = (
        (
            m["resident"].grid.community.name, m["resident"].grid.name,
            selectors.display_vulnerable(request.user, m["resident"])["name"],
            m["resident"].get_group_display(), m["date"],
            str(dict(_half_day_labels()).get(m["half_day"])),
        )
        for m in missed
    )
    headers = [_("community"), _("grid"), _("name"), _("group"), _("date"),
               _("missed half day")]
    return xlsx_response(filename=_("missed patrols") + ".xlsx",
                         sheet_title=_("missed patrols"), headers=headers, rows=rows,
                         unit=_unit_name(request.user))


def _audit_vulnerable_export(request):
    if selectors.can_view_pii(request.user):
        record_pii_view(request=request, object_type="communities.vulnerableresident",
                        place=user_place(request.user), fields=("name",), exported=True)


def _half_day_labels():
    return HalfDay.choices


@staff_view("communities.view_servicesite")
def service_sites(request):
    """Service sites with people served per day; staff record a service."""
    sites = selectors.service_site_list(user=request.user)
    form = ServiceRecordForm(
        request.POST or None, sites=sites,
        initial={"served_at": local_now().replace(second=0, microsecond=0, tzinfo=None)},
    )
    if request.method == "POST":
        if not request.user.has_perm("communities.add_servicerecord"):
            raise PermissionDenied
        if form.is_valid():
            try:
                service_record_create(actor=request.user, **form.cleaned_data)
            except (ApplicationError, ValidationError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The service was recorded."))
                return redirect("service-sites")
    today = local_today()
    return render(request, "communities/service_sites.html", {
        "page": Paginator(sites, 50).get_page(request.GET.get("page")),
        "per_day": selectors.service_visits_per_day(
            user=request.user, start=today - timedelta(days=13), end=today
        ),
        "form": form,
        "can_record": request.user.has_perm("communities.add_servicerecord"),
    }, status=400 if form.errors else 200)


@staff_view("communities.view_servicerecord")
def service_record_export(request):
    records = selectors.service_record_list(user=request.user)
    rows = (
        (
            r.site.community.name, r.site.name, r.site.get_kind_display(),
            str(r.room) if r.room_id else "", r.get_kind_display(), r.served_at,
            r.service_date, r.visitors, r.note,
        )
        for r in records.iterator(chunk_size=2000)
    )
    headers = [_("community"), _("service site"), _("kind"), _("function room"), _("service"),
               _("served at"), _("service date"), _("people served"), _("note")]
    return xlsx_response(filename=_("service records ledger") + ".xlsx",
                         sheet_title=_("service records"), headers=headers, rows=rows,
                         unit=_unit_name(request.user))


@staff_view("communities.view_building")
def building_options(request):
    """The buildings of one compound in the user's area, for a form's building list that
    fills after a compound is chosen (static/js/site.js). Out of scope or missing: 404."""
    compound = get_scoped_object_or_404(
        Compound.objects.all(), request.user, pk=_int_or_none(request.GET.get("compound")) or 0
    )
    buildings = scope_queryset(
        Building.objects.filter(compound=compound).order_by("name"), request.user
    )
    return JsonResponse({"results": [{"id": b.pk, "name": b.name} for b in buildings]})
