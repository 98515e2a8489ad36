"""Work ledger (daily reports, weekly summaries), the three lists and community funds."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from communities.access.scoping import scope_for_user
from communities.models import StaffRole
from core.errors import ApplicationError, ConflictError
from core.services import save_validated
from core.timeutils import local_today

from ..models import (
    DemonstrationPoint,
    FundAllocation,
    FundSpending,
    ListItem,
    PointStatus,
    ReportKind,
    WorkReport,
)
from .common import (
    _apply_changes,
    _person,
    _require_in_scope,
)

# ---------------------------------------------------------------------------
# Work ledger: daily reports and weekly summaries; the three lists
# ---------------------------------------------------------------------------


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@transaction.atomic
def work_report_submit(
    *, actor, point: DemonstrationPoint, kind: str, period_start: date, content: str,
) -> WorkReport:
    """A daily report or weekly summary by the cadre assigned to the point (挂点包干), or
    by the staff of the point's community."""
    point = DemonstrationPoint.objects.select_related("community").get(pk=point.pk)
    _require_in_scope(actor, point)
    scope = scope_for_user(actor)
    is_cadre = point.cadre_id is not None and point.cadre_id == actor.pk
    is_community_staff = (
        scope.role == StaffRole.COMMUNITY_STAFF and scope.node_id == point.community_id
    )
    if not (is_cadre or is_community_staff or actor.is_superuser):
        raise ApplicationError(
            _("Reports are filed by the cadre assigned to the point or the community's staff."),
            code="wrong_role", status_code=403,
        )
    if point.status != PointStatus.APPROVED:
        raise ApplicationError(_("Reports are kept for approved demonstration points."),
                               code="not_approved")
    if kind not in ReportKind.values:
        raise ApplicationError(_("Unknown report kind."), code="invalid_kind")
    if kind == ReportKind.WEEKLY:
        period_start = week_start(period_start)
    if period_start > local_today():
        raise ApplicationError(_("A report cannot be filed for a day still to come."),
                               code="future_report")
    if not (content or "").strip():
        raise ApplicationError(_("Write what was done."), code="content_required")
    if WorkReport.objects.filter(point=point, kind=kind, period_start=period_start).exists():
        raise ConflictError(_("A report for this period has already been filed."),
                            code="duplicate_report")
    return save_validated(
        WorkReport(point=point, kind=kind, period_start=period_start, content=content,
                   author=actor)
    )


@transaction.atomic
def list_item_create(
    *, actor=None, community, year: int, list_kind: str, title: str, description: str = "",
    infrastructure: str = "", status: str = "planned", due_date: date | None = None,
) -> ListItem:
    _require_in_scope(actor, community, _("This community is not in your area."))
    return save_validated(
        ListItem(
            community=community, year=year, list_kind=list_kind, title=title,
            description=description, infrastructure=infrastructure, status=status,
            due_date=due_date,
        )
    )


@transaction.atomic
def list_item_update(*, actor=None, item: ListItem, **changes) -> ListItem:
    item = ListItem.objects.select_for_update().get(pk=item.pk)
    _require_in_scope(actor, item)
    return _apply_changes(item, changes, {
        "year", "list_kind", "title", "description", "infrastructure", "status", "due_date",
    })


@transaction.atomic
def list_item_set_status(*, actor=None, item: ListItem, status: str) -> ListItem:
    item = ListItem.objects.select_for_update().get(pk=item.pk)
    _require_in_scope(actor, item)
    item.status = status
    return save_validated(item, update_fields=["status"])


# ---------------------------------------------------------------------------
# Funds
# ---------------------------------------------------------------------------


@transaction.atomic
def fund_allocation_create(
    *, actor=None, community, year: int, kind: str, amount: Decimal, note: str = "",
) -> FundAllocation:
    _require_in_scope(actor, community, _("This community is not in your area."))
    return save_validated(
        FundAllocation(community=community, year=year, kind=kind, amount=amount, note=note)
    )


@transaction.atomic
def fund_allocation_update(*, actor=None, allocation: FundAllocation,
                           **changes) -> FundAllocation:
    """Correct an allocation; its amount cannot fall below what has been spent from it."""
    allocation = FundAllocation.objects.select_for_update().get(pk=allocation.pk)
    _require_in_scope(actor, allocation)
    if "amount" in changes:
        check_fund_allocation_amount(allocation=allocation, amount=changes["amount"])
    return _apply_changes(allocation, changes, {"kind", "amount", "note"})


def _spent(allocation: FundAllocation) -> Decimal:
    return allocation.spendings.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def check_fund_allocation_amount(*, allocation: FundAllocation, amount: Decimal) -> None:
    spent = _spent(allocation)
    if amount is not None and amount < spent:
        raise ApplicationError(
            _("%(spent)s yuan have already been spent from this allocation.")
            % {"spent": spent},
            code="below_spent", fields=("amount",),
        )


def check_fund_spend(*, actor=None, allocation: FundAllocation, amount: Decimal,
                     spent_on: date) -> None:
    """A positive amount, in the allocation's year, within what is left of it."""
    _require_in_scope(actor, allocation)
    if amount is None or amount <= 0:
        raise ApplicationError(_("The amount must be positive."), code="invalid_amount",
                               fields=("amount",))
    if spent_on is None or spent_on.year != allocation.year:
        raise ApplicationError(_("The spending must fall in the allocation's year."),
                               code="wrong_year", fields=("spent_on",))
    remaining = allocation.amount - _spent(allocation)
    if amount > remaining:
        raise ApplicationError(
            _("This would overspend the allocation: %(remaining)s yuan left, %(amount)s asked.")
            % {"remaining": remaining, "amount": amount},
            code="overspent", fields=("amount",),
        )


@transaction.atomic
def fund_spend(
    *, actor=None, allocation: FundAllocation, amount: Decimal, spent_on: date, purpose: str,
) -> FundSpending:
    """Spend from an allocation. The allocation row is locked, so two spends at once cannot
    both pass the balance check; spending past the allocation is refused."""
    allocation = FundAllocation.objects.select_for_update().get(pk=allocation.pk)
    amount = Decimal(amount)
    check_fund_spend(actor=actor, allocation=allocation, amount=amount, spent_on=spent_on)
    return save_validated(
        FundSpending(allocation=allocation, amount=amount, spent_on=spent_on, purpose=purpose,
                     recorded_by=_person(actor))
    )
