"""Party organisations (a tree with a materialised path) and their members."""

from datetime import date

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.services import save_validated
from party_orgs.ownership import check_party_org_writer

from ..models import (
    PATH_STEP,
    OrgUnitType,
    PartyMember,
    PartyOrganization,
)
from .common import (
    _apply_changes,
    _require_in_scope,
)

# ---------------------------------------------------------------------------
# Organisations and members
# ---------------------------------------------------------------------------


def _path_segment(pk: int) -> str:
    return f"{pk:0{PATH_STEP}d}"


@transaction.atomic
def party_org_create(
    *, actor=None, name: str, kind: str, unit_type: str, parent: PartyOrganization | None = None,
    community=None, compound=None, grid=None, building=None, firm=None, unit_name: str = "",
    secretary_name: str = "", founded_on: date | None = None,
) -> PartyOrganization:
    """Add an organisation to the tree; its path is its parent's path plus its own id."""
    check_party_org_writer(actor=actor, firm_id=firm.pk if firm is not None else None)
    check_party_org_writer(actor=actor, org=parent)
    if parent is not None:
        _require_in_scope(actor, parent, _("The parent organisation is not in your area."))
        if community is None and unit_type != OrgUnitType.FIRM:
            community = parent.community
        if grid is None and parent.grid_id and unit_type == OrgUnitType.BUILDING:
            grid = parent.grid
    if actor is not None and community is not None:
        _require_in_scope(actor, community, _("This community is not in your area."))
    org = PartyOrganization(
        name=name, kind=kind, unit_type=unit_type, parent=parent, community=community,
        compound=compound, grid=grid, building=building, firm=firm, unit_name=unit_name,
        secretary_name=secretary_name, founded_on=founded_on,
    )
    org.full_clean()
    if (
        grid is not None and building is not None
        and not grid.buildings.filter(pk=building.pk).exists()
    ):
        raise ApplicationError(_("The building is not covered by the grid."), code="invalid")
    org.save()
    segment = _path_segment(org.pk)
    org.path = f"{parent.path}.{segment}" if parent is not None else segment
    org.depth = parent.depth + 1 if parent is not None else 0
    org.save(update_fields=["path", "depth"])
    return org


@transaction.atomic
def party_org_move(*, actor=None, org: PartyOrganization, parent: PartyOrganization | None):
    """Hang ``org`` (and its whole subtree) under ``parent``: one UPDATE for the subtree."""
    org = PartyOrganization.objects.select_for_update().get(pk=org.pk)
    _require_in_scope(actor, org)
    check_party_org_writer(actor=actor, org=org)
    check_party_org_writer(actor=actor, org=parent)
    if parent is not None:
        _require_in_scope(actor, parent, _("The parent organisation is not in your area."))
        parent = PartyOrganization.objects.get(pk=parent.pk)
        if parent.pk == org.pk or parent.path.startswith(f"{org.path}."):
            raise ApplicationError(_("An organisation cannot sit under itself."),
                                   code="cycle")
    org.parent = parent
    org.full_clean()
    old_path, old_depth = org.path, org.depth
    new_path = f"{parent.path}.{_path_segment(org.pk)}" if parent else _path_segment(org.pk)
    new_depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["parent"])
    PartyOrganization.objects.filter(org.subtree_q()).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + (new_depth - old_depth),
    )
    org.refresh_from_db()
    return org


@transaction.atomic
def party_org_update(*, actor=None, org: PartyOrganization, parent=..., **changes):
    """Correct an organisation's particulars; a new ``parent`` moves its subtree."""
    org = PartyOrganization.objects.select_for_update().get(pk=org.pk)
    _require_in_scope(actor, org)
    check_party_org_writer(actor=actor, org=org)
    _apply_changes(org, changes, {
        "name", "kind", "unit_type", "community", "compound", "grid", "building", "firm",
        "unit_name", "secretary_name", "founded_on",
    })
    if parent is not ...:
        org = party_org_move(actor=actor, org=org, parent=parent)
    return org


def check_party_member(*, organization, is_central_household: bool, households) -> None:
    """Only a central household looks after households, and only of its own community."""
    households = list(households)
    if not households:
        return
    if not is_central_household:
        raise ApplicationError(
            _("Only a Party-member central household looks after households."),
            code="not_central_household", fields=("is_central_household",),
        )
    if any(h.compound.community_id != organization.community_id for h in households):
        raise ApplicationError(
            _("A central household looks after households of its own community only."),
            code="foreign_household", fields=("households",),
        )


@transaction.atomic
def party_member_create(
    *, actor=None, organization: PartyOrganization, name: str, phone: str = "",
    role: str = "member", joined_on: date | None = None, is_central_household: bool = False,
    households=(), model_post: str = "", shows_identity: bool = False,
    public_commitment: str = "",
) -> PartyMember:
    _require_in_scope(actor, organization)
    check_party_org_writer(actor=actor, org=organization)
    member = save_validated(
        PartyMember(
            organization=organization, name=name, phone=phone, role=role, joined_on=joined_on,
            is_central_household=is_central_household, model_post=model_post,
            shows_identity=shows_identity, public_commitment=public_commitment,
        )
    )
    households = list(households)
    check_party_member(organization=organization, is_central_household=is_central_household,
                       households=households)
    if households:
        member.households.set(households)
    return member


@transaction.atomic
def party_member_update(*, actor=None, member: PartyMember, households=None,
                        **changes) -> PartyMember:
    member = PartyMember.objects.select_for_update().get(pk=member.pk)
    _require_in_scope(actor, member)
    check_party_org_writer(actor=actor, org=member.organization)
    if "organization" in changes:
        _require_in_scope(actor, changes["organization"])
        check_party_org_writer(actor=actor, org=changes["organization"])
    _apply_changes(member, changes, {
        "organization", "name", "phone", "role", "joined_on", "is_central_household",
        "model_post", "shows_identity", "public_commitment",
    })
    households = list(member.households.all()) if households is None else list(households)
    check_party_member(organization=member.organization,
                       is_central_household=member.is_central_household, households=households)
    member.households.set(households)
    return member
