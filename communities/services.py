"""Writes to the hierarchy and to staff assignments. One function per use case."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from communities.access.scoping import forget_scope
from communities.metrics.writer import mark_dirty_many, recent_months
from communities.models import (
    ROLE_NODE_FIELD,
    Building,
    Community,
    Compound,
    Grid,
    Household,
    StaffAssignment,
    StaffRole,
)
from core.services import save_validated


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
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Compound:
    compound = save_validated(
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
            latitude=latitude,
            longitude=longitude,
        )
    )
    _mark_compound_months(compound)
    return compound


# What the snapshots read of a compound: its place and its declared households.
COUNTED_COMPOUND_FIELDS = ("community", "declared_households")
COMPOUND_EDITABLE_FIELDS = (
    "community", "name", "declared_households", "floor_area", "year_built",
    "is_old_compound", "address", "competent_unit", "latitude", "longitude",
)


def _mark_compound_months(compound: Compound) -> None:
    """The compound's place and declared households count in every month the snapshots
    keep (the denominators of its community, street, district and city): mark them all,
    so the refresh after commit (or the beat's) puts them right."""
    mark_dirty_many((compound.pk, month) for month in recent_months(13))


@transaction.atomic
def compound_update(*, compound: Compound, actor=None, **changes) -> Compound:
    """Change a compound's details (the admin's form). A new declared household count or
    a move to another community marks every month the snapshots keep."""
    unknown = set(changes) - set(COMPOUND_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    compound = Compound.objects.select_for_update().get(pk=compound.pk)
    counted_before = [getattr(compound, f"{f}_id" if f == "community" else f)
                      for f in COUNTED_COMPOUND_FIELDS]
    for field, value in changes.items():
        setattr(compound, field, value)
    save_validated(compound)
    counted_after = [getattr(compound, f"{f}_id" if f == "community" else f)
                     for f in COUNTED_COMPOUND_FIELDS]
    if counted_after != counted_before:
        _mark_compound_months(compound)
    return compound


@transaction.atomic
def building_create(*, compound: Compound, name: str, floors: int = 6, units: int = 1) -> Building:
    return save_validated(Building(compound=compound, name=name, floors=floors, units=units))


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
    return save_validated(household)


@transaction.atomic
def grid_create(
    *, community: Community, name: str, duty_types: list[str], buildings=()
) -> Grid:
    grid = save_validated(Grid(community=community, name=name, duty_types=list(duty_types)))
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
def staff_assignment_create(*, user, role: str, node, title: str = "",
                            actor=None) -> StaffAssignment:
    """Give ``user`` a role over ``node``; an earlier active assignment is ended."""
    from communities.models import AuditAction

    from . import audit

    field = ROLE_NODE_FIELD[StaffRole(role)]
    now = timezone.now()
    previous = list(
        StaffAssignment.objects.select_for_update().filter(user=user, ended_at__isnull=True)
    )
    StaffAssignment.objects.filter(pk__in=[a.pk for a in previous]).update(ended_at=now)
    for ended in previous:
        audit.record(action=AuditAction.ASSIGNMENT_ENDED, obj=ended, actor=actor,
                     changes={"user": user.get_username(), "role": ended.role,
                              "ended_at": [None, now]})
    assignment = save_validated(
        StaffAssignment(user=user, role=role, title=title, **{field: node}),
    )
    audit.record(action=AuditAction.ASSIGNMENT_CREATED, obj=assignment, actor=actor,
                 changes={"user": user.get_username(), "role": [None, role],
                          field: [None, node.pk], "title": [None, title]})
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_scope(user)
    return assignment


@transaction.atomic
def staff_assignment_end(*, assignment: StaffAssignment, actor=None) -> StaffAssignment:
    from communities.models import AuditAction

    from . import audit

    if assignment.ended_at is None:
        assignment.ended_at = timezone.now()
        assignment.save(update_fields=["ended_at"])
        audit.record(action=AuditAction.ASSIGNMENT_ENDED, obj=assignment, actor=actor,
                     changes={"user": assignment.user.get_username(), "role": assignment.role,
                              "ended_at": [None, assignment.ended_at]})
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


# ---------------------------------------------------------------------------
# Vulnerable residents, patrols (一日两巡), service sites and service records.
# ---------------------------------------------------------------------------


# A clock a few minutes fast on a phone is not "the future".
FUTURE_TOLERANCE = timedelta(minutes=5)


def local_half_day(moment) -> tuple:
    """The local (Asia/Shanghai) date and half ("am" before 12:00, "pm" from 12:00) of an
    aware datetime."""
    from communities.models import HalfDay
    from core.timeutils import local

    moment = local(moment)
    return moment.date(), HalfDay.MORNING if moment.hour < 12 else HalfDay.AFTERNOON


def _require_in_scope(user, obj, message):
    from communities.access.scoping import is_in_scope
    from core.errors import ApplicationError

    if user is not None and not is_in_scope(user, obj):
        raise ApplicationError(message, code="out_of_scope", status_code=404)


@transaction.atomic
def vulnerable_resident_create(
    *, user=None, grid: Grid, name: str, address: str, group: str, registered_on,
    phone: str = "", note: str = "",
):
    from django.utils.translation import gettext as _

    from communities.models import VulnerableResident

    _require_in_scope(user, grid, _("This grid is not in your area."))
    return save_validated(
        VulnerableResident(
            grid=grid, name=name, address=address, group=group, registered_on=registered_on,
            phone=phone, note=note,
        )
    )


@transaction.atomic
def patrol_visit_record(
    *, user=None, resident, visited_at, visitor_name: str, condition: str = "",
    needs_follow_up: bool = False,
):
    """Record one patrol visit; refused for a resident outside the user's grid/community,
    for a time in the future, or outside the resident's registration."""
    from django.utils.translation import gettext as _

    from communities.models import PatrolVisit
    from core.errors import ApplicationError

    _require_in_scope(user, resident, _("This resident is not in your grid or community."))
    if visited_at is None or timezone.is_naive(visited_at):
        raise ApplicationError(_("Give the date and time of the visit."), code="invalid_time")
    if visited_at > timezone.now() + FUTURE_TOLERANCE:
        raise ApplicationError(_("A visit cannot be recorded in the future."),
                               code="future_visit")
    visit_date, half_day = local_half_day(visited_at)
    if visit_date < resident.registered_on or (
        resident.left_on is not None and visit_date > resident.left_on
    ):
        raise ApplicationError(
            _("The resident was not registered for patrols on that day."), code="not_registered"
        )
    return save_validated(
        PatrolVisit(
            resident=resident, visited_at=visited_at, visit_date=visit_date, half_day=half_day,
            visitor_name=visitor_name, condition=condition, needs_follow_up=needs_follow_up,
            recorded_by=user if user is not None and user.is_authenticated else None,
        )
    )


@transaction.atomic
def service_site_create(
    *, user=None, community: Community, name: str, kind: str, compound=None, grid=None,
    address: str = "", opening_hours: str = "", rooms=(),
):
    """Open a service site with its function rooms (a list of room kinds or (kind, name))."""
    from django.utils.translation import gettext as _

    from communities.models import FunctionRoom, ServiceSite

    _require_in_scope(user, community, _("This community is not in your area."))
    site = save_validated(
        ServiceSite(
            community=community, name=name, kind=kind, compound=compound, grid=grid,
            address=address, opening_hours=opening_hours,
        )
    )
    for room in rooms:
        kind_code, room_name = room if isinstance(room, tuple) else (room, "")
        save_validated(FunctionRoom(site=site, kind=kind_code, name=room_name))
    return site


@transaction.atomic
def service_record_create(
    *, user=None, site, kind: str, served_at, visitors: int = 1, room=None, note: str = "",
):
    from django.utils.translation import gettext as _

    from communities.models import ServiceRecord
    from core.errors import ApplicationError
    from core.timeutils import local

    _require_in_scope(user, site, _("This service site is not in your area."))
    if served_at is None or timezone.is_naive(served_at):
        raise ApplicationError(_("Give the date and time of the service."), code="invalid_time")
    if served_at > timezone.now() + FUTURE_TOLERANCE:
        raise ApplicationError(_("A service cannot be recorded in the future."),
                               code="future_service")
    return save_validated(
        ServiceRecord(
            site=site, room=room, kind=kind, served_at=served_at,
            service_date=local(served_at).date(), visitors=visitors, note=note,
            recorded_by=user if user is not None and user.is_authenticated else None,
        )
    )
