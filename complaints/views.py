"""Resident pages (no login) and the staff workbench. Thin: parse, call, render."""

import logging
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from communities.audit import record_pii_view, user_place
from communities.forms import CompoundSearchForm
from communities.models import Compound
from communities.selectors import (
    can_view_pii,
    display_phone,
    public_compound_search,
    public_directory_level,
)
from core.errors import ApplicationError
from core.exports import xlsx_response
from core.validators import mask_phone

from . import lifecycle, ratelimit, selectors, services, tracking
from .forms import (
    ActionForm,
    ComplaintLogForm,
    ComplaintSubmitForm,
    FeedbackForm,
    QueueFilterForm,
    TrackForm,
)
from .models import Complaint, ComplaintPhoto
from .pagination import keyset_page
from .reply_templates import templates_for

logger = logging.getLogger(__name__)
SESSION_TRACKED = "complaints_tracked"
SESSION_RECEIPT = "complaints_receipt"
VIEW_PERMISSION = "complaints.view_complaint"


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _rate_limited(request, message=None):
    return render(
        request, "complaints/rate_limited.html",
        {"message": message or _("Too many attempts. Please try again in an hour.")},
        status=429,
    )


def _remember_tracked(request, complaint) -> None:
    tracked = [pk for pk in request.session.get(SESSION_TRACKED, []) if pk != complaint.pk]
    request.session[SESSION_TRACKED] = [complaint.pk, *tracked][:10]


# ----------------------------------------------------------------------------- residents


@never_cache
def complaint_new(request, compound_id=None):
    """Choose the compound (drill down or search), then the form; POST submits."""
    if compound_id is None:
        compound_id = _int_or_none(request.GET.get("compound"))
        if compound_id is not None:
            return redirect("complaint-new-compound", compound_id=compound_id)
        return _compound_picker(request)
    compound = get_object_or_404(
        Compound.objects.select_related("community__street__district"), pk=compound_id
    )
    if request.method == "POST":
        return _submit(request, compound)
    form = ComplaintSubmitForm(compound=compound)
    return _render_form(request, compound, form)


def _compound_picker(request):
    search_form = CompoundSearchForm(request.GET or None)
    results = None
    if search_form.is_valid() and search_form.cleaned_data["q"]:
        results = public_compound_search(text=search_form.cleaned_data["q"])
    level = public_directory_level(
        district_id=_int_or_none(request.GET.get("district")),
        street_id=_int_or_none(request.GET.get("street")),
        community_id=_int_or_none(request.GET.get("community")),
    )
    return render(request, "complaints/choose_compound.html",
                  {"search_form": search_form, "results": results, **level})


def _render_form(request, compound, form, status=200):
    recent = _recent_open(compound)
    return render(
        request, "complaints/new.html",
        {"compound": compound, "form": form, "recent": recent}, status=status,
    )


def _recent_open(compound):
    """Open complaints of the compound from the last two weeks ("is this yours?"); the
    page's script narrows them to the chosen category."""
    return selectors.similar_open_complaints(compound_id=compound.pk, category_id=None)


def _submit(request, compound):
    ip = ratelimit.client_ip(request)
    if not ratelimit.hit("submit_attempt_ip", ip):
        return _rate_limited(request)
    form = ComplaintSubmitForm(request.POST, request.FILES, compound=compound)
    if form.is_bot:
        return render(request, "complaints/refused.html", status=400)
    if not form.is_valid():
        return _render_form(request, compound, form, status=400)
    data = form.cleaned_data
    phone = data["reporter_phone"]
    if ratelimit.any_limited(("submit_ip", ip), ("submit_phone", phone)):
        return _rate_limited(request, _(
            "You have sent several requests in the last hour. Please wait, or call your "
            "community office."
        ))
    try:
        complaint = services.complaint_create(
            compound=compound, building=data.get("building"), category=data["category"],
            description=data["description"], reporter_name=data["reporter_name"],
            reporter_phone=phone, photos=data["photos"],
        )
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _render_form(request, compound, form, status=exc.status_code)
    ratelimit.hit("submit_ip", ip)
    ratelimit.hit("submit_phone", phone)
    request.session[SESSION_RECEIPT] = complaint.pk
    _remember_tracked(request, complaint)
    return redirect("complaint-receipt")


