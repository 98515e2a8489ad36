from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import selectors
from .exports import xlsx_response
from .forms import CompoundFilterForm, CompoundSearchForm
from .models import Compound
from .validators import mask_phone


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
        headers=headers, rows=rows,
    )


@never_cache
@login_required
def household_export(request):
    households = selectors.household_list(
        user=request.user, compound_id=_int_or_none(request.GET.get("compound"))
    )
    show_pii = selectors.can_view_pii(request.user)
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
        headers=headers, rows=rows,
    )


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
