"""Every write of the properties app: one function per use case (DESIGN §2)."""

import datetime
import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import audit
from communities.access.scoping import scope_for_user
from communities.metrics.writer import mark_dirty, mark_dirty_from
from communities.models import AuditAction, Compound, Household, ManagementMode
from core.errors import ApplicationError, ConflictError
from core.services import refuse_null_characters, save_validated

from . import ownership
from .attachments import checked_attachment
from .models import (
    ContractStatus,
    Disclosure,
    FeeBill,
    Inspection,
    InspectionItem,
    OwnersCommittee,
    Payment,
    PropertyFirm,
    RenovationProject,
    ServiceContract,
)

logger = logging.getLogger(__name__)


def _today() -> datetime.date:
    return timezone.localdate()


# Property firms ------------------------------------------------------------------------

FIRM_FIELDS = (
    "name", "credit_code", "ownership", "contact_person", "contact_phone", "address",
    "red_standing", "red_standing_year",
)


@transaction.atomic
def firm_create(
    *,
    name: str,
    credit_code: str,
    ownership: str,
    contact_person: str = "",
    contact_phone: str = "",
    address: str = "",
    red_standing: str = "",
    red_standing_year: int | None = None,
) -> PropertyFirm:
    """Register a firm; a code failing the GB 32100-2015 check character is refused."""
    firm = PropertyFirm(
        name=name.strip(), credit_code=(credit_code or "").strip().upper(), ownership=ownership,
        contact_person=contact_person, contact_phone=contact_phone, address=address,
        red_standing=red_standing, red_standing_year=red_standing_year,
    )
    return save_validated(firm)


@transaction.atomic
def firm_update(*, firm: PropertyFirm, **changes) -> PropertyFirm:
    unknown = set(changes) - set(FIRM_FIELDS)
    if unknown:
        raise ApplicationError(_("These firm fields cannot be changed here."))
    firm = PropertyFirm.objects.select_for_update().get(pk=firm.pk)
    for field, value in changes.items():
        setattr(firm, field, value)
    if "credit_code" in changes:
        firm.credit_code = (firm.credit_code or "").strip().upper()
    return save_validated(firm, update_fields=list(changes))


# Service contracts ---------------------------------------------------------------------


def _lock_compound(compound: Compound) -> Compound:
    """Lock the compound row: contract changes of one compound happen one at a time."""
    return Compound.objects.select_for_update().get(pk=compound.pk)


def _set_compound_mode(compound: Compound, mode: str) -> None:
    if compound.management_mode != mode:
        compound.management_mode = mode
        compound.save(update_fields=["management_mode"])


def check_contract_start(*, compound: Compound, firm, mode: str, start_date,
                         current: ServiceContract | None = ...) -> None:
    """A firm only for a firm-run mode; a new contract starts after the current one."""
    if mode in (ManagementMode.COMMUNITY_LED, ManagementMode.NONE) and firm is not None:
        raise ApplicationError(
            _("A community-led or no-management period has no property firm."),
            fields=("firm",),
        )
    if current is ...:
        current = active_contract(compound.pk)
    if current is not None and start_date is not None and start_date <= current.start_date:
        raise ApplicationError(
            _("The new contract must start after the current one (started %(date)s).")
            % {"date": current.start_date.isoformat()}, fields=("start_date",),
        )


def check_contract_end(*, contract: ServiceContract, end_date) -> None:
    if contract.status != ContractStatus.ACTIVE:
        raise ConflictError(_("This contract has already ended."))
    if end_date < contract.start_date:
        raise ApplicationError(_("The end date cannot be before the start date."),
                               fields=("end_date",))


@transaction.atomic
def contract_start(
    *,
    compound: Compound,
    firm: PropertyFirm | None,
    mode: str,
    start_date: datetime.date,
    fee_standard: Decimal,
    actor=None,
) -> ServiceContract:
    """Start a contract: the compound's active contract (if any) ends the day before and is
    kept as history; the compound's management mode follows the new contract."""
    ownership.check_contract_writer(actor=actor, compound_id=compound.pk)
    compound = _lock_compound(compound)
    current = (
        ServiceContract.objects.active().select_for_update().filter(compound=compound).first()
    )
    check_contract_start(compound=compound, firm=firm, mode=mode, start_date=start_date,
                         current=current)
    if current is not None:
        current.end_date = start_date - datetime.timedelta(days=1)
        current.status = ContractStatus.ENDED
        current.save(update_fields=["end_date", "status"])
    contract = ServiceContract(
        compound=compound, firm=firm, mode=mode, start_date=start_date,
        fee_standard=fee_standard, status=ContractStatus.ACTIVE,
    )
    # The one-active-contract rule is held by the row lock above and, as a backstop, by
    # the database constraint (an IntegrityError below); the other rules are checked here.
    contract.full_clean(validate_constraints=False)
    contract.validate_constraints(exclude={"status"})
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError:
        raise ConflictError(
            _("Another contract was just started for this compound; reload and try again.")
        ) from None
    _set_compound_mode(compound, mode)
    mark_dirty_from(compound_id=compound.pk, since=min(start_date, timezone.localdate()))
    if current is not None:
        _audit_contract_end(current, actor)
    audit.record(action=AuditAction.CONTRACT_STARTED, obj=contract, actor=actor, changes={
        "mode": [None, mode], "firm": [None, firm.pk if firm else None],
        "start_date": [None, start_date.isoformat()],
        "fee_standard": [None, contract.fee_standard],
    })
    return contract


