"""Reads of the hierarchy, always through the user's scope."""

from django.db.models import QuerySet

from .models import (
    Building,
    City,
    Community,
    Compound,
    District,
    Grid,
    Household,
    StaffRole,
    Street,
)
from .scoping import scope_for_user, scope_queryset
from .validators import mask_phone


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
    }.get(scope.level)
    if model is None:
        return None
    return model.objects.filter(pk=scope.node_id).first()



def public_compound_search(*, text: str, limit: int = 30) -> QuerySet[Compound]:
    """Compounds whose name contains ``text`` or whose pinyin initials start with it."""
    from django.db.models import Q

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
