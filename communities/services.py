"""Writes to the hierarchy and to staff assignments. One function per use case."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import audit
from communities.access.scoping import forget_scope, is_in_scope
from communities.metrics.writer import mark_dirty_many
from communities.models import (
    ROLE_NODE_FIELD,
    AuditAction,
    Building,
    City,
    Community,
    Compound,
    District,
    FunctionRoom,
    Grid,
    GridWorker,
    HalfDay,
    Household,
    PatrolVisit,
    ServiceRecord,
    ServiceSite,
    StaffAssignment,
    StaffRole,
    Street,
    VulnerableResident,
)
from core.errors import ApplicationError
from core.services import require_aware_past, save_validated
from core.timeutils import local, recent_months


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
COUNTED_COMPOUND_FIELDS = ("community_id", "declared_households")


def _mark_compound_months(compound: Compound) -> None:
    """The compound's place and declared households count in every month the snapshots
    keep (the denominators of its community, street, district and city): mark them all,
    so the refresh after commit (or the beat's) puts them right."""
    mark_dirty_many((compound.pk, month) for month in recent_months(13))


@transaction.atomic
def building_create(*, compound: Compound, name: str, floors: int = 6, units: int = 1) -> Building:
    return save_validated(Building(compound=compound, name=name, floors=floors, units=units))


def check_household(*, building: Building, compound: Compound | None = None) -> None:
    """A household lives in a building of its own compound."""
    if compound is not None and building.compound_id != compound.pk:
        raise ValidationError(
            {"building": _("The building does not belong to the household's compound.")}
        )


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
    owner_key: str = "",
    developer_held: bool = False,
) -> Household:
    """Register a household; ``compound``, if given, must be the building's compound."""
    check_household(building=building, compound=compound)
    household = Household(
        compound=compound or building.compound,
        building=building,
        unit=unit,
        room=room,
        floor_area=floor_area,
        owner_name=owner_name,
        phone=phone,
        owner_key=owner_key,
        developer_held=developer_held,
    )
    return save_validated(household)


@transaction.atomic
def grid_create(
    *, community: Community, name: str, duty_types: list[str], buildings=()
) -> Grid:
    grid = save_validated(Grid(community=community, name=name, duty_types=list(duty_types)))
    grid_set_buildings(grid=grid, buildings=buildings)
    return grid


def check_grid_buildings(*, community: Community, buildings) -> None:
    """A grid covers buildings of its own community only."""
    if any(b.compound.community_id != community.pk for b in buildings):
        raise ValidationError(
            {"buildings": _("A grid can only cover buildings of its own community.")}
        )


@transaction.atomic
def grid_set_buildings(*, grid: Grid, buildings) -> Grid:
    buildings = list(buildings)
    check_grid_buildings(community=grid.community, buildings=buildings)
    grid.buildings.set(buildings)
    return grid


def check_staff_assignment(*, role: str, node) -> None:
    """A role is held over one unit of the hierarchy (or one firm) of the role's level."""
    field = ROLE_NODE_FIELD[StaffRole(role)]
    if node is None:
        raise ApplicationError(_("Choose the unit this role is held over."),
                               code="node_required", fields=(field,))


@transaction.atomic
def staff_assignment_create(*, user, role: str, node, title: str = "",
                            actor=None) -> StaffAssignment:
    """Give ``user`` a role over ``node``; an earlier active assignment is ended."""


    check_staff_assignment(role=role, node=node)
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

    moment = local(moment)
    return moment.date(), HalfDay.MORNING if moment.hour < 12 else HalfDay.AFTERNOON


def _require_in_scope(actor, obj, message):

    if actor is not None and not is_in_scope(actor, obj):
        raise ApplicationError(message, code="out_of_scope", status_code=404)


@transaction.atomic
def vulnerable_resident_create(
    *, actor=None, grid: Grid, name: str, address: str, group: str, registered_on,
    phone: str = "", note: str = "",
):


    _require_in_scope(actor, grid, _("This grid is not in your area."))
    return save_validated(
        VulnerableResident(
            grid=grid, name=name, address=address, group=group, registered_on=registered_on,
            phone=phone, note=note,
        )
    )


def check_patrol_visit(*, actor=None, resident, visited_at) -> None:
    """A visit of a resident in the actor's area, at a past time within the resident's
    registration."""
    _require_in_scope(actor, resident, _("This resident is not in your grid or community."))
    require_aware_past(
        visited_at, missing_message=_("Give the date and time of the visit."),
        future_message=_("A visit cannot be recorded in the future."),
        future_code="future_visit", tolerance=FUTURE_TOLERANCE, field="visited_at",
    )
    visit_date, _half_day = local_half_day(visited_at)
    if visit_date < resident.registered_on or (
        resident.left_on is not None and visit_date > resident.left_on
    ):
        raise ApplicationError(
            _("The resident was not registered for patrols on that day."),
            code="not_registered", fields=("visited_at",),
        )


