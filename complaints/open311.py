"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/.

Service discovery, the service list and definitions (our categories, with a
``compound`` attribute), service requests GET (public) and POST (``api_key``), and one
request by id, each as XML (required by the specification) and JSON. Errors are the
specification's list of ``{code, description}`` with the same HTTP status.
"""

import datetime
import json
import math
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from communities.models import Compound
from core.errors import ApplicationError
from core.validators import is_valid_phone

from . import ratelimit, services
from .models import (
    FINISHED_STATUSES,
    Category,
    Channel,
    Complaint,
    HandlerKind,
    Open311ApiKey,
    Open311Jurisdiction,
    Status,
)

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_RANGE = datetime.timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = 100
CLOSED_STATUSES = FINISHED_STATUSES  # resolved, closed, rejected → "closed"
SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-24T00:00:00+08:00"


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


# ----------------------------------------------------------------------------- rendering


def _to_xml(parent: ET.Element, value) -> None:
    if isinstance(value, bool):
        parent.text = "true" if value else "false"
    elif value is None:
        parent.text = ""
    else:
        parent.text = str(value)


def _xml_document(root_tag: str, item_tag: str, items: list[dict]) -> str:
    root = ET.Element(root_tag)
    for item in items:
        node = ET.SubElement(root, item_tag)
        _xml_fields(node, item)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def _xml_fields(node: ET.Element, item: dict) -> None:
    for key, value in item.items():
        child = ET.SubElement(node, key)
        if isinstance(value, dict):
            _xml_fields(child, value)
        elif isinstance(value, list):
            singular = {"attributes": "attribute", "values": "value", "endpoints": "endpoint",
                        "formats": "format"}[key]
            for entry in value:
                sub = ET.SubElement(child, singular)
                if isinstance(entry, dict):
                    _xml_fields(sub, entry)
                else:
                    _to_xml(sub, entry)
        else:
            _to_xml(child, value)


def _respond(fmt: str, payload, *, root: str, item: str | None = None, status: int = 200):
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False)
    elif item is None:
        document = ET.Element(root)
        _xml_fields(document, payload)
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
            document, encoding="unicode"
        )
    else:
        body = _xml_document(root, item, payload)
    response = HttpResponse(body, content_type=FORMATS[fmt], status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error_response(fmt: str, error: Open311Error):
    fmt = fmt if fmt in FORMATS else "xml"
    payload = [{"code": error.code, "description": error.description}]
    return _respond(fmt, payload, root="errors", item="error", status=error.code)


def _handle(view):
    """Turn Open311Error (and an unknown format) into the specification's error body."""

    def wrapper(request, *args, fmt, **kwargs):
        try:
            if fmt not in FORMATS:
                raise Open311Error(404, _("Unknown format: use .xml or .json."))
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return _error_response(fmt, error)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _w3c(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


# ----------------------------------------------------------------------------- inputs


def _param(request, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return (source.get(name) or "").strip()


def _jurisdiction(request):
    """The city of ``jurisdiction_id``, or None when it is not given."""
    ident = _param(request, "jurisdiction_id")
    if not ident:
        return None
    jurisdiction = Open311Jurisdiction.objects.select_related("city").filter(
        jurisdiction_id=ident
    ).first()
    if jurisdiction is None:
        raise Open311Error(404, _("jurisdiction_id provided was not found."))
    return jurisdiction.city


def _in_city(qs, city, path: str):
    if city is None:
        return qs
    return qs.filter(**{f"{path}street__district__city": city})


def _services():
    return (
        Category.objects.filter(is_active=True)
        .filter(Q(parent__isnull=False) | Q(children__isnull=True))
        .select_related("parent").distinct().order_by("parent__order", "order", "code")
    )


def _service_row(category) -> dict:
    group = category.parent.name if category.parent_id else category.name
    return {
        "service_code": category.code,
        "service_name": str(category),
        "description": category.description or str(category),
        "metadata": True,
        "type": "realtime",
        "keywords": category.name,
        "group": group,
    }


def _parse_when(value: str, *, end: bool = False) -> datetime.datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        parsed = datetime.datetime.combine(day, datetime.time.max if end else datetime.time.min)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


# ----------------------------------------------------------------------------- views


@require_GET
@_handle
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311-root")).rstrip("/")
    payload = {
        "changeset": CHANGESET,
        "contact": _("Contact the community office of your compound, or call 12345."),
        "key_service": _("API keys are issued by the platform administrator."),
        "endpoints": [{
            "specification": SPEC_URL,
            "url": base,
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }
    return _respond(fmt, payload, root="discovery")


@require_GET
@_handle
def service_list(request, fmt):
    _jurisdiction(request)
    rows = [_service_row(c) for c in _services()]
    return _respond(fmt, rows, root="services", item="service")


@require_GET
@_handle
def service_definition(request, code, fmt):
    city = _jurisdiction(request)
    category = _services().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("service_code provided was not found."))
    compounds = _in_city(Compound.objects.all(), city, "community__").order_by("name")
    payload = {
        "service_code": category.code,
        "attributes": [{
            "variable": True,
            "code": "compound",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _(
                "The compound of the problem; required when neither lat/long nor "
                "address_string locate a registered compound."
            ),
            "order": 1,
            "description": _("Compound"),
            "values": [{"key": str(c.pk), "name": c.name} for c in compounds],
        }],
    }
    return _respond(fmt, payload, root="service_definition")


def _public_notes(c: Complaint) -> str:
    """What staff made of the request, in words the portal writes itself: never the
    reporter's text nor a staff reason that may name another request's tracking code."""
    if c.status == Status.REJECTED:
        return _("Not accepted: %(kind)s") % {"kind": c.get_rejection_kind_display()}
    if c.status in (Status.RESOLVED, Status.CLOSED):
        return str(c.get_status_display())
    return ""


def _request_row(c: Complaint) -> dict:
    """The public record of a request (issue 16 item 4): category, status, dates and the
    compound — no description, no address typed below the compound, no exact position."""
    closed = c.status in CLOSED_STATUSES
    agency = ""
    if c.handler_kind == HandlerKind.FIRM and c.handler_firm_id:
        agency = c.handler_firm.name
    elif c.handler_kind:
        agency = c.compound.community.name
    lat, lon = c.compound.latitude, c.compound.longitude
    return {
        "service_request_id": str(c.pk),
        "status": "closed" if closed else "open",
        "status_notes": _public_notes(c),
        "service_name": str(c.category),
        "service_code": c.category.code,
        "agency_responsible": agency,
        "service_notice": "",
        "requested_datetime": _w3c(c.received_at),
        "updated_datetime": _w3c(c.updated_at),
        "expected_datetime": _w3c(c.resolve_deadline),
        "address": c.compound.address or c.compound.name,
        "address_id": str(c.compound_id),
        "zipcode": "",
        "lat": float(lat) if lat is not None else None,
        "long": float(lon) if lon is not None else None,
        "media_url": "",
    }


def _read_limited(request) -> None:
    """Anonymous reads are rate limited per client address (behind the proxy)."""
    if not ratelimit.hit("open311_read_ip", ratelimit.client_ip(request)):
        raise Open311Error(429, _("Too many requests. Please try again later."))


def _request_queryset(city):
    qs = Complaint.objects.select_related(
        "category__parent", "compound__community", "building", "handler_firm"
    )
    return _in_city(qs, city, "compound__community__")


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_handle
def requests_view(request, fmt):
    if request.method == "POST":
        return _create_request(request, fmt)
    _read_limited(request)
    city = _jurisdiction(request)
    start, end = _date_range(request)
    # Listed ids too stay inside the date window (at most 90 days).
    qs = _request_queryset(city).filter(received_at__gte=start, received_at__lte=end)
    ids = _param(request, "service_request_id")
    if ids:
        wanted = [int(i) for i in (part.strip() for part in ids.split(",")[:MAX_IDS])
                  if i.isdecimal() and len(i) <= 18]
        rows = [_request_row(c) for c in qs.filter(pk__in=wanted).order_by("-received_at")]
        return _respond(fmt, rows, root="service_requests", item="request")
    codes = [c.strip() for c in _param(request, "service_code").split(",") if c.strip()]
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = [s.strip() for s in _param(request, "status").split(",") if s.strip()]
    if statuses:
        if not set(statuses) <= {"open", "closed"}:
            raise Open311Error(400, _("status must be open or closed."))
        if statuses == ["open"]:
            qs = qs.exclude(status__in=CLOSED_STATUSES)
        elif statuses == ["closed"]:
            qs = qs.filter(status__in=CLOSED_STATUSES)
    rows = [_request_row(c) for c in qs.order_by("-received_at", "-id")[:MAX_RESULTS]]
    return _respond(fmt, rows, root="service_requests", item="request")


def _date_range(request):
    raw_start, raw_end = _param(request, "start_date"), _param(request, "end_date")
    try:
        start = _parse_when(raw_start) if raw_start else None
        end = _parse_when(raw_end, end=True) if raw_end else None
    except ValueError:
        raise Open311Error(
            400,
            _("start_date and end_date must be w3 format dates, e.g. 2026-11-01T00:00:00+08:00."),
        ) from None
    if start is None and end is None:
        end = timezone.now()
        start = end - MAX_RANGE
    elif start is None:
        start = end - MAX_RANGE
    elif end is None:
        end = min(start + MAX_RANGE, max(timezone.now(), start))
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > MAX_RANGE:
        raise Open311Error(400, _("The date range may not exceed 90 days."))
    return start, end


@require_GET
@_handle
def request_detail(request, request_id, fmt):
    _read_limited(request)
    city = _jurisdiction(request)
    complaint = None
    if request_id.isdecimal() and len(request_id) <= 18:
        complaint = _request_queryset(city).filter(pk=int(request_id)).first()
    if complaint is None:
        raise Open311Error(404, _("service_request_id provided was not found."))
    return _respond(fmt, [_request_row(complaint)], root="service_requests", item="request")


# ----------------------------------------------------------------------------- POST


def _match_radius_m() -> float:
    return float(getattr(settings, "OPEN311_MATCH_RADIUS_METERS", 500))


def _distance_m(lat1, lon1, lat2, lon2) -> float:
    r = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _compound_near(lat: float, lon: float, compounds):
    """The nearest registered compound within the match radius, or None."""
    radius = _match_radius_m()
    dlat = radius / 111_000
    dlon = radius / (111_000 * max(math.cos(math.radians(lat)), 0.01))
    nearby = compounds.filter(
        latitude__gte=lat - dlat, latitude__lte=lat + dlat,
        longitude__gte=lon - dlon, longitude__lte=lon + dlon,
    )
    best = None
    for compound in nearby:
        distance = _distance_m(lat, lon, float(compound.latitude), float(compound.longitude))
        if distance <= radius and (best is None or distance < best[0]):
            best = (distance, compound)
    return best[1] if best else None


def _compound_by_address(text: str, compounds):
    """A compound whose name appears in the address (the longest such name)."""
    found = [c for c in compounds.only("id", "name") if c.name and c.name in text]
    if not found:
        return None
    return max(found, key=lambda c: len(c.name))


def _locate(request, city):
    compounds = _in_city(Compound.objects.all(), city, "community__")
    attribute = _param(request, "attribute[compound]")
    if attribute:
        compound = compounds.filter(pk=int(attribute)).first() if attribute.isdigit() else None
        if compound is None:
            raise Open311Error(400, _("attribute[compound] is not a registered compound."))
        return compound, None, None
    raw_lat, raw_long = _param(request, "lat"), _param(request, "long")
    if raw_lat or raw_long:
        try:
            lat, lon = Decimal(raw_lat), Decimal(raw_long)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise Open311Error(400, _("lat and long must be WGS-84 decimal degrees.")) from None
        compound = _compound_near(float(lat), float(lon), compounds)
        if compound is None:
            raise Open311Error(400, _("The location is not inside a registered compound."))
        return compound, lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001"))
    address = _param(request, "address_string")
    if address:
        compound = _compound_by_address(address, compounds)
        if compound is None:
            raise Open311Error(400, _("The address does not name a registered compound."))
        return compound, None, None
    raise Open311Error(
        400, _("A location is required: lat and long, address_string or attribute[compound].")
    )


def _create_request(request, fmt):
    key_text = _param(request, "api_key")
    api_key = Open311ApiKey.objects.filter(key=key_text, is_active=True).first() \
        if key_text else None
    if api_key is None:
        raise Open311Error(403, _("Invalid api_key received -- can't proceed with create_request."))
    if not ratelimit.hit("open311_key", str(api_key.pk)):
        raise Open311Error(429, _("Too many requests with this api_key; try again later."))
    city = _jurisdiction(request)
    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = _services().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("service_code provided was not found."))
    compound, lat, lon = _locate(request, city)
    phone = _param(request, "phone")
    if not phone or not is_valid_phone(phone):
        raise Open311Error(400, _("phone must be a valid mainland mobile or landline number."))
    description = _param(request, "description")
    if not description:
        raise Open311Error(400, _("description was not provided."))
    if len(description) > 1000:
        raise Open311Error(400, _("description may be at most 1,000 characters."))
    name = (_param(request, "last_name") + _param(request, "first_name"))[:30]
    try:
        complaint = services.complaint_create(
            compound=compound, category=category, description=description,
            reporter_name=name, reporter_phone=phone, channel=Channel.OPEN311,
            address_string=_param(request, "address_string")[:200], latitude=lat,
            longitude=lon, open311_client=api_key,
        )
    except ApplicationError as exc:
        raise Open311Error(400, str(exc.message)) from None
    except ValidationError as exc:
        raise Open311Error(400, "; ".join(exc.messages)) from None
    notice = _(
        "Received. Tracking code %(code)s: the resident can follow it at /complaints/track/ "
        "with the last four digits of the phone number."
    ) % {"code": complaint.tracking_code}
    payload = [{"service_request_id": str(complaint.pk), "service_notice": notice,
                "account_id": None}]
    return _respond(fmt, payload, root="service_requests", item="request", status=201)
