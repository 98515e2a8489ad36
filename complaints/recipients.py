"""Who must hear about a complaint: the people (user ids) and the phones an alert goes to.

``alert_recipients`` is the one rule of issue 14: every alert resolves to at least one
person — the handler's assigned staff, else the community's staff, else the street's,
else the district's. The phones are those persons' own phones (the staff profile, or
the grid worker's), else the contact phone of the unit at that level, else of the next
unit up; an alert that still finds no phone is kept undeliverable by the outbox.
"""

from dataclasses import dataclass, field

from communities.models import GridWorker, StaffProfile, StaffRole
from notifications.recipients import unit_staff

from .models import HandlerKind


@dataclass
class Recipients:
    level: str = ""  # "handler", "community", "street", "district" or "" (nobody)
    user_ids: list[int] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


def handler_staff(complaint) -> tuple[list[int], list[str]]:
    """The handler's people (firm staff of that firm, the grid's workers with a login)
    and the grid workers' phones (those without a login are reached by phone only)."""
    if complaint.handler_kind == HandlerKind.FIRM and complaint.handler_firm_id:
        return unit_staff(StaffRole.FIRM_STAFF, complaint.handler_firm_id), []
    if complaint.handler_kind == HandlerKind.GRID and complaint.handler_grid_id:
        workers = list(GridWorker.objects.filter(grid_id=complaint.handler_grid_id)
                       .order_by("role", "pk").values_list("user_id", "phone"))
        users = {u for u, _phone in workers if u}
        users.update(unit_staff(StaffRole.GRID_WORKER, complaint.handler_grid_id))
        return sorted(users), [phone for _u, phone in workers if phone]
    return [], []


def _phones_of(user_ids) -> list[str]:
    profiles = StaffProfile.objects.filter(user_id__in=user_ids).exclude(phone="")
    grid = GridWorker.objects.filter(user_id__in=user_ids).exclude(phone="")
    return [*profiles.values_list("phone", flat=True), *grid.values_list("phone", flat=True)]


def _levels(complaint):
    """(level, user ids, the persons' extra phones, the unit's contact phone), in order."""
    community = complaint.compound.community
    street = community.street
    district = street.district
    handler_users, handler_phones = handler_staff(complaint)
    firm_phone = (complaint.handler_firm.contact_phone
                  if complaint.handler_kind == HandlerKind.FIRM and complaint.handler_firm_id
                  else "")
    return [
        ("handler", handler_users, handler_phones, firm_phone),
        ("community", unit_staff(StaffRole.COMMUNITY_STAFF, community.pk), [], community.phone),
        ("street", unit_staff(StaffRole.STREET_STAFF, street.pk), [], street.contact_phone),
        ("district", unit_staff(StaffRole.DISTRICT_OFFICIAL, district.pk), [],
         district.contact_phone),
    ]


def alert_recipients(complaint, *, start: str = "handler") -> Recipients:
    """The people an alert about ``complaint`` goes to, from level ``start`` up, and
    their phones (see the module docstring)."""
    levels = _levels(complaint)
    names = [name for name, *_rest in levels]
    levels = levels[names.index(start):]
    found = Recipients()
    for index, (name, users, extra_phones, unit_phone) in enumerate(levels):
        if not users:
            continue
        found.level, found.user_ids = name, list(users)
        phones = [*_phones_of(users), *extra_phones] or ([unit_phone] if unit_phone else [])
        if not phones:  # nobody at this level has a phone: the next unit's contact phone
            phones = [p for _n, _u, _e, p in levels[index + 1:] if p][:1]
        found.phones = sorted(set(phones))
        return found
    # Nobody with a login anywhere: still a phone if any unit has one.
    found.phones = sorted({p for _n, _u, extra, unit in levels for p in [*extra, unit] if p})[:1]
    return found


def escalation_staff(complaint, level: int) -> list[int]:
    """Who an escalation reaches: the community's staff (level 1), the street's staff and
    the district's officials (level 2)."""
    community = complaint.compound.community
    if level >= 2:
        return [*unit_staff(StaffRole.STREET_STAFF, community.street_id),
                *unit_staff(StaffRole.DISTRICT_OFFICIAL, community.street.district_id)]
    return unit_staff(StaffRole.COMMUNITY_STAFF, community.pk)
