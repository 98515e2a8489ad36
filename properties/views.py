import csv
import io
import logging
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from communities.access.scoping import get_scoped_object_or_404
from communities.models import Compound
from core.errors import ApplicationError
from core.exports import xlsx_response
from core.forms import add_service_error

from . import fee_import_services, selectors, services
from .attachments import stored_image_type
from .fee_import import template_headers
from .forms import DisclosureForm, FeeImportForm
from .models import Disclosure, ImportKind, ImportOutcome, InspectionItem
from .owner_votes import selectors as owner_vote_selectors

logger = logging.getLogger(__name__)

# Public ------------------------------------------------------------------------------


def compound_notices(request, compound_id: int):
    """The compound's public notice board (公示栏): phone-first, no login."""
    compound = get_object_or_404(
        Compound.objects.select_related("community__street__district"), pk=compound_id
    )
    return render(request, "properties/notice_board.html", {
        **selectors.notice_board(compound=compound),
        **owner_vote_selectors.board_votes(compound=compound),
    })


def disclosure_attachment(request, compound_id: int, pk: int):
    """A published notice's attachment, served with the type its content was checked to be."""
    disclosure = get_object_or_404(
        Disclosure, pk=pk, compound_id=compound_id, published_at__lte=timezone.now()
    )
    if not disclosure.attachment:
        raise Http404(_("This notice has no attachment."))
    response = FileResponse(
        disclosure.attachment.open("rb"), content_type=disclosure.attachment_type
    )
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Fee imports --------------------------------------------------------------------------


@never_cache
@login_required
@permission_required("properties.add_feeimport", raise_exception=True)
def fee_import(request):
    form = FeeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = fee_import_services.fee_import_queue(
                kind=form.cleaned_data["kind"], upload=upload, file_name=upload.name,
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            record.refresh_from_db()  # with eager Celery the import has already ended
            if record.outcome == ImportOutcome.IMPORTED:
                messages.success(
                    request, _("%(count)s rows imported.") % {"count": record.rows_imported}
                )
            elif record.outcome == ImportOutcome.REFUSED:
                messages.error(
                    request, _("Nothing was imported: correct the rows listed below.")
                )
            else:
                messages.info(request, _(
                    "The file is being imported: this page refreshes itself until the "
                    "report is ready."
                ))
            return redirect("fee-import-detail", pk=record.pk)
    recent = selectors.fee_import_list(user=request.user).filter(uploaded_by=request.user)[:20]
    return render(request, "properties/fee_import.html", {"form": form, "recent": recent})


@never_cache
@login_required
@permission_required("properties.view_feeimport", raise_exception=True)
def fee_import_detail(request, pk: int):
    record = get_object_or_404(selectors.fee_import_list(user=request.user), pk=pk)
    return render(request, "properties/fee_import_detail.html", {
        "record": record, "rows_processed": selectors.fee_import_rows_processed(record),
    })


@login_required
@permission_required("properties.add_feeimport", raise_exception=True)
def fee_import_template(request, kind: str, fmt: str):
    if kind not in ImportKind.values:
        raise Http404
    headers = template_headers(kind)
    label = str(ImportKind(kind).label)
    filename = _("%(kind)s import template") % {"kind": label}
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerow(headers)
        response = HttpResponse(
            ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.csv"
        return response
    return xlsx_response(
        filename=f"{filename}.xlsx", sheet_title=label, headers=headers, rows=[]
    )


# Disclosures (staff) -----------------------------------------------------------------


@never_cache
@login_required
@permission_required("properties.view_disclosure", raise_exception=True)
def disclosure_staff_list(request):
    page = Paginator(selectors.disclosure_list(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "properties/disclosure_list.html", {"page": page})


@never_cache
@login_required
@permission_required("properties.add_disclosure", raise_exception=True)
def disclosure_create(request):
    compounds = selectors.disclosure_compounds(user=request.user)
    form = DisclosureForm(request.POST or None, request.FILES or None, compounds=compounds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.disclosure_publish(
                compound=data["compound"], item=data["item"], title=data["title"],
                text=data["text"], attachment=data.get("attachment"),
                valid_until=data.get("valid_until"), actor=request.user,
            )
        except (ApplicationError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The notice is published on the compound's board."))
            return redirect("disclosure-staff-list")
    return render(request, "properties/disclosure_form.html", {"form": form})


# Inspections (staff) -----------------------------------------------------------------


@never_cache
@login_required
def inspection_photo(request, pk: int):
    """An inspection item's photo, for staff whose scope covers the inspected compound.

    Media are not served in production: this is the only way to a photo. Without the
    permission, out of scope, without a photo or with its file gone: all the same 404.
    """
    if not request.user.has_perm("properties.view_inspection"):
        raise Http404(_("No such record in your area."))
    item = get_scoped_object_or_404(InspectionItem.objects.all(), request.user, pk=pk)
    if not item.photo:
        raise Http404(_("This inspection item has no photo."))
    try:
        handle = item.photo.open("rb")
    except OSError:
        logger.warning("inspection item %s: photo file missing", item.pk)
        raise Http404(_("The photo file is missing.")) from None
    content_type = stored_image_type(handle.read(16))
    if content_type is None:  # checked on upload; anything else now is not served
        handle.close()
        logger.warning("inspection item %s: stored photo is not a JPEG/PNG", item.pk)
        raise Http404(_("The photo file is missing."))
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
