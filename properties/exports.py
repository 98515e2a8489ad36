"""Excel ledgers of the property registers (issue 15): fee bills, payments, arrears (欠费清单,
what a firm works from every month), disclosures, inspections, contracts, firms,
renovation projects and owners' committees. Each is scoped to the user, streamed in
chunks, with money, dates and counts as numbers; residents' phones are masked without the
PII permission, and an unmasked export leaves an audit event.

``/staff/properties/export/<ledger>.xlsx`` (``ledger_export``) serves them.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from communities import audit
from communities.access.scoping import scope_for_user, scope_queryset
from communities.models import AuditAction
from communities.selectors import can_view_pii, display_phone, scope_node
from core.exports import money, xlsx_response
from core.timeutils import local_today
from core.validators import mask_phone

from .models import (
    Disclosure,
    FeeBill,
    Inspection,
    OwnersCommittee,
    Payment,
    PropertyFirm,
    RenovationProject,
    RenovationWork,
    ServiceContract,
)

CHUNK = 2000
ZERO = Value(0, output_field=DecimalField(max_digits=12, decimal_places=2))


def export_unit(user) -> str:
    """The name of the user's unit (or firm) for the file name."""
    node = scope_node(user=user)
    if node is not None:
        return node.name
    scope = scope_for_user(user)
    if scope.level == "firm":
        return PropertyFirm.objects.filter(pk=scope.node_id).values_list(
            "name", flat=True).first() or ""
    return ""


def _place(household) -> str:
    unit = f"{household.unit}单元" if household.unit else ""
    return f"{household.building.name} {unit}{household.room}"


def _phones(user, object_type: str):
    """How this export shows residents' phones; an unmasked export is audited."""
    if can_view_pii(user):
        audit.record(action=AuditAction.PII_EXPORTED, actor=user, object_type=object_type,
                     place=audit.user_place(user), changes={"fields": "phone"})
        return lambda phone: phone
    return mask_phone


def _response(user, title, sheet, headers, rows):
    return xlsx_response(filename=str(title), sheet_title=sheet, headers=headers, rows=rows,
                         unit=export_unit(user))


def _bills(user):
    return scope_queryset(
        FeeBill.objects.select_related("compound__community", "household__building"), user
    ).annotate(
        paid=Coalesce(Sum("payments__amount", filter=Q(payments__voided_at__isnull=True)),
                      ZERO),
    )


def bills(user):
    show = _phones(user, "properties.feebill")
    rows = (
        (b.compound.community.name, b.compound.name, _place(b.household), b.household.owner_name,
         show(b.household.phone), b.period_start, b.period_end, money(b.amount_due),
         money(b.amount_waived), money(b.paid),
         money(b.amount_due - b.amount_waived - b.paid))
        for b in _bills(user).order_by("compound__name", "household_id", "period_start")
        .iterator(chunk_size=CHUNK)
    )
    headers = [_("community"), _("compound"), _("household"), _("owner name"), _("phone"),
               _("period start"), _("period end"), _("amount due (yuan)"),
               _("amount waived (yuan)"), _("paid (yuan)"), _("outstanding (yuan)")]
    return _response(user, _("fee bills ledger"), _("fee bills"), headers, rows)


def payments(user):
    qs = scope_queryset(
        Payment.objects.select_related("compound", "bill__household__building", "firm"), user
    ).order_by("paid_at", "pk")
    rows = (
        (p.compound.name, _place(p.bill.household), p.bill.period_start, money(p.amount),
         p.paid_at, p.get_channel_display(), p.receipt_no, p.firm.name if p.firm_id else "",
         p.voided_at, p.void_reason)
        for p in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("compound"), _("household"), _("bill period"), _("amount (yuan)"),
               _("paid at"), _("channel"), _("receipt number"), _("property firm"),
               _("voided at"), _("reason for voiding")]
    return _response(user, _("payments ledger"), _("payments"), headers, rows)


def months_overdue(period_end, today) -> int:
    if period_end >= today:
        return 0
    return (today.year - period_end.year) * 12 + today.month - period_end.month


def arrears_list(*, user):
    """Bills unpaid or partly paid (``outstanding`` > 0), by compound and household."""
    return (_bills(user)
            .annotate(outstanding=F("amount_due") - F("amount_waived") - F("paid"))
            .filter(outstanding__gt=0)
            .order_by("compound__name", "household__building__name", "household__unit",
                      "household__room", "period_start"))


def arrears(user):
    """Bills unpaid or partly paid, by household, with the amounts and months overdue."""
    show = _phones(user, "properties.feebill")
    today = local_today()
    qs = arrears_list(user=user)
    rows = (
        (b.compound.community.name, b.compound.name, _place(b.household),
         b.household.owner_name, show(b.household.phone), b.period_start, b.period_end,
         money(b.amount_due - b.amount_waived), money(b.paid), money(b.outstanding),
         months_overdue(b.period_end, today))
        for b in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("community"), _("compound"), _("household"), _("owner name"), _("phone"),
               _("period start"), _("period end"), _("amount owed (yuan)"), _("paid (yuan)"),
               _("outstanding (yuan)"), _("months overdue")]
    return _response(user, _("arrears list"), _("arrears"), headers, rows)


