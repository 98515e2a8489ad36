"""Staff pages of the Party organisation ledgers: thin, scoped, Chinese first."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.access.scoping import get_scoped_object_or_404, scope_for_user
from communities.models import StaffRole
from core.decorators import staff_view
from core.errors import ApplicationError
from core.forms import add_service_error, service_error_messages
from core.timeutils import local_today

from . import exports, selectors, services
from .forms import (
    ActionItemFormSet,
    ActionStatusForm,
    AssessmentForm,
    MeetingForm,
    PointApplyForm,
    ReportForm,
    ResubmitForm,
    ReviewForm,
    SpendingForm,
    YearForm,
)
from .models import FIVE_STANDARDS, ActionItem, ListKind, PointStatus

FLAG_DAYS = 14  # how far back the reports page looks for missing reports






# ---------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------


@staff_view("party_orgs.view_partyorganization")
def organization_tree(request):
    orgs = selectors.organization_list(user=request.user)
    page = Paginator(orgs, 100).get_page(request.GET.get("page"))
    return render(request, "party_orgs/organization_tree.html", {
        "page": page,
        "structure": selectors.four_level_counts(organizations=orgs),
    })


@staff_view("party_orgs.view_partyorganization")
def organization_detail(request, pk):
    org = selectors.organization_get(user=request.user, pk=pk)
    subtree = Paginator(selectors.organization_subtree(user=request.user, org=org), 100)
    members = Paginator(selectors.subtree_members(user=request.user, org=org), 100)
    page = subtree.get_page(request.GET.get("page"))
    return render(request, "party_orgs/organization_detail.html", {
        "org": org,
        "page": page,
        "members": members.get_page(request.GET.get("members")),
        "show_pii": request.user.has_perm("communities.view_pii"),
    })


# ---------------------------------------------------------------------------
# Joint meetings
# ---------------------------------------------------------------------------


@staff_view("party_orgs.view_jointmeeting")
def meeting_list(request):
    form = YearForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    year = cleaned.get("year") or local_today().year
    meetings = selectors.meeting_list(user=request.user, filters={**cleaned, "year": year})
    return render(request, "party_orgs/meeting_list.html", {
        "form": form,
        "year": year,
        "page": Paginator(meetings, 25).get_page(request.GET.get("page")),
        "gaps": selectors.three_party_meeting_gaps(user=request.user, year=year),
        "overdue": selectors.action_item_list(user=request.user, overdue_only=True)[:100],
    })


@staff_view("party_orgs.add_jointmeeting")
def meeting_create(request):
    form = MeetingForm(request.POST or None, user=request.user)
    items = ActionItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        data = form.cleaned_data
        decisions = [i for i in items.cleaned_data if i.get("description")]
        try:
            meeting = services.joint_meeting_record(
                actor=request.user, community=data["community"], kind=data["kind"],
                held_at=data["held_at"], title=data["title"], topics=data["topics"],
                minutes=data["minutes"], attendees=data["attendees"],
                owners_committee_present=data["owners_committee_present"],
                organizations=data["organizations"], compounds=data["compounds"],
                action_items=decisions,
            )
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting and its decisions were recorded."))
            return redirect("party-meeting-detail", pk=meeting.pk)
    return render(request, "party_orgs/meeting_form.html", {"form": form, "items": items})


@staff_view("party_orgs.view_jointmeeting")
def meeting_detail(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return render(request, "party_orgs/meeting_detail.html", {
        "meeting": meeting,
        "today": local_today(),
        "status_form": ActionStatusForm(),
        "can_change": request.user.has_perm("party_orgs.change_actionitem"),
    })


@require_POST
@staff_view("party_orgs.change_actionitem")
def action_item_status(request, pk):
    item = get_scoped_object_or_404(ActionItem.objects.all(), request.user, pk=pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.action_item_set_status(actor=request.user, item=item,
                                            status=form.cleaned_data["status"])
            messages.success(request, _("The status was updated."))
        except (ApplicationError, ValidationError) as error:
            messages.error(request, "；".join(service_error_messages(error)))
    else:
        messages.error(request, _("Choose a status."))
    return redirect("party-meeting-detail", pk=item.meeting_id)


# ---------------------------------------------------------------------------
# Demonstration points
# ---------------------------------------------------------------------------


@staff_view("party_orgs.view_demonstrationpoint")
def point_list(request):
    points = selectors.point_list(user=request.user, filters={
        "status": request.GET.get("status") if request.GET.get("status") in PointStatus.values
        else None,
    })
    return render(request, "party_orgs/point_list.html", {
        "page": Paginator(points, 25).get_page(request.GET.get("page")),
        "by_step": selectors.points_by_review_step(
            points=selectors.point_list(user=request.user)
        ),
        "statuses": PointStatus.choices,
    })


@staff_view("party_orgs.add_demonstrationpoint")
def point_apply(request):
    form = PointApplyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.demonstration_point_apply(actor=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The application was submitted to the street."))
            return redirect("party-point-detail", pk=point.pk)
    return render(request, "party_orgs/point_apply.html", {"form": form})


def _point_context(request, point, **forms):
    scope = scope_for_user(request.user)
    step_role = {
        PointStatus.AWAITING_STREET: StaffRole.STREET_STAFF,
        PointStatus.AWAITING_DISTRICT: StaffRole.DISTRICT_OFFICIAL,
    }.get(point.status)
    return {
        "point": point,
        "reviews": selectors.point_reviews(point=point),
        "assessments": point.assessments.order_by("-year"),
        "reports": point.reports.select_related("author").order_by("-period_start")[:30],
        "standards": FIVE_STANDARDS,
        "can_review": step_role is not None and scope.role == step_role,
        "can_resubmit": point.status == PointStatus.REJECTED
        and scope.role == StaffRole.COMMUNITY_STAFF,
        "can_assess": point.status == PointStatus.APPROVED
        and request.user.has_perm("party_orgs.add_demonstrationassessment"),
        "can_report": point.status == PointStatus.APPROVED and (
            request.user.has_perm("party_orgs.add_workreport")
            or point.cadre_id == request.user.pk
        ),
        "review_form": forms.get("review_form") or ReviewForm(),
        "resubmit_form": forms.get("resubmit_form") or ResubmitForm(initial={"goals": point.goals}),
        "assessment_form": forms.get("assessment_form") or AssessmentForm(),
        "report_form": forms.get("report_form") or ReportForm(),
    }


@staff_view("party_orgs.view_demonstrationpoint")
def point_detail(request, pk):
    point = selectors.point_get(user=request.user, pk=pk)
    return render(request, "party_orgs/point_detail.html", _point_context(request, point))


def _point_action(request, pk, form_class, form_key, call, success):
    point = selectors.point_get(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(point, form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect("party-point-detail", pk=point.pk)
    context = _point_context(request, point, **{form_key: form})
    return render(request, "party_orgs/point_detail.html", context, status=400)


@require_POST
@staff_view("party_orgs.view_demonstrationpoint")
def point_review(request, pk):
    return _point_action(
        request, pk, ReviewForm, "review_form",
        lambda point, data: services.demonstration_point_review(
            actor=request.user, point=point, decision=data["decision"], comment=data["comment"]
        ),
        _("Your review decision was recorded."),
    )


@require_POST
@staff_view("party_orgs.view_demonstrationpoint")
def point_resubmit(request, pk):
    return _point_action(
        request, pk, ResubmitForm, "resubmit_form",
        lambda point, data: services.demonstration_point_resubmit(
            actor=request.user, point=point, goals=data["goals"], comment=data["comment"]
        ),
        _("The revised application was resubmitted to the street."),
    )


@require_POST
@staff_view("party_orgs.add_demonstrationassessment")
def point_assess(request, pk):
    def call(point, data):
        services.demonstration_assessment_record(
            actor=request.user, point=point, year=data["year"],
            scores={code: data[f"{code}_score"] for code, _label in FIVE_STANDARDS},
            evidence={code: data[f"{code}_evidence"] for code, _label in FIVE_STANDARDS},
        )

    return _point_action(request, pk, AssessmentForm, "assessment_form", call,
                         _("The five-standard assessment was recorded."))


@require_POST
@staff_view("party_orgs.view_demonstrationpoint")
def point_report(request, pk):
    return _point_action(
        request, pk, ReportForm, "report_form",
        lambda point, data: services.work_report_submit(actor=request.user, point=point, **data),
        _("The report was filed."),
    )


# ---------------------------------------------------------------------------
# Work ledger, three lists, funds
# ---------------------------------------------------------------------------


@staff_view("party_orgs.view_workreport")
def report_ledger(request):
    today = local_today()
    reports = selectors.report_list(user=request.user)
    return render(request, "party_orgs/report_ledger.html", {
        "missing": selectors.missing_reports(
            user=request.user, start=today - timedelta(days=FLAG_DAYS)
        ),
        "flag_days": FLAG_DAYS,
        "page": Paginator(reports, 50).get_page(request.GET.get("page")),
    })


@staff_view("party_orgs.view_listitem")
def three_lists(request):
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else local_today().year
    items = list(selectors.list_item_list(user=request.user, filters={"year": year})[:600])
    lists = [
        (label, [i for i in items if i.list_kind == code]) for code, label in ListKind.choices
    ]
    return render(request, "party_orgs/three_lists.html", {"lists": lists, "year": year})


@staff_view("party_orgs.view_fundallocation")
def funds(request):
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else local_today().year
    form = SpendingForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm("party_orgs.add_fundspending"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.fund_spend(actor=request.user, **form.cleaned_data)
            except (ApplicationError, ValidationError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The spending was recorded."))
                return redirect("party-funds")
    allocations = list(selectors.allocation_list(user=request.user, year=year)[:300])
    totals = {
        "amount": sum(a.amount for a in allocations),
        "spent": sum(a.spent for a in allocations),
        "remaining": sum(a.remaining for a in allocations),
    }
    return render(request, "party_orgs/funds.html", {
        "year": year,
        "allocations": allocations,
        "totals": totals,
        "form": form,
        "can_spend": request.user.has_perm("party_orgs.add_fundspending"),
        "spendings": selectors.spending_list(user=request.user, year=year)[:50],
    }, status=400 if form.errors else 200)


# ---------------------------------------------------------------------------
# Excel exports of every ledger (台账)
# ---------------------------------------------------------------------------


@staff_view("party_orgs.view_partyorganization")
def export(request, ledger):
    builder = exports.LEDGERS.get(ledger)
    if builder is None:
        raise Http404
    permission, build = builder
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return build(request.user)
