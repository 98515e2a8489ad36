"""Open311 GeoReport v2: discovery, services, service definitions, requests GET/POST,
one request — in XML and JSON, with the specification's fields and error bodies."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints.models import Complaint, Open311ApiKey, Open311Jurisdiction

from .conftest import PHONE, advance, make_complaint

pytestmark = pytest.mark.django_db

REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
    "long", "media_url",
}


@pytest.fixture
def o311(cw):
    compound = cw.compounds["A1a-c-p"]
    compound.latitude, compound.longitude = Decimal("34.910000"), Decimal("108.940000")
    compound.save()
    cw.api_key = Open311ApiKey.objects.create(name="12345 平台")
    Open311Jurisdiction.objects.create(city=cw.cities["A"], jurisdiction_id="a.gov.cn")
    return cw


def _errors_json(response, code):
    assert response.status_code == code
    body = response.json()
    assert isinstance(body, list) and body[0]["code"] == code
    assert set(body[0]) == {"code", "description"} and body[0]["description"]
    return body[0]["description"]


def test_discovery(client, o311):
    data = client.get("/open311/v2/discovery.json").json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(data)
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = ET.fromstring(client.get("/open311/v2/discovery.xml").content)
    assert root.tag == "discovery" and root.find("endpoints/endpoint/url") is not None
    assert client.get("/open311/v2/").status_code == 200


def test_service_list_json_and_xml(client, o311):
    services = client.get("/open311/v2/services.json").json()
    codes = {s["service_code"] for s in services}
    assert codes == {"repair-elevator", "noise"}  # leaf categories only
    row = next(s for s in services if s["service_code"] == "repair-elevator")
    assert set(row) == {"service_code", "service_name", "description", "metadata", "type",
                        "keywords", "group"}
    assert row["metadata"] is True and row["type"] == "realtime" and row["group"] == "设施维修"
    response = client.get("/open311/v2/services.xml")
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(response.content)
    assert root.tag == "services"
    assert {s.findtext("service_code") for s in root.findall("service")} == codes
    assert root.find("service/metadata").text == "true"


def test_service_definition_lists_compounds_of_the_jurisdiction(client, o311):
    data = client.get("/open311/v2/services/noise.json",
                      {"jurisdiction_id": "a.gov.cn"}).json()
    attribute = data["attributes"][0]
    assert data["service_code"] == "noise"
    assert {"variable", "code", "datatype", "required", "datatype_description", "order",
            "description", "values"} == set(attribute)
    assert attribute["datatype"] == "singlevaluelist" and attribute["code"] == "compound"
    names = {v["name"] for v in attribute["values"]}
    assert names == {"A1a-c-p", "A1b-c-p", "A2a-c-p"}  # city B is another jurisdiction
    root = ET.fromstring(client.get("/open311/v2/services/noise.xml").content)
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/values/value/key") is not None
    _errors_json(client.get("/open311/v2/services/nope.json"), 404)
    _errors_json(client.get("/open311/v2/services/noise.json", {"jurisdiction_id": "x"}), 404)


def test_requests_get_fields_statuses_and_filters(client, o311):
    open_one = make_complaint(o311)
    closed_one = advance(o311, make_complaint(o311, category="noise"), "rejected")
    rows = client.get("/open311/v2/requests.json").json()
    assert {r["service_request_id"] for r in rows} == {str(open_one.pk), str(closed_one.pk)}
    row = next(r for r in rows if r["service_request_id"] == str(open_one.pk))
    assert set(row) == REQUEST_FIELDS
    assert row["status"] == "open" and row["service_code"] == "repair-elevator"
    assert row["expected_datetime"] == timezone.localtime(
        open_one.resolve_deadline).isoformat(timespec="seconds")
    assert row["expected_datetime"].endswith("+08:00")
    assert (row["lat"], row["long"]) == (34.91, 108.94)
    assert PHONE not in str(rows) and "王芳" not in str(rows)
    closed = next(r for r in rows if r["service_request_id"] == str(closed_one.pk))
    # Staff's own wording is not published, only what the portal says of the outcome.
    assert closed["status"] == "closed" and closed["status_notes"] == "未受理：无效诉求"

    def ids(params):
        return {r["service_request_id"] for r in
                client.get("/open311/v2/requests.json", params).json()}

    assert ids({"status": "open"}) == {str(open_one.pk)}
    assert ids({"status": "closed"}) == {str(closed_one.pk)}
    assert ids({"service_code": "noise"}) == {str(closed_one.pk)}
    assert ids({"service_request_id": f"{open_one.pk},999999"}) == {str(open_one.pk)}
    assert ids({"jurisdiction_id": "a.gov.cn"}) == {str(open_one.pk), str(closed_one.pk)}
    # Default window: the last 90 days.
    Complaint.objects.filter(pk=closed_one.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=100))
    assert ids({}) == {str(open_one.pk)}
    root = ET.fromstring(client.get("/open311/v2/requests.xml").content)
    assert root.tag == "service_requests"
    assert {c.tag for c in root.find("request")} == REQUEST_FIELDS


@pytest.mark.parametrize(
    "params",
    [{"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"},
     {"start_date": "yesterday"}, {"status": "pending"},
     {"start_date": "2026-06-01", "end_date": "2026-05-01"}],
)
def test_requests_get_errors(client, o311, params):
    _errors_json(client.get("/open311/v2/requests.json", params), 400)
    root = ET.fromstring(client.get("/open311/v2/requests.xml", params).content)
    assert root.tag == "errors" and root.find("error/code").text == "400"
    assert root.find("error/description").text


def test_one_request_and_unknown_ids(client, o311):
    complaint = make_complaint(o311)
    rows = client.get(f"/open311/v2/requests/{complaint.pk}.json").json()
    assert len(rows) == 1 and rows[0]["service_request_id"] == str(complaint.pk)
    root = ET.fromstring(client.get(f"/open311/v2/requests/{complaint.pk}.xml").content)
    assert root.find("request/service_request_id").text == str(complaint.pk)
    _errors_json(client.get("/open311/v2/requests/999999.json"), 404)
    _errors_json(client.get(f"/open311/v2/requests/{complaint.tracking_code}.json"), 404)
    assert client.get(f"/open311/v2/requests/{complaint.pk}.csv").status_code == 404


def _create(client, w, **params):
    data = {"api_key": w.api_key.key, "service_code": "noise", "phone": PHONE,
            "description": "夜间有人在楼下喧哗", "first_name": "伟", "last_name": "张"}
    data.update(params)
    return client.post("/open311/v2/requests.json", data)


@pytest.mark.parametrize(
    "location",
    [{"lat": "34.9105", "long": "108.9402"}, {"address_string": "A 市 A1a-c-p 3 号楼"},
     {"attribute[compound]": "{pk}"}],
)
def test_post_creates_a_request_located_in_a_compound(client, o311, location):
    location = {k: v.format(pk=o311.compounds["A1a-c-p"].pk) for k, v in location.items()}
    response = _create(client, o311, **location)
    assert response.status_code == 201
    body = response.json()
    assert set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    complaint = Complaint.objects.get(pk=int(body[0]["service_request_id"]))
    assert complaint.compound == o311.compounds["A1a-c-p"]
    assert complaint.channel == "open311" and complaint.open311_client == o311.api_key
    assert complaint.reporter_name == "张伟"
    assert complaint.tracking_code in body[0]["service_notice"]


def test_post_xml_answer(client, o311):
    response = client.post("/open311/v2/requests.xml", {
        "api_key": o311.api_key.key, "service_code": "noise", "phone": PHONE,
        "description": "夜间有人在楼下喧哗", "attribute[compound]": o311.compounds["A1a-c-p"].pk,
    })
    assert response.status_code == 201
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests" and root.find("request/service_request_id").text


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"api_key": ""}, 403),
        ({"api_key": "wrong"}, 403),
        ({"service_code": ""}, 400),
        ({"service_code": "nope"}, 404),
        ({}, 400),  # no location at all
        ({"lat": "30.0", "long": "100.0"}, 400),  # far from every compound
        ({"lat": "north", "long": "108.94"}, 400),
        ({"address_string": "没有这个小区"}, 400),
        ({"attribute[compound]": "999999"}, 400),
        ({"attribute[compound]": "{pk}", "phone": "12345"}, 400),
        ({"attribute[compound]": "{pk}", "description": ""}, 400),
        ({"attribute[compound]": "{pk}", "description": "长" * 1001}, 400),
        ({"attribute[compound]": "{pk}", "jurisdiction_id": "nowhere"}, 404),
    ],
)
def test_post_errors(client, o311, params, code):
    params = {k: v.format(pk=o311.compounds["A1a-c-p"].pk) for k, v in params.items()}
    _errors_json(_create(client, o311, **params), code)
    assert Complaint.objects.count() == 0


def test_inactive_key_is_refused(client, o311):
    Open311ApiKey.objects.update(is_active=False)
    _errors_json(_create(client, o311, **{"attribute[compound]": str(
        o311.compounds["A1a-c-p"].pk)}), 403)
