"""Writes to the hierarchy and to staff assignments. One function per use case."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import (
    ROLE_NODE_FIELD,
    Building,
    Community,
    Compound,
    Grid,
    Household,
    StaffAssignment,
    StaffRole,
)
from .scoping import forget_scope


def _save_validated(obj, **kwargs):
    obj.full_clean()
    obj.save(**kwargs)
    return obj


@transaction.atomic
def compound_create(
    *,
    community: Community,
    name: str,
    declared_households: int,
    floor_area: Decimal,
    management_mode: str = "none",
    year_built: int | None = None,
    is_old_compound: bool = False,
    address: str = "",
    competent_unit: str = "",
) -> Compound:
    return _save_validated(
        Compound(
            community=community,
            name=name,
            declared_households=declared_households,
            floor_area=floor_area,
            management_mode=management_mode,
            year_built=year_built,
            is_old_compound=is_old_compound,
            address=address,
            competent_unit=competent_unit,
        )
    )


@transaction.atomic
def building_create(*, compound: Compound, name: str, floors: int = 6, units: int = 1) -> Building:
    return _save_validated(Building(compound=compound, name=name, floors=floors, units=units))


@transaction.atomic
def household_create(
    *,
    building: Building,
    room: str,
    floor_area: Decimal,
    owner_name: str,
    phone: str = "",
    unit: str = "",
    compound: Compound | None = None,
) -> Household:
    """Register a household; ``compound``, if given, must be the building's compound."""
    household = Household(
        compound=compound or building.compound,
        building=building,
        unit=unit,
        room=room,
        floor_area=floor_area,
        owner_name=owner_name,
        phone=phone,
    )
    return _save_validated(household)


@transaction.atomic
def grid_create(
    *, community: Community, name: str, duty_types: list[str], buildings=()
) -> Grid:
    grid = _save_validated(Grid(community=community, name=name, duty_types=list(duty_types)))
    grid_set_buildings(grid=grid, buildings=buildings)
    return grid


@transaction.atomic
def grid_set_buildings(*, grid: Grid, buildings) -> Grid:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    buildings = list(buildings)
    foreign = [b for b in buildings if b.compound.community_id != grid.community_id]
    if foreign:
        raise ValidationError(
            {"buildings": _("A grid can only cover buildings of its own community.")}
        )
    grid.buildings.set(buildings)
    return grid


@transaction.atomic
def staff_assignment_create(*, user, role: str, node, title: str = "") -> StaffAssignment:
    """Give ``user`` a role over ``node``; an earlier active assignment is ended."""
    field = ROLE_NODE_FIELD[StaffRole(role)]
    now = timezone.now()
    StaffAssignment.objects.select_for_update().filter(user=user, ended_at__isnull=True).update(
        ended_at=now
    )
    assignment = _save_validated(
        StaffAssignment(user=user, role=role, title=title, **{field: node}),
    )
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_scope(user)
    return assignment


@transaction.atomic
def staff_assignment_end(*, assignment: StaffAssignment) -> StaffAssignment:
    if assignment.ended_at is None:
        assignment.ended_at = timezone.now()
        assignment.save(update_fields=["ended_at"])
    forget_scope(assignment.user)
    return assignment


@transaction.atomic
def staff_user_create(*, username: str, password: str, full_name: str, role: str, node):
    """Create (or re-point) a login with one staff role. Used by the demo accounts."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    user.first_name = full_name
    user.set_password(password)
    user.is_staff = True
    user.save()
    current = user.staff_assignments.filter(ended_at__isnull=True).first()
    field = ROLE_NODE_FIELD[StaffRole(role)]
    if current is None or current.role != role or getattr(current, f"{field}_id") != node.pk:
        staff_assignment_create(user=user, role=role, node=node)
    return user
