"""Who writes a property firm's Party organisations (DESIGN §4, issue 16 item 5).

A firm's Party organisations and their members are written by the firm's Party secretary
— there is no such role in the portal yet, so by the officials of a district the firm
serves — or an administrator. The communities the firm serves read them (scoping).
``user`` None is the system (demo data) and passes.
"""

from django.utils.translation import gettext as _

from communities.access.scoping import scope_for_user
from communities.models import StaffRole
from core.errors import ApplicationError
from properties.models import ServiceContract


def _firm_of(org) -> int | None:
    return getattr(org, "firm_id", None) if org is not None else None


def may_write_party_org(user, org=None, *, firm_id: int | None = None) -> bool:
    firm_id = firm_id if firm_id is not None else _firm_of(org)
    if firm_id is None or user is None or user.is_superuser:
        return True
    scope = scope_for_user(user)
    return scope.role == StaffRole.DISTRICT_OFFICIAL and ServiceContract.objects.serving(
        firm_id
    ).filter(compound__community__street__district_id=scope.node_id).exists()


def check_party_org_writer(*, actor, org=None, firm_id: int | None = None) -> None:
    """Refuse a write to a firm's Party organisation (or its members) by anyone else."""
    if not may_write_party_org(actor, org, firm_id=firm_id):
        raise ApplicationError(
            _("A property firm's Party organisations are kept by the officials of the "
              "district it serves."), code="not_ledger_owner", status_code=403,
        )