@transaction.atomic
def patrol_visit_record(
    *, actor=None, resident, visited_at, visitor_name: str, condition: str = "",
    needs_follow_up: bool = False,
):
    """Record one patrol visit; refused for a resident outside the actor's grid/community,
    for a time in the future, or outside the resident's registration."""

    check_patrol_visit(actor=actor, resident=resident, visited_at=visited_at)
    visit_date, half_day = local_half_day(visited_at)
    return save_validated(
        PatrolVisit(
            resident=resident, visited_at=visited_at, visit_date=visit_date, half_day=half_day,
            visitor_name=visitor_name, condition=condition, needs_follow_up=needs_follow_up,
            recorded_by=actor if actor is not None and actor.is_authenticated else None,
        )
    )


@transaction.atomic
def service_site_create(
    *, actor=None, community: Community, name: str, kind: str, compound=None, grid=None,
    address: str = "", opening_hours: str = "", rooms=(),
):
    """Open a service site with its function rooms (a list of room kinds or (kind, name))."""


    _require_in_scope(actor, community, _("This community is not in your area."))
    check_service_site(community=community, compound=compound, grid=grid)
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


def check_service_record(*, actor=None, site, served_at) -> None:
    """A service at a site in the actor's area, at a past time."""
    _require_in_scope(actor, site, _("This service site is not in your area."))
    require_aware_past(
        served_at, missing_message=_("Give the date and time of the service."),
        future_message=_("A service cannot be recorded in the future."),
        future_code="future_service", tolerance=FUTURE_TOLERANCE, field="served_at",
    )


@transaction.atomic
def service_record_create(
    *, actor=None, site, kind: str, served_at, visitors: int = 1, room=None, note: str = "",
):


    check_service_record(actor=actor, site=site, served_at=served_at)
    return save_validated(
        ServiceRecord(
            site=site, room=room, kind=kind, served_at=served_at,
            service_date=local(served_at).date(), visitors=visitors, note=note,
            recorded_by=actor if actor is not None and actor.is_authenticated else None,
        )
    )


# ---------------------------------------------------------------------------
# Corrections of the hierarchy and of the care ledgers (the admin's changes).
# ---------------------------------------------------------------------------


def _apply_changes(obj, changes: dict, allowed: set[str]):
    """Set the ``changes`` (only ``allowed`` fields) on ``obj``, validate and save them."""
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here."), code="not_editable",
                               fields=tuple(sorted(unknown)))
    if not changes:
        return obj
    for field, value in changes.items():
        setattr(obj, field, value)
    return save_validated(obj, update_fields=list(changes))


def _lock(obj):
    return type(obj).objects.select_for_update().get(pk=obj.pk)


@transaction.atomic
def city_create(*, actor=None, name: str, code: str = "") -> City:
    return save_validated(City(name=name, code=code))


@transaction.atomic
def city_update(*, actor=None, city: City, **changes) -> City:
    return _apply_changes(_lock(city), changes, {"name", "code"})


@transaction.atomic
def district_create(*, actor=None, city: City, name: str, contact_phone: str = "") -> District:
    _require_in_scope(actor, city, _("This city is not in your area."))
    return save_validated(District(city=city, name=name, contact_phone=contact_phone))


@transaction.atomic
def district_update(*, actor=None, district: District, **changes) -> District:
    _require_in_scope(actor, district, _("This district is not in your area."))
    return _apply_changes(_lock(district), changes, {"name", "contact_phone"})


@transaction.atomic
def street_create(*, actor=None, district: District, name: str,
                  contact_phone: str = "") -> Street:
    _require_in_scope(actor, district, _("This district is not in your area."))
    return save_validated(Street(district=district, name=name, contact_phone=contact_phone))


@transaction.atomic
def street_update(*, actor=None, street: Street, **changes) -> Street:
    _require_in_scope(actor, street, _("This street is not in your area."))
    return _apply_changes(_lock(street), changes, {"name", "contact_phone"})


@transaction.atomic
def community_create(*, actor=None, street: Street, name: str, address: str = "",
                     phone: str = "") -> Community:
    _require_in_scope(actor, street, _("This street is not in your area."))
    return save_validated(Community(street=street, name=name, address=address, phone=phone))


@transaction.atomic
def community_update(*, actor=None, community: Community, **changes) -> Community:
    _require_in_scope(actor, community, _("This community is not in your area."))
    return _apply_changes(_lock(community), changes, {"name", "address", "phone"})


COMPOUND_EDITABLE = {
    "community", "name", "address", "declared_households", "floor_area", "year_built",
    "is_old_compound", "competent_unit", "latitude", "longitude",
}