def disclosures(user):
    qs = scope_queryset(
        Disclosure.objects.select_related("compound", "firm"), user
    ).order_by("compound__name", "item", "-published_at")
    rows = (
        (d.compound.name, d.firm.name if d.firm_id else "", d.get_item_display(), d.title,
         d.published_at, d.valid_until, bool(d.attachment))
        for d in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("compound"), _("property firm"), _("item"), _("title"), _("published at"),
               _("valid until"), _("attachment")]
    return _response(user, _("disclosures ledger"), _("disclosures"), headers, rows)


def inspections(user):
    qs = scope_queryset(
        Inspection.objects.select_related("compound", "contract__firm"), user
    ).annotate(
        checked=Count("items"), passed=Count("items", filter=Q(items__passed=True)),
    ).order_by("-date", "pk")
    rows = (
        (i.date, i.compound.name, i.contract.firm.name if i.contract.firm_id else "",
         i.checked, i.passed, i.checked - i.passed, i.note)
        for i in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("date"), _("compound"), _("property firm"), _("items checked"),
               _("items passed"), _("items failed"), _("note")]
    return _response(user, _("inspections ledger"), _("inspections"), headers, rows)


def contracts(user):
    qs = scope_queryset(
        ServiceContract.objects.select_related("compound__community", "firm"), user
    ).order_by("compound__name", "-start_date")
    rows = (
        (c.compound.community.name, c.compound.name, c.firm.name if c.firm_id else "",
         c.get_mode_display(), c.start_date, c.end_date, money(c.fee_standard),
         c.get_status_display())
        for c in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("community"), _("compound"), _("property firm"), _("management mode"),
               _("start date"), _("end date"), _("fee standard (yuan/m²/month)"),
               _("status")]
    return _response(user, _("service contracts ledger"), _("service contracts"), headers,
                     rows)


def firms(user):
    qs = scope_queryset(PropertyFirm.objects.all(), user).order_by("name")
    rows = (
        (f.name, f.credit_code, f.get_ownership_display(), f.contact_person,
         f.contact_phone, f.address, f.get_red_standing_display(), f.red_standing_year)
        for f in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("name"), _("unified social credit code"), _("ownership"),
               _("contact person"), _("contact phone"), _("address"), _("red standing"),
               _("red standing year")]
    return _response(user, _("property firms ledger"), _("property firms"), headers, rows)


def _work_label(code) -> str:
    return str(RenovationWork(code).label) if code in RenovationWork.values else str(code)


def renovations(user):
    qs = scope_queryset(
        RenovationProject.objects.select_related("compound__community"), user
    ).order_by("-year", "compound__name")
    rows = (
        (r.compound.community.name, r.compound.name, r.year,
         "、".join(_work_label(w) for w in r.works),
         money(r.budget), r.get_status_display(), r.completion_date)
        for r in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("community"), _("compound"), _("year"), _("works"), _("budget (yuan)"),
               _("status"), _("completion date")]
    return _response(user, _("renovation projects ledger"), _("renovation projects"),
                     headers, rows)


def committees(user):
    qs = scope_queryset(
        OwnersCommittee.objects.select_related("compound__community"), user
    ).order_by("compound__name", "-term_start")
    rows = (
        (c.compound.community.name, c.compound.name, c.get_kind_display(), c.term_start,
         c.term_end, c.members, c.party_members)
        for c in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("community"), _("compound"), _("kind"), _("term start"), _("term end"),
               _("members"), _("of whom Party members")]
    return _response(user, _("owners' committees ledger"), _("owners' committees"), headers,
                     rows)


LEDGERS = {
    "bills": ("properties.view_feebill", bills),
    "payments": ("properties.view_payment", payments),
    "arrears": ("properties.view_feebill", arrears),
    "disclosures": ("properties.view_disclosure", disclosures),
    "inspections": ("properties.view_inspection", inspections),
    "contracts": ("properties.view_servicecontract", contracts),
    "firms": ("properties.view_propertyfirm", firms),
    "renovations": ("properties.view_renovationproject", renovations),
    "committees": ("properties.view_ownerscommittee", committees),
}


@never_cache
@login_required
def ledger_export(request, ledger):
    entry = LEDGERS.get(ledger)
    if entry is None:
        raise Http404
    permission, build = entry
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return build(request.user)


@never_cache
@login_required
def arrears_page(request):
    """欠费清单: the bills of the user's compounds still (partly) unpaid."""
    if not request.user.has_perm("properties.view_feebill"):
        raise PermissionDenied
    page = Paginator(arrears_list(user=request.user), 50).get_page(request.GET.get("page"))
    today = local_today()
    if can_view_pii(request.user):
        audit.record_pii_view(request=request, object_type="properties.feebill",
                              place=audit.user_place(request.user), count=page.paginator.count)
    rows = [
        {"bill": b, "place": _place(b.household),
         "phone": display_phone(request.user, b.household.phone),
         "months": months_overdue(b.period_end, today)}
        for b in page
    ]
    return render(request, "properties/arrears.html", {"page": page, "rows": rows})