def _audit_contract_end(contract: ServiceContract, actor) -> None:
    audit.record(action=AuditAction.CONTRACT_ENDED, obj=contract, actor=actor, changes={
        "status": [ContractStatus.ACTIVE, contract.status],
        "end_date": [None, contract.end_date.isoformat()],
    })


@transaction.atomic
def contract_end(*, contract: ServiceContract, end_date: datetime.date,
                 actor=None) -> ServiceContract:
    """End an active contract; with no contract following, the compound has no management."""
    ownership.check_contract_writer(actor=actor, compound_id=contract.compound_id)
    ownership.check_contract_end_date(actor=actor, end_date=end_date)
    compound = _lock_compound(contract.compound)
    contract = ServiceContract.objects.select_for_update().get(pk=contract.pk)
    check_contract_end(contract=contract, end_date=end_date)
    contract.end_date = end_date
    contract.status = ContractStatus.ENDED
    contract.save(update_fields=["end_date", "status"])
    _audit_contract_end(contract, actor)
    mark_dirty_from(compound_id=compound.pk, since=min(end_date, timezone.localdate()))
    if not ServiceContract.objects.active().filter(compound=compound).exists():
        _set_compound_mode(compound, ManagementMode.NONE)
    return contract


def active_contract(compound_id: int) -> ServiceContract | None:
    return (
        ServiceContract.objects.active().select_related("firm")
        .filter(compound_id=compound_id).first()
    )


# Owners' committees --------------------------------------------------------------------


def _refresh_owners_organisation(compound: Compound, today: datetime.date) -> None:
    current = any(
        c.is_current_on(today) for c in OwnersCommittee.objects.filter(compound=compound)
    )
    if compound.has_owners_organisation != current:
        compound.has_owners_organisation = current
        compound.save(update_fields=["has_owners_organisation"])


@transaction.atomic
def owners_committee_create(
    *,
    compound: Compound,
    kind: str,
    term_start: datetime.date,
    term_end: datetime.date | None,
    members: int,
    party_members: int = 0,
) -> OwnersCommittee:
    compound = _lock_compound(compound)
    committee = save_validated(
        OwnersCommittee(
            compound=compound, kind=kind, term_start=term_start, term_end=term_end,
            members=members, party_members=party_members,
        )
    )
    _refresh_owners_organisation(compound, _today())
    return committee


@transaction.atomic
def owners_committee_update(*, committee: OwnersCommittee, **changes) -> OwnersCommittee:
    allowed = {"kind", "term_start", "term_end", "members", "party_members"}
    if set(changes) - allowed:
        raise ApplicationError(_("These committee fields cannot be changed here."))
    compound = _lock_compound(committee.compound)
    committee = OwnersCommittee.objects.select_for_update().get(pk=committee.pk)
    for field, value in changes.items():
        setattr(committee, field, value)
    save_validated(committee, update_fields=list(changes))
    _refresh_owners_organisation(compound, _today())
    return committee


def owners_organisation_refresh_all(*, today: datetime.date | None = None) -> int:
    """Terms end by the calendar: recompute every compound's flag. Returns changes made."""
    today = today or _today()
    changed = 0
    current_ids = {
        c.compound_id
        for c in OwnersCommittee.objects.only("compound_id", "term_start", "term_end")
        if c.is_current_on(today)
    }
    with transaction.atomic():
        changed += Compound.objects.filter(
            pk__in=current_ids, has_owners_organisation=False
        ).update(has_owners_organisation=True)
        changed += Compound.objects.exclude(pk__in=current_ids).filter(
            has_owners_organisation=True
        ).update(has_owners_organisation=False)
    return changed


# Fee bills and payments ---------------------------------------------------------------


