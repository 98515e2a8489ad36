"""Reads of the properties app, scoped to the user, with the joins each screen needs."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from communities.access.scoping import scope_queryset
from communities.models import Compound

from .fee_import import progress_key
from .models import (
    Disclosure,
    DisclosureItem,
    FeeBill,
    FeeImport,
    Inspection,
    InspectionItem,
    OwnersCommittee,
    Payment,
    PropertyFirm,
    RenovationProject,
    ServiceContract,
)


def firm_list(*, user) -> QuerySet[PropertyFirm]:
    return scope_queryset(PropertyFirm.objects.all(), user).order_by("name")


def contract_list(*, user) -> QuerySet[ServiceContract]:
    return scope_queryset(
        ServiceContract.objects.select_related("firm", "compound"), user
    ).order_by("compound__name", "-start_date", "-id")


def bill_list(*, user) -> QuerySet[FeeBill]:
    """Bills with ``amount_paid``: the sum of their payments that were not voided."""
    return (
        scope_queryset(FeeBill.objects.select_related("compound", "household__building"), user)
        .annotate(
            amount_paid=Coalesce(
                Sum("payments__amount", filter=Q(payments__voided_at__isnull=True)),
                Decimal("0"),
            )
        )
        .order_by("-period_start", "household_id")
    )


def payment_list(*, user) -> QuerySet[Payment]:
    return scope_queryset(
        Payment.objects.select_related("compound", "firm", "bill"), user
    ).order_by("-paid_at", "-id")


def disclosure_list(*, user) -> QuerySet[Disclosure]:
    return scope_queryset(
        Disclosure.objects.select_related("compound", "firm"), user
    ).order_by("-published_at", "-id")


def inspection_list(*, user) -> QuerySet[Inspection]:
    return scope_queryset(
        Inspection.objects.select_related("compound", "contract__firm", "inspector")
        .prefetch_related(Prefetch("items", queryset=InspectionItem.objects.order_by("id"))),
        user,
    ).order_by("-date", "-id")


def committee_list(*, user) -> QuerySet[OwnersCommittee]:
    return scope_queryset(OwnersCommittee.objects.select_related("compound"), user).order_by(
        "compound__name", "-term_start"
    )


def renovation_list(*, user) -> QuerySet[RenovationProject]:
    return scope_queryset(
        RenovationProject.objects.select_related("compound"), user
    ).order_by("-year", "compound__name")


def fee_import_list(*, user) -> QuerySet[FeeImport]:
    """Imports touching the user's area, and the user's own uploads (even refused ones)."""
    scoped = scope_queryset(FeeImport.objects.all(), user).values("pk")
    return (
        FeeImport.objects.filter(Q(pk__in=scoped) | Q(uploaded_by=user))
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")
    )


def fee_import_rows_processed(record: FeeImport) -> int:
    """Data rows read so far by a running import (all of them once it has ended): a
    running import reports through the cache, its transaction being still open."""
    if not record.is_pending:
        return record.rows_processed
    try:
        live = cache.get(progress_key(record.pk))
    except Exception:  # noqa: BLE001 - the cache down: the last committed count
        live = None
    return max(record.rows_processed, live or 0)


def disclosure_compounds(*, user) -> QuerySet[Compound]:
    """Compounds the user may publish notices for: in scope and under an active contract."""
    return scope_queryset(
        Compound.objects.filter(pk__in=ServiceContract.objects.active().values("compound_id")),
        user,
    ).order_by("name")


# The public notice board ---------------------------------------------------------------


def notice_board(*, compound: Compound, now: datetime.datetime | None = None) -> dict:
    """A compound's current notices, and which of the five required items are missing
    (never published) or expired (published, but none valid today)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    contract = (
        ServiceContract.objects.active().select_related("firm").filter(compound=compound).first()
    )
    published = list(
        Disclosure.objects.filter(compound=compound, published_at__lte=now)
        .select_related("firm")
        .order_by("item", "-published_at", "-id")
    )
    current = [d for d in published if d.is_current_on(today, now)]
    current_items = {d.item for d in current}
    published_items = {d.item for d in published}
    order = {value: index for index, value in enumerate(DisclosureItem.values)}
    current.sort(key=lambda d: (order[d.item], -d.published_at.timestamp()))
    return {
        "compound": compound,
        "contract": contract,
        "current": current,
        "missing": [
            (value, label) for value, label in DisclosureItem.choices
            if value not in published_items
        ],
        "expired": [
            (value, label) for value, label in DisclosureItem.choices
            if value in published_items and value not in current_items
        ],
        "complete": current_items >= set(DisclosureItem.values),
    }


# Figures for the metrics (issue 6 computes the snapshots) -----------------------------


def fulfilment_counts_by_month(
    *, start: datetime.date, end: datetime.date, compound_ids=None
) -> list[dict]:
    """Inspection items checked and passed per compound and calendar month, for
    inspections dated from ``start`` to ``end`` inclusive."""
    items = InspectionItem.objects.filter(
        inspection__date__gte=start, inspection__date__lte=end
    )
    if compound_ids is not None:
        items = items.filter(inspection__compound_id__in=compound_ids)
    return list(
        items.annotate(month=TruncMonth("inspection__date"))
        .values("inspection__compound_id", "month")
        .annotate(checked=Count("id"), passed=Count("id", filter=Q(passed=True)))
        .values("inspection__compound_id", "month", "checked", "passed")
        .order_by("inspection__compound_id", "month")
    )


def fee_collection_by_month(
    *, start: datetime.date, end: datetime.date, compound_ids=None,
    as_of: datetime.datetime | None = None,
) -> dict[tuple[int, datetime.date], dict]:
    """(compound id, first day of month) → payable (due − waived) of the bills whose period
    starts in the month, and paid: the non-voided payments on those bills made by
    ``as_of``. Set-based: two grouped queries."""
    bills = FeeBill.objects.filter(period_start__gte=start, period_start__lte=end)
    payments = Payment.objects.filter(
        voided_at__isnull=True, bill__period_start__gte=start, bill__period_start__lte=end
    )
    if compound_ids is not None:
        bills = bills.filter(compound_id__in=compound_ids)
        payments = payments.filter(compound_id__in=compound_ids)
    if as_of is not None:
        payments = payments.filter(paid_at__lte=as_of)
    result: dict = defaultdict(lambda: {"payable": Decimal("0"), "paid": Decimal("0")})
    # Tuples, not dicts: a city's year is tens of thousands of groups. (Not iterator():
    # PostgreSQL would plan the server-side cursor for its first rows, three times slower.)
    for compound_id, month, due, waived in (
        bills.annotate(month=TruncMonth("period_start"))
        .values("compound_id", "month")
        .annotate(due=Sum("amount_due"), waived=Sum("amount_waived"))
        .values_list("compound_id", "month", "due", "waived")
        .order_by()
    ):
        result[(compound_id, month)]["payable"] = _yuan(due - waived)
    for compound_id, month, paid in (
        payments.annotate(month=TruncMonth("bill__period_start"))
        .values("compound_id", "month")
        .annotate(paid=Sum("amount"))
        .values_list("compound_id", "month", "paid")
        .order_by()
    ):
        result[(compound_id, month)]["paid"] = _yuan(paid)
    return dict(result)


def _yuan(value) -> Decimal:
    # SQLite sums decimals as floating point; round back to fen.
    return Decimal(value).quantize(Decimal("0.01"))
