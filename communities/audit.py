"""The audit trail (DESIGN §4, issue 8): who changed what and when, and who saw or
exported residents' personal data.

``record`` is the one helper every service and view calls. It writes in the caller's
transaction (so a rolled-back change leaves no audit row), finds the city, district,
community and compound of the object for scoping, and masks every mobile number in
the summary of changes. ``AuditRequestMiddleware`` remembers the client's IP address for
the length of a request so services need not be handed the request.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import re

from django.core.exceptions import FieldDoesNotExist

from communities.access.scoping import scope_for_user
from communities.models import (
    AuditAction,
    AuditEvent,
    City,
    Community,
    Compound,
    District,
    Grid,
    Street,
)
from core import client_address
from core.validators import mask_phone

_request_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "audit_request_ip", default=None
)

MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)")


class AuditRequestMiddleware:
    """Keeps the client's IP address available to ``record`` during the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _request_ip.reset(token)


def client_ip(request) -> str | None:
    """The client's address behind the trusted proxies (``TRUSTED_PROXY_COUNT``)."""
    return client_address.client_ip(request)


def mask_text(value: str) -> str:
    """Mask every mobile number inside a piece of text."""
    return MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), value)


def _plain(value):
    """A JSON-safe, phone-masked form of a field value."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return mask_text(str(value))


def _clean_changes(changes: dict | None) -> dict:
    cleaned = {}
    for field, value in (changes or {}).items():
        if isinstance(value, list | tuple) and len(value) == 2:
            old, new = value
            if "phone" in field:
                old, new = mask_phone(str(old or "")), mask_phone(str(new or ""))
            cleaned[field] = [_plain(old), _plain(new)]
        else:
            cleaned[field] = mask_phone(str(value)) if "phone" in field else _plain(value)
    return cleaned


def _cached(obj, name):
    """The related object ``name`` if it is already loaded on ``obj``, else None."""
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return getattr(obj, name) if field.is_cached(obj) else None


def _loaded_places(compound) -> dict | None:
    """A compound's places when its community, street and district are already loaded
    (a page that shows the compound usually has them): no query."""
    community = compound and _cached(compound, "community")
    street = community and _cached(community, "street")
    district = street and _cached(street, "district")
    if not district:
        return None
    return {"compound_id": compound.pk, "community_id": community.pk,
            "district_id": district.pk, "city_id": district.city_id}


def _places(obj) -> dict:
    """The city, district, community and compound ids an object belongs to (what is
    known), in one query."""

    places = {"city_id": None, "district_id": None, "community_id": None, "compound_id": None}
    if obj is None:
        return places
    if isinstance(obj, Compound) or getattr(obj, "compound_id", None):
        compound_id = obj.pk if isinstance(obj, Compound) else obj.compound_id
        loaded = _loaded_places(obj if isinstance(obj, Compound) else _cached(obj, "compound"))
        if loaded is not None:
            return loaded
        row = Compound.objects.filter(pk=compound_id).values(
            "community_id", "community__street__district_id",
            "community__street__district__city_id",
        ).first() or {}
        return {"compound_id": compound_id, "community_id": row.get("community_id"),
                "district_id": row.get("community__street__district_id"),
                "city_id": row.get("community__street__district__city_id")}
    if isinstance(obj, Community) or getattr(obj, "community_id", None):
        community_id = obj.pk if isinstance(obj, Community) else obj.community_id
        model, path, pk = Community, "street__district", community_id
        places["community_id"] = community_id
    elif isinstance(obj, Grid) or getattr(obj, "grid_id", None):
        grid_id = obj.pk if isinstance(obj, Grid) else obj.grid_id
        row = Grid.objects.filter(pk=grid_id).values(
            "community_id", "community__street__district_id",
            "community__street__district__city_id",
        ).first() or {}
        return {**places, "community_id": row.get("community_id"),
                "district_id": row.get("community__street__district_id"),
                "city_id": row.get("community__street__district__city_id")}
    elif isinstance(obj, Street) or getattr(obj, "street_id", None):
        model, path = Street, "district"
        pk = obj.pk if isinstance(obj, Street) else obj.street_id
    elif isinstance(obj, District) or getattr(obj, "district_id", None):
        pk = obj.pk if isinstance(obj, District) else obj.district_id
        city_id = District.objects.filter(pk=pk).values_list("city_id", flat=True).first()
        return {**places, "district_id": pk, "city_id": city_id}
    elif isinstance(obj, City) or getattr(obj, "city_id", None):
        return {**places, "city_id": obj.pk if isinstance(obj, City) else obj.city_id}
    else:
        return places
    row = model.objects.filter(pk=pk).values(f"{path}_id", f"{path}__city_id").first() or {}
    return {**places, "district_id": row.get(f"{path}_id"),
            "city_id": row.get(f"{path}__city_id")}


def record(*, action: str, obj=None, actor=None, changes: dict | None = None,
           object_type: str = "", object_id="", place=None, request=None):
    """Write one audit event in the current transaction.

    ``obj`` is the record acted on (its type, id and place are taken from it); ``place``
    overrides where the event belongs (a compound, community, grid, street, district or
    city) when ``obj`` is not given or does not say. ``changes`` maps field → [old, new]
    (or field → value); mobile numbers in it are masked. ``actor`` None means a resident
    or the system; an anonymous user counts as None.
    """

    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    places = _places(place if place is not None else obj)
    ip = client_ip(request) if request is not None else _request_ip.get()
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        changes=_clean_changes(changes),
        ip_address=ip,
        **places,
    )


def record_pii_view(*, request, obj=None, object_type: str = "", object_id="", place=None,
                    fields=("phone",), exported: bool = False, count: int | None = None):
    """A member of staff saw (or exported) unmasked personal data."""

    summary = {"fields": ",".join(fields)}
    if count is not None:
        summary["rows"] = count
    if request.GET:
        summary["filters"] = mask_text(request.GET.urlencode())[:500]
    return record(
        action=AuditAction.PII_EXPORTED if exported else AuditAction.PII_VIEWED,
        obj=obj, actor=request.user, object_type=object_type, object_id=object_id,
        place=place, changes=summary, request=request,
    )


def user_place(user):
    """The node a member of staff works at (to place events without one object)."""

    scope = scope_for_user(user)
    if scope.level in (None, "all", "firm") or scope.node_id is None:
        return None

    model = {"city": City, "district": District, "street": Street, "community": Community,
             "grid": Grid}[scope.level]
    return model.objects.filter(pk=scope.node_id).first()