@transaction.atomic
def fee_bill_create(
    *,
    household: Household,
    period_start: datetime.date,
    period_end: datetime.date,
    amount_due: Decimal,
    amount_waived: Decimal = Decimal("0"),
    actor=None,
) -> FeeBill:
    ownership.check_fee_ledger_owner(actor=actor, compound_id=household.compound_id)
    bill = FeeBill(
        household=household, compound_id=household.compound_id, period_start=period_start,
        period_end=period_end, amount_due=amount_due, amount_waived=amount_waived,
    )
    save_validated(bill)
    mark_dirty(compound_id=bill.compound_id, when=bill.period_start)
    return bill


def paid_total(bill: FeeBill) -> Decimal:
    """What has been paid on the bill, voided payments not counted."""
    total = bill.payments.filter(voided_at__isnull=True).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0")


def check_fee_bill_waiver(*, bill: FeeBill, amount_waived: Decimal) -> None:
    """A waiver cannot leave the bill asking for less than has been paid on it."""
    if amount_waived is None:
        return
    if paid_total(bill) > bill.amount_due - amount_waived:
        raise ApplicationError(
            _("More has already been paid than the bill would ask for after this waiver."),
            fields=("amount_waived",),
        )


@transaction.atomic
def fee_bill_update_waiver(*, bill: FeeBill, amount_waived: Decimal, actor=None) -> FeeBill:
    ownership.check_fee_ledger_owner(actor=actor, compound_id=bill.compound_id)
    bill = FeeBill.objects.select_for_update().get(pk=bill.pk)
    bill.amount_waived = amount_waived
    bill.full_clean()
    check_fee_bill_waiver(bill=bill, amount_waived=amount_waived)
    bill.save(update_fields=["amount_waived"])
    mark_dirty(compound_id=bill.compound_id, when=bill.period_start)
    return bill


def overpayment_message(*, payable: Decimal, already_paid: Decimal, amount: Decimal) -> str:
    return _(
        "The payment of %(amount)s yuan would exceed the amount still owed "
        "(%(outstanding)s yuan of %(payable)s yuan)."
    ) % {
        "amount": amount,
        "outstanding": max(payable - already_paid, Decimal("0")),
        "payable": payable,
    }


def check_payment(*, bill: FeeBill, amount: Decimal) -> None:
    """Refused if the payment takes the bill past due − waived."""
    already = paid_total(bill)
    # NaN / infinity are not comparable: full_clean() refuses them with a message.
    finite = amount is not None and (not isinstance(amount, Decimal) or amount.is_finite())
    if finite and amount > 0 and already + amount > bill.amount_payable:
        raise ApplicationError(
            overpayment_message(payable=bill.amount_payable, already_paid=already, amount=amount),
            code="overpayment", fields=("amount",),
        )


def check_payment_void(*, payment: Payment, reason: str) -> None:
    if not (reason or "").strip():
        raise ApplicationError(_("Give the reason for voiding the payment."),
                               fields=("void_reason",))
    if payment.voided_at is not None:
        raise ConflictError(_("This payment has already been voided."))


@transaction.atomic
def payment_record(
    *,
    bill: FeeBill,
    amount: Decimal,
    paid_at: datetime.datetime,
    channel: str,
    receipt_no: str,
    actor=None,
) -> Payment:
    """Record money received. Refused if it takes the bill past due − waived."""
    ownership.check_fee_ledger_owner(actor=actor, compound_id=bill.compound_id)
    bill = FeeBill.objects.select_for_update().get(pk=bill.pk)
    check_payment(bill=bill, amount=amount)
    contract = active_contract(bill.compound_id)
    payment = Payment(
        bill=bill, compound_id=bill.compound_id,
        firm_id=contract.firm_id if contract else None,
        amount=amount, paid_at=paid_at, channel=channel, receipt_no=(receipt_no or "").strip(),
        recorded_by=actor,
    )
    refuse_null_characters(payment)  # before full_clean: its unique checks query the values
    payment.full_clean()
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError:
        raise ConflictError(_("This receipt number has already been used.")) from None
    mark_dirty(compound_id=bill.compound_id, when=bill.period_start)
    audit.record(action=AuditAction.PAYMENT_RECORDED, obj=payment, actor=actor, changes={
        "bill": [None, bill.pk], "amount": [None, payment.amount],
        "channel": [None, payment.channel], "receipt_no": [None, payment.receipt_no],
    })
    return payment