@require_GET
def complaint_similar(request):
    """Open complaints of one category in one compound from the last two weeks (JSON)."""
    items = selectors.similar_open_complaints(
        compound_id=_int_or_none(request.GET.get("compound")),
        category_id=_int_or_none(request.GET.get("category")),
    )
    return JsonResponse({"results": [
        {
            # category, date and status only: the description is the resident's own text
            "category": str(c.category),
            "received": timezone.localtime(c.received_at).strftime("%Y-%m-%d"),
            "status": c.get_status_display(),
        }
        for c in items
    ]})


@never_cache
def complaint_receipt(request):
    pk = request.session.get(SESSION_RECEIPT)
    complaint = Complaint.objects.select_related("category__parent", "compound").filter(
        pk=pk
    ).first() if pk else None
    if complaint is None:
        return redirect("complaint-track")
    return render(request, "complaints/receipt.html", {"complaint": complaint})


@never_cache
def track(request):
    form = TrackForm(request.POST or None)
    error = None
    if request.method == "POST":
        ip = ratelimit.client_ip(request)
        if not ratelimit.hit("track_ip", ip):
            return _rate_limited(request)
        if form.is_valid():
            code = form.cleaned_data["code"].strip().upper()
            if tracking.tracking_locked(code=code, ip=ip):
                return _rate_limited(request)
            complaint = selectors.complaint_for_tracking(
                code=code, last4=form.cleaned_data["last4"]
            )
            if complaint is not None:
                _remember_tracked(request, complaint)
                return redirect("complaint-track-detail", code=complaint.tracking_code)
            tracking.tracking_failure_record(code=code, ip=ip)
        error = _("No request matches this tracking code and phone number. Check both and "
                  "try again.")
    return render(request, "complaints/track.html", {"form": form, "error": error},
                  status=400 if error else 200)


def _tracked_complaint(request, code):
    complaint = (
        Complaint.objects.select_related("category__parent", "compound", "building")
        .filter(tracking_code=(code or "").upper()).first()
    )
    if complaint is None or complaint.pk not in request.session.get(SESSION_TRACKED, []):
        return None
    return complaint


@never_cache
def track_detail(request, code):
    complaint = _tracked_complaint(request, code)
    if complaint is None:
        return redirect("complaint-track")
    return _render_track_detail(request, complaint, FeedbackForm(
        initial={"version": complaint.version}
    ))


def _render_track_detail(request, complaint, feedback_form, status=200):
    events = selectors.public_timeline(complaint)
    for event in events:
        event.role_label = selectors.role_label(event.actor_role)
    return render(request, "complaints/track_detail.html", {
        "complaint": complaint, "events": events,
        "feedback_open": lifecycle.feedback_open(complaint),
        "feedback_form": feedback_form,
    }, status=status)


