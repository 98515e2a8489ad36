"""Reads of the hierarchy, always through the user's scope."""

from datetime import timedelta

from django.apps import apps
from django.db.models import CharField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Concat

from communities.access.scoping import scope_for_user, scope_queryset
from communities.models import (
    Building,
    City,
    Community,
    Compound,
    District,
    Grid,
    HalfDay,
    Household,
    PatrolVisit,
    ServiceRecord,
    ServiceSite,
    StaffRole,
    Street,
    VulnerableResident,
)
from core.timeutils import days, local_now
from core.validators import mask_phone


def can_view_pii(user) -> bool:
    return user.has_perm("communities.view_pii")


def display_phone(user, phone: str) -> str:
    """A resident's phone number as this user may see it."""
    return phone if can_view_pii(user) else mask_phone(phone)


def compound_list(*, user, filters: dict | None = None) -> QuerySet[Compound]:
    filters = filters or {}
    qs = scope_queryset(
        Compound.objects.select_related("community__street__district__city"), user
    )
    if filters.get("district"):
        qs = qs.filter(community__street__district_id=filters["district"])
    if filters.get("street"):
        qs = qs.filter(community__street_id=filters["street"])
    if filters.get("community"):
        qs = qs.filter(community_id=filters["community"])
    if filters.get("management_mode"):
        qs = qs.filter(management_mode=filters["management_mode"])
    return qs.order_by("community__street__district__name", "community__name", "name")


def household_list(*, user, compound_id: int | None = None) -> QuerySet[Household]:
    qs = scope_queryset(Household.objects.select_related("building", "compound"), user)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    return qs.order_by("compound__name", "building__name", "unit", "room")


def scope_overview(*, user) -> dict:
    """Counts for the staff home page: how much of each level the user answers for."""
    scope = scope_for_user(user)
    counts = {}
    for key, model in (
        ("districts", District),
        ("streets", Street),
        ("communities", Community),
        ("compounds", Compound),
        ("buildings", Building),
        ("households", Household),
        ("grids", Grid),
    ):
        counts[key] = scope_queryset(model.objects.all(), user).count()
    role_label = StaffRole(scope.role).label if scope.role in StaffRole.values else ""
    return {"scope": scope, "role_label": role_label, "counts": counts}


def scope_node(*, user):
    """The hierarchy node of the user's scope, or None for a superuser / no scope."""
    scope = scope_for_user(user)
    model = {
        "city": City, "district": District, "street": Street,
        "community": Community, "grid": Grid,
        # By name: properties depends on communities, not the other way round.
        "firm": apps.get_model("properties", "PropertyFirm"),
    }.get(scope.level)
    if model is None:
        return None
    return model.objects.filter(pk=scope.node_id).first()



def public_compound_search(*, text: str, limit: int = 30) -> QuerySet[Compound]:
    """Compounds whose name contains ``text`` or whose pinyin initials start with it."""

    text = text.strip()
    if not text:
        return Compound.objects.none()
    q = Q(name__icontains=text)
    if text.isascii() and text.isalpha():
        q |= Q(name_initials__startswith=text.lower())
    return (
        Compound.objects.filter(q)
        .select_related("community__street__district")
        .order_by("name")[:limit]
    )


def public_directory_level(*, district_id=None, street_id=None, community_id=None) -> dict:
    """One level of the public district → street → community → compound picker."""
    if community_id:
        community = Community.objects.select_related("street__district").filter(
            pk=community_id
        ).first()
        if community:
            return {
                "level": "compound", "parent": community,
                "items": community.compounds.order_by("name"),
            }
    if street_id:
        street = Street.objects.select_related("district").filter(pk=street_id).first()
        if street:
            return {
                "level": "community", "parent": street,
                "items": street.communities.order_by("name"),
            }
    if district_id:
        district = District.objects.select_related("city").filter(pk=district_id).first()
        if district:
            return {
                "level": "street", "parent": district, "items": district.streets.order_by("name"),
            }
    return {
        "level": "district", "parent": None,
        "items": District.objects.select_related("city").order_by("city__name", "name"),
    }


# ---------------------------------------------------------------------------
# Vulnerable residents and patrols (一日两巡); service sites and visits per day.
# ---------------------------------------------------------------------------


def vulnerable_resident_list(*, user, grid_id: int | None = None):

    qs = scope_queryset(VulnerableResident.objects.select_related("grid__community"), user)
    if grid_id:
        qs = qs.filter(grid_id=grid_id)
    return qs.order_by("grid__community__name", "grid__name", "name", "pk")


def display_vulnerable(user, resident) -> dict:
    """Name, phone and address of a vulnerable resident as this user may see them."""

    if can_view_pii(user):
        return {"name": resident.name, "phone": resident.phone, "address": resident.address}
    return {
        "name": mask_name(resident.name),
        "phone": mask_phone(resident.phone),
        "address": mask_address(resident.address),
    }