@transaction.atomic
def payment_void(*, payment: Payment, reason: str, actor) -> Payment:
    """Void a payment: the row stays, with who voided it, when and why."""
    ownership.check_fee_ledger_owner(actor=actor, compound_id=payment.compound_id)
    reason = (reason or "").strip()
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    check_payment_void(payment=payment, reason=reason)
    payment.voided_at = timezone.now()
    payment.void_reason = reason[:200]
    payment.voided_by = actor
    payment.save(update_fields=["voided_at", "void_reason", "voided_by"])
    audit.record(action=AuditAction.PAYMENT_VOIDED, obj=payment, actor=actor, changes={
        "voided_at": [None, payment.voided_at], "void_reason": [None, payment.void_reason],
        "amount": payment.amount,
    })
    mark_dirty(compound_id=payment.compound_id, when=payment.bill.period_start)
    return payment


# Disclosures --------------------------------------------------------------------------


def check_disclosure(*, compound: Compound, actor) -> ServiceContract:
    """A compound under contract; a firm's compound's notices are published by the firm.
    Returns the active contract."""
    contract = active_contract(compound.pk)
    if contract is None:
        raise ApplicationError(
            _("This compound has no active service contract: there is nobody to disclose for."),
            fields=("compound",),
        )
    if contract.firm_id is not None and actor is not None and not actor.is_superuser:
        scope = scope_for_user(actor)
        if not (scope.level == "firm" and scope.node_id == contract.firm_id):
            raise ApplicationError(
                _("The notices of a compound served by a property firm are published by "
                  "that firm.")
            )
    return contract


@transaction.atomic
def disclosure_publish(
    *,
    compound: Compound,
    item: str,
    title: str,
    text: str,
    actor,
    attachment=None,
    published_at: datetime.datetime | None = None,
    valid_until: datetime.date | None = None,
) -> Disclosure:
    """Publish a notice on the compound's board. The firm is the compound's contracted
    firm; a community-led compound's notices are published by the community."""
    contract = check_disclosure(compound=compound, actor=actor)
    checked = checked_attachment(attachment) if attachment else None
    disclosure = Disclosure(
        compound=compound, firm_id=contract.firm_id, item=item, title=title, text=text,
        published_at=published_at or timezone.now(), valid_until=valid_until,
        published_by=actor,
    )
    disclosure.full_clean(exclude=["attachment"])
    if checked is not None:
        disclosure.attachment_type = checked.content_type
        disclosure.attachment.save(checked.name, checked.file, save=False)
    try:
        disclosure.save()
    except Exception:
        if disclosure.attachment:
            disclosure.attachment.delete(save=False)
        raise
    mark_dirty_from(compound_id=compound.pk, since=disclosure.published_at)
    return disclosure


# Inspections --------------------------------------------------------------------------


def check_inspection(*, items) -> None:
    """An inspection checks at least one item."""
    if not items:
        raise ApplicationError(_("An inspection checks at least one item."))


@transaction.atomic
def inspection_record(
    *,
    contract: ServiceContract,
    date: datetime.date,
    inspector,
    items: list[dict],
    note: str = "",
) -> Inspection:
    """Record a fulfilment inspection with its items: dicts of clause, passed, note, photo."""
    check_inspection(items=items)
    inspection = save_validated(
        Inspection(
            compound_id=contract.compound_id, contract=contract, date=date,
            inspector=inspector, note=note,
        )
    )
    for spec in items:
        inspection_item_add(inspection=inspection, **spec)
    return inspection


@transaction.atomic
def inspection_item_add(
    *, inspection: Inspection, clause: str, passed: bool, note: str = "", photo=None
) -> InspectionItem:
    item = InspectionItem(inspection=inspection, clause=clause, passed=bool(passed), note=note)
    if photo:
        checked = checked_attachment(photo, images_only=True)
        item.photo.save(checked.name, checked.file, save=False)
    save_validated(item)
    mark_dirty(compound_id=inspection.compound_id, when=inspection.date)
    return item


# Renovation projects ------------------------------------------------------------------


@transaction.atomic
def renovation_project_create(
    *,
    compound: Compound,
    year: int,
    works: list[str],
    budget: Decimal,
    status: str = "planned",
    completion_date: datetime.date | None = None,
) -> RenovationProject:
    return save_validated(
        RenovationProject(
            compound=compound, year=year, works=list(works), budget=budget, status=status,
            completion_date=completion_date,
        )
    )


@transaction.atomic
def renovation_project_update(*, project: RenovationProject, **changes) -> RenovationProject:
    allowed = {"year", "works", "budget", "status", "completion_date"}
    if set(changes) - allowed:
        raise ApplicationError(_("These project fields cannot be changed here."))
    project = RenovationProject.objects.select_for_update().get(pk=project.pk)
    for field, value in changes.items():
        setattr(project, field, value)
    return save_validated(project, update_fields=list(changes))