@require_POST
def track_feedback(request, code):
    complaint = _tracked_complaint(request, code)
    if complaint is None:
        return redirect("complaint-track")
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_record_feedback(
                complaint_id=complaint.pk, version=form.cleaned_data.get("version"),
                note=form.cleaned_data["comment"], resolved=form.cleaned_data["resolved"],
                satisfaction=form.cleaned_data["satisfaction"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("complaint-track-detail", code=complaint.tracking_code)
        messages.success(request, _("Thank you for your answers."))
        return redirect("complaint-track-detail", code=complaint.tracking_code)
    return _render_track_detail(request, complaint, form, status=400)


def _photo_response(photo):
    content_type = mimetypes.guess_type(photo.image.name)[0] or "application/octet-stream"
    try:
        handle = photo.image.open("rb")
    except OSError:  # the row outlived its file (restored database, lost volume)
        logger.warning("complaint photo %s: file missing", photo.pk)
        raise Http404(_("The photo file is missing.")) from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
def track_photo(request, code, pk):
    complaint = _tracked_complaint(request, code)
    if complaint is None:
        raise Http404
    photo = get_object_or_404(ComplaintPhoto, pk=pk, complaint=complaint)
    return _photo_response(photo)


# ----------------------------------------------------------------------------- staff


def _queue_filters(request):
    form = QueueFilterForm(request.GET or None, user=request.user)
    return form, (form.cleaned_data if form.is_valid() else {})


@never_cache
@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def queue(request):
    form, filters = _queue_filters(request)
    complaints = selectors.complaint_queue(user=request.user, filters=filters)
    page = keyset_page(complaints, request.GET)
    return render(request, "complaints/queue.html", {
        "filter_form": form, "page": page,
        "can_log": request.user.has_perm(lifecycle.LOG),
    })


@never_cache
@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def queue_export(request):
    _form, filters = _queue_filters(request)
    complaints = selectors.complaint_queue(user=request.user, filters=filters)
    show_pii = can_view_pii(request.user)
    if show_pii:
        record_pii_view(request=request, object_type="complaints.complaint", exported=True,
                        place=user_place(request.user), fields=("reporter_phone",))

    rows = (
        (
            c.tracking_code, c.received_at, c.compound.community.name, c.compound.name,
            str(c.category), c.get_channel_display(), c.get_status_display(),
            c.get_urgency_display(), c.handler_label(), c.response_deadline,
            c.resolve_deadline, c.resolved_at, c.overdue, c.reopen_count,
            c.get_satisfaction_display(), c.reporter_name,
            c.reporter_phone if show_pii else mask_phone(c.reporter_phone), c.description,
        )
        for c in complaints.iterator(chunk_size=2000)
    )
    headers = [
        _("tracking code"), _("received at"), _("community"), _("compound"), _("category"),
        _("channel"), _("status"), _("urgency"), _("handler"), _("respond by"),
        _("resolve by"), _("resolved at"), _("overdue"), _("times reopened"),
        _("satisfaction"), _("reporter name"), _("reporter phone"), _("description"),
    ]
    return xlsx_response(filename=_("complaints ledger") + ".xlsx",
                         sheet_title=_("complaints"), headers=headers, rows=rows)


@never_cache
@login_required
def log_request(request):
    if not request.user.has_perm(lifecycle.LOG):
        raise Http404
    form = ComplaintLogForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_log(
                actor=request.user, compound=data["compound"], channel=data["channel"],
                building=data.get("building"), category=data["category"],
                description=data["description"], reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"], urgency=data["urgency"],
                external_ref=data["external_ref"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Request %(code)s logged.") % {
                "code": complaint.tracking_code})
            return redirect("complaint-detail", pk=complaint.pk)
    return render(request, "complaints/log.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)


def _detail_context(request, complaint, bound_action=None, bound_form=None):
    actions = selectors.available_actions(complaint=complaint, user=request.user)
    targets = services.dispatch_targets(complaint) if "dispatch" in actions else []
    forms = {}
    for action in actions:
        if action == bound_action and bound_form is not None:
            forms[action] = bound_form
        else:
            forms[action] = ActionForm(action=action, complaint=complaint, targets=targets,
                                       initial={"version": complaint.version})
    events = list(complaint.events.all())
    for event in events:
        event.role_label = selectors.role_label(event.actor_role)
    if can_view_pii(request.user) and complaint.reporter_phone:
        record_pii_view(request=request, obj=complaint, fields=("reporter_phone",))
    return {
        "complaint": complaint,
        "phone": display_phone(request.user, complaint.reporter_phone),
        "events": events,
        "actions": [(lifecycle.TRANSITIONS[a], forms[a], templates_for(a)) for a in actions],
        "now": timezone.now(),
        "overdue": complaint.is_overdue(timezone.now()),
    }


@never_cache
@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def detail(request, pk):
    complaint = selectors.complaint_detail(user=request.user, pk=pk)
    return render(request, "complaints/detail.html", _detail_context(request, complaint))


@require_POST
@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def act(request, pk, action):
    """Take one action of ``lifecycle.TRANSITIONS`` (the API dispatches through it too)."""
    if action not in lifecycle.TRANSITIONS:
        raise Http404
    complaint = selectors.complaint_detail(user=request.user, pk=pk)
    targets = services.dispatch_targets(complaint) if action == "dispatch" else []
    form = ActionForm(request.POST, request.FILES, action=action, complaint=complaint,
                      targets=targets)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return render(request, "complaints/detail.html",
                      _detail_context(request, complaint, action, form), status=400)
    data = form.cleaned_data
    try:
        services.complaint_transition(action=action, complaint_id=complaint.pk,
                                      actor=request.user, version=data["version"], data=data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        complaint = selectors.complaint_detail(user=request.user, pk=pk)
        return render(request, "complaints/detail.html",
                      _detail_context(request, complaint), status=exc.status_code)
    messages.success(request, _("Saved."))
    return redirect(reverse("complaint-detail", kwargs={"pk": pk}))


@never_cache
@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def staff_photo(request, pk):
    return _photo_response(selectors.photo_for_staff(user=request.user, pk=pk))