@transaction.atomic
def compound_update(*, actor=None, compound: Compound, **changes) -> Compound:
    """Correct a compound's particulars; its management mode follows its contracts and its
    owners' organisation its committees (the properties services). A new declared
    household count or a move to another community marks every month the snapshots keep."""
    _require_in_scope(actor, compound, _("This compound is not in your area."))
    if "community" in changes:
        _require_in_scope(actor, changes["community"], _("This community is not in your area."))
    compound = _lock(compound)
    counted_before = [getattr(compound, f) for f in COUNTED_COMPOUND_FIELDS]
    compound = _apply_changes(compound, changes, COMPOUND_EDITABLE)
    if [getattr(compound, f) for f in COUNTED_COMPOUND_FIELDS] != counted_before:
        _mark_compound_months(compound)
    return compound


@transaction.atomic
def building_update(*, actor=None, building: Building, **changes) -> Building:
    _require_in_scope(actor, building, _("This building is not in your area."))
    return _apply_changes(_lock(building), changes, {"name", "floors", "units"})


@transaction.atomic
def household_update(*, actor=None, household: Household, **changes) -> Household:
    """Correct a household; a new building must be in the household's compound."""
    household = _lock(household)
    _require_in_scope(actor, household, _("This household is not in your area."))
    if "building" in changes:
        check_household(building=changes["building"], compound=household.compound)
    return _apply_changes(household, changes,
                          {"building", "unit", "room", "floor_area", "owner_name", "phone",
                           "owner_key", "developer_held"})


@transaction.atomic
def grid_update(*, actor=None, grid: Grid, buildings=None, **changes) -> Grid:
    """Rename a grid, change its duties or the buildings it covers."""
    grid = _lock(grid)
    _require_in_scope(actor, grid, _("This grid is not in your area."))
    if "duty_types" in changes:
        changes["duty_types"] = list(changes["duty_types"])
    _apply_changes(grid, changes, {"name", "duty_types"})
    if buildings is not None:
        grid_set_buildings(grid=grid, buildings=buildings)
    return grid


GRID_WORKER_FIELDS = {"grid", "user", "name", "phone", "role", "is_party_member"}


@transaction.atomic
def grid_worker_create(*, actor=None, grid: Grid, name: str, phone: str, role: str,
                       user=None, is_party_member: bool = False) -> GridWorker:
    _require_in_scope(actor, grid, _("This grid is not in your area."))
    return save_validated(GridWorker(grid=grid, user=user, name=name, phone=phone, role=role,
                                     is_party_member=is_party_member))


@transaction.atomic
def grid_worker_update(*, actor=None, worker: GridWorker, **changes) -> GridWorker:
    worker = _lock(worker)
    _require_in_scope(actor, worker, _("This grid worker is not in your area."))
    if "grid" in changes:
        _require_in_scope(actor, changes["grid"], _("This grid is not in your area."))
    return _apply_changes(worker, changes, GRID_WORKER_FIELDS)


def check_vulnerable_resident(*, registered_on, left_on=None) -> None:
    if registered_on is not None and left_on is not None and left_on < registered_on:
        raise ApplicationError(_("A resident cannot leave before being registered."),
                               code="left_before_registered", fields=("left_on",))


@transaction.atomic
def vulnerable_resident_update(*, actor=None, resident: VulnerableResident,
                               **changes) -> VulnerableResident:
    resident = _lock(resident)
    _require_in_scope(actor, resident, _("This resident is not in your grid or community."))
    if "grid" in changes:
        _require_in_scope(actor, changes["grid"], _("This grid is not in your area."))
    check_vulnerable_resident(
        registered_on=changes.get("registered_on", resident.registered_on),
        left_on=changes.get("left_on", resident.left_on),
    )
    return _apply_changes(resident, changes, {
        "grid", "name", "phone", "address", "group", "note", "registered_on", "left_on",
    })


def check_service_site(*, community: Community, compound=None, grid=None) -> None:
    """A site's compound and grid are of its own community."""
    if compound is not None and compound.community_id != community.pk:
        raise ApplicationError(_("The compound is not in the site's community."),
                               code="foreign_compound", fields=("compound",))
    if grid is not None and grid.community_id != community.pk:
        raise ApplicationError(_("The grid is not in the site's community."),
                               code="foreign_grid", fields=("grid",))


@transaction.atomic
def service_site_update(*, actor=None, site: ServiceSite, **changes) -> ServiceSite:
    site = _lock(site)
    _require_in_scope(actor, site, _("This service site is not in your area."))
    check_service_site(community=site.community, compound=changes.get("compound", site.compound),
                       grid=changes.get("grid", site.grid))
    return _apply_changes(site, changes,
                          {"name", "kind", "compound", "grid", "address", "opening_hours"})


@transaction.atomic
def function_room_add(*, actor=None, site: ServiceSite, kind: str, name: str = "") -> FunctionRoom:
    _require_in_scope(actor, site, _("This service site is not in your area."))
    return save_validated(FunctionRoom(site=site, kind=kind, name=name))