def mask_name(name: str) -> str:
    """王** for 王秀英: the surname only."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_address(address: str) -> str:
    """The first six characters (the compound), the rest hidden."""
    address = (address or "").strip()
    return address[:6] + "****" if len(address) > 6 else "****"


def _half_days_over(now_local):
    """(today, whether this morning is over): a half-day counts only once it has ended."""
    return now_local.date(), now_local.hour >= 12


def patrol_slots(*, residents, start, end, now=None):
    """The half-days due and the half-days visited for ``residents`` from ``start`` to
    ``end`` (local dates, inclusive): only half-days that are over are due.

    Two queries whatever the number of residents and visits. Returns (residents, due,
    visited): ``due`` maps resident id -> list of (date, half); ``visited`` is a set of
    (resident id, date, half)."""

    today, morning_over = _half_days_over(local_now(now))
    residents = list(
        residents.filter(registered_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .select_related("grid__community")
    )
    visited = set(
        PatrolVisit.objects.filter(
            resident__in=[r.pk for r in residents], visit_date__gte=start, visit_date__lte=end
        )
        .values_list("resident_id", "visit_date", "half_day")
        .distinct()
    )
    due = {}
    for resident in residents:
        first = max(start, resident.registered_on)
        last = min(end, resident.left_on or end, today)
        slots = []
        for day in days(first, last) if first <= last else ():
            if day < today or morning_over:
                slots.append((day, HalfDay.MORNING))
            if day < today:
                slots.append((day, HalfDay.AFTERNOON))
        due[resident.pk] = slots
    return residents, due, visited


def missed_patrol_half_days(*, user, start, end, now=None, community_id=None):
    """Every half-day a vulnerable resident in the user's scope went unvisited: a list of
    dicts (resident, date, half_day), newest first."""
    residents_qs = vulnerable_resident_list(user=user)
    if community_id:
        residents_qs = residents_qs.filter(grid__community_id=community_id)
    residents, due, visited = patrol_slots(residents=residents_qs, start=start, end=end, now=now)
    missed = [
        {"resident": r, "date": day, "half_day": half}
        for r in residents
        for day, half in due[r.pk]
        if (r.pk, day, half) not in visited
    ]
    missed.sort(key=lambda m: (m["date"], m["half_day"], m["resident"].grid.name), reverse=True)
    return missed


def missed_patrol_counts(*, residents, start, end, now=None) -> dict:
    """Missed half-days per community over a date range, computed in the database:
    Σ due half-days (arithmetic per resident) − Σ distinct visited half-days that were due
    (one aggregate query). ``residents`` is a queryset (scoped by the caller; the metrics
    engine may pass all). Returns {community id: {"due", "visited", "missed"}}."""


    today, morning_over = _half_days_over(local_now(now))
    active = residents.filter(registered_on__lte=end).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=start)
    )
    result: dict = {}
    for community_id, registered_on, left_on in active.values_list(
        "grid__community_id", "registered_on", "left_on"
    ):
        first = max(start, registered_on)
        last = min(end, left_on or end, today)
        n = 0
        if first <= last:
            whole_days = (min(last, today - timedelta(days=1)) - first).days + 1
            n = 2 * max(whole_days, 0)
            if last == today and morning_over:
                n += 1
        entry = result.setdefault(community_id, {"due": 0, "visited": 0, "missed": 0})
        entry["due"] += n
    due_and_over = Q(visit_date__lt=today)
    if morning_over:
        due_and_over |= Q(visit_date=today, half_day=HalfDay.MORNING)
    visits = (
        PatrolVisit.objects.filter(
            due_and_over, resident__in=active.values("pk"), visit_date__gte=start,
            visit_date__lte=end,
        )
        .filter(visit_date__gte=F("resident__registered_on"))
        .filter(Q(resident__left_on__isnull=True) | Q(visit_date__lte=F("resident__left_on")))
        .values("resident__grid__community_id")
        .annotate(
            n=Count(
                Concat(
                    Cast("resident_id", CharField()), Value("|"),
                    Cast("visit_date", CharField()), Value("|"), "half_day",
                    output_field=CharField(),
                ),
                distinct=True,
            )
        )
        .order_by()
    )
    for row in visits:
        entry = result.setdefault(
            row["resident__grid__community_id"], {"due": 0, "visited": 0, "missed": 0}
        )
        entry["visited"] += row["n"]
    for entry in result.values():
        entry["missed"] = entry["due"] - entry["visited"]
    return result


def service_site_list(*, user, community_id: int | None = None):

    qs = scope_queryset(
        ServiceSite.objects.select_related("community", "compound", "grid").prefetch_related(
            "rooms"
        ),
        user,
    )
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs.order_by("community__name", "name")


def service_record_list(*, user, site_id: int | None = None, start=None, end=None):

    qs = scope_queryset(
        ServiceRecord.objects.select_related("site__community", "room"), user
    )
    if site_id:
        qs = qs.filter(site_id=site_id)
    if start:
        qs = qs.filter(service_date__gte=start)
    if end:
        qs = qs.filter(service_date__lte=end)
    return qs.order_by("-served_at", "-pk")


def service_visits_per_day(*, user, start, end, site_id: int | None = None) -> list[dict]:
    """People served per local day (Σ visitors) in the user's scope: one GROUP BY."""

    qs = service_record_list(user=user, site_id=site_id, start=start, end=end)
    return list(
        qs.order_by()
        .values("service_date")
        .annotate(visitors=Sum("visitors"), records=Count("pk"))
        .order_by("-service_date")
    )


def display_vulnerable_label(resident, *, show_pii: bool) -> str:
    name = resident.name if show_pii else mask_name(resident.name)
    return f"{resident.grid.name} · {name} · {resident.get_group_display()}"
