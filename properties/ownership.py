"""Who owns which ledger (DESIGN §4, issue 16 item 5). One check per rule; each service
that writes the ledger calls its check first, so pages, the API and the admin all obey.

``actor`` None is the system (demo data, tasks, imports already checked row by row) and
passes; a superuser (administrator) passes every rule.
"""

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from communities.access.scoping import scope_for_user
from communities.models import Compound, StaffRole
from core.errors import ApplicationError
from core.timeutils import local_today

from .models import ServiceContract

NOT_OWNER = "not_ledger_owner"


def _refuse(message: str):
    raise ApplicationError(message, code=NOT_OWNER, status_code=403)


def _serving_firm_id(compound_id: int) -> int | None:
    return (ServiceContract.objects.active().filter(compound_id=compound_id)
            .values_list("firm_id", flat=True).first())


def fee_ledger_q(user) -> Q:
    """The compounds whose fee ledger ``user`` keeps, as a filter on Compound (imports)."""
    scope = scope_for_user(user)
    if scope.is_everything:
        return Q()
    firm_run = ServiceContract.objects.active().filter(firm__isnull=False).values("compound_id")
    if scope.level == "firm":
        return Q(pk__in=ServiceContract.objects.serving(scope.node_id).values("compound_id"))
    if scope.role == StaffRole.COMMUNITY_STAFF:
        return Q(community_id=scope.node_id) & ~Q(pk__in=firm_run)
    return Q(pk__in=[])


def check_fee_ledger_owner(*, actor, compound_id: int) -> None:
    """Bills, payments, voids and fee imports of a compound served by a property firm are
    written by that firm's staff; those of a community-led compound (no firm) by the
    staff of its community."""
    if actor is None or actor.is_superuser:
        return
    scope = scope_for_user(actor)
    firm_id = _serving_firm_id(compound_id)
    if firm_id is not None:
        if scope.level == "firm" and scope.node_id == firm_id:
            return
        _refuse(_("The fees of a compound served by a property firm are kept by that firm."))
    if scope.role == StaffRole.COMMUNITY_STAFF and Compound.objects.filter(
        pk=compound_id, community_id=scope.node_id
    ).exists():
        return
    _refuse(_("The fees of a community-led compound are kept by its community."))


def check_contract_writer(*, actor, compound_id: int) -> None:
    """Service contracts are started and ended by the district's officials."""
    if actor is None or actor.is_superuser:
        return
    scope = scope_for_user(actor)
    if scope.role == StaffRole.DISTRICT_OFFICIAL and Compound.objects.filter(
        pk=compound_id, community__street__district_id=scope.node_id
    ).exists():
        return
    _refuse(_("Service contracts are started and ended by district officials."))


def check_contract_end_date(*, actor, end_date: datetime.date) -> None:
    """A person ends a contract on a day that has come (not in the future)."""
    if actor is None:
        return
    if end_date > local_today():
        raise ApplicationError(_("A contract cannot be ended on a future date."),
                               code="future_end_date", fields={"end_date": [str(end_date)]})
