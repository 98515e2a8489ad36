"""What every Party-ledger service shares: scope and role checks, the person recorded,
validated partial updates."""

from datetime import timedelta

from django.utils.translation import gettext as _

from communities.access.scoping import is_in_scope, scope_for_user
from core.errors import ApplicationError
from core.services import save_validated

FUTURE_TOLERANCE = timedelta(minutes=5)


def _require_in_scope(actor, obj, message=None):
    """Services called by a person check the person's scope; None is the system (demo data,
    tasks)."""
    if actor is not None and not is_in_scope(actor, obj):
        raise ApplicationError(
            message or _("This record is not in your area."), code="out_of_scope",
            status_code=404,
        )


def _require_role(actor, roles, message):
    if actor is None or actor.is_superuser:
        return
    if scope_for_user(actor).role not in {str(r) for r in roles}:
        raise ApplicationError(message, code="wrong_role", status_code=403)


def _person(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _apply_changes(obj, changes: dict, allowed: set[str]):
    """Set ``changes`` (only ``allowed`` fields) on ``obj``, validate and save them."""
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here."), code="not_editable",
                               fields=tuple(sorted(unknown)))
    for field, value in changes.items():
        setattr(obj, field, value)
    return save_validated(obj, update_fields=list(changes)) if changes else obj
