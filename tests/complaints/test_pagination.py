"""Keyset pages of the workbench and the API complaint list: every row exactly once
(ties on received_at included), filters kept in the page links, a bad cursor is never a
500, the query count does not depend on the page or the number of complaints, the
compound search stays within the user's scope, and the export is the whole queue."""

import datetime
import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from complaints.deadlines import deadlines_for
from complaints.models import Complaint, Status
from complaints.pagination import QUEUE_PAGE_SIZE, decode_cursor, encode_cursor

from .conftest import make_complaint

pytestmark = pytest.mark.django_db

QUEUE = "/staff/complaints/"
API = "/api/v1/complaints/"


def _bulk(w, count, *, compound="A1a-c-p", prefix="K", distinct_times=7):
    """``count`` complaints over only ``distinct_times`` receipt times: many ties."""
    base = timezone.now().replace(microsecond=123456) - datetime.timedelta(days=3)
    category = w.categories["noise"]
    rows = []
    for i in range(count):
        received = base - datetime.timedelta(minutes=i % distinct_times)
        respond_by, resolve_by = deadlines_for(category=category, received_at=received)
        rows.append(Complaint(
            tracking_code=f"{prefix}{i:07d}", compound=w.compounds[compound],
            category=category, description="分页测试诉求", reporter_name="王芳",
            reporter_phone="13912345678", received_at=received, response_deadline=respond_by,
            resolve_deadline=resolve_by,
            status=Status.ACCEPTED if i % 3 == 0 else Status.SUBMITTED,
        ))
    Complaint.objects.bulk_create(rows, batch_size=500)


_ROW = re.compile(r'<a href="/staff/complaints/(\d+)/">')


def _link(body, rel):
    match = re.search(rf'<a href="\?([^"]*)" rel="{rel}">', body)
    return html.unescape(match.group(1)) if match else None


def _walk_queue(client, query=""):
    pages, query_string = [], query
    while True:
        response = client.get(f"{QUEUE}?{query_string}")
        assert response.status_code == 200
        body = response.content.decode()
        pages.append((query_string, [int(pk) for pk in _ROW.findall(body)], body))
        query_string = _link(body, "next")
        if query_string is None:
            return pages
        assert len(pages) < 100


def _expected(qs):
    return list(qs.order_by("-received_at", "-id").values_list("pk", flat=True))


def test_cursor_round_trip():
    complaint = Complaint(pk=42, received_at=datetime.datetime(
        2026, 3, 1, 8, 30, 0, 654321, tzinfo=datetime.UTC))
    assert decode_cursor(encode_cursor(complaint)) == (complaint.received_at, 42)
    for bad in ("", "x", "1.2.3", "-5.1", "1." + "9" * 19, "9" * 18 + ".1", "1.-1",
                "١٢.٣", "1.1\n"):
        assert decode_cursor(bad) is None, bad


def test_workbench_walks_every_row_once_forward_and_back(client, cw):
    _bulk(cw, 3 * QUEUE_PAGE_SIZE + 7)
    client.force_login(cw.users["community_staff"])
    pages = _walk_queue(client)
    walked = [pk for _q, rows, _b in pages for pk in rows]
    assert walked == _expected(Complaint.objects.all())
    assert [len(rows) for _q, rows, _b in pages] == [QUEUE_PAGE_SIZE] * 3 + [7]
    assert _link(pages[0][2], "prev") is None
    # Back from the last page through the "newer" links: the same pages, in reverse.
    body, back = pages[-1][2], []
    while (query := _link(body, "prev")) is not None:
        body = client.get(f"{QUEUE}?{query}").content.decode()
        back.append([int(pk) for pk in _ROW.findall(body)])
    assert back == [rows for _q, rows, _b in pages[:-1]][::-1]
    assert not re.search(r"Page \d+ of|第 ?\d+ ?页", body)  # no total anywhere


def test_workbench_links_keep_the_filters(client, cw):
    _bulk(cw, 2 * QUEUE_PAGE_SIZE + 3)
    _bulk(cw, 10, compound="A1b-c-p", prefix="L")
    client.force_login(cw.users["street_staff"])
    pages = _walk_queue(client, "status=submitted&compound=A1a-c&q=分页")
    for query, _rows, body in pages[1:]:
        assert "status=submitted" in query and "compound=A1a-c" in query and "q=" in query
        assert "after=" in query
        # The export link carries the filters but not the page position.
        export = re.search(r'href="/staff/complaints/export.xlsx\?([^"]*)"', body).group(1)
        assert "status=submitted" in html.unescape(export) and "after=" not in export
    walked = [pk for _q, rows, _b in pages for pk in rows]
    assert walked == _expected(Complaint.objects.filter(
        status=Status.SUBMITTED, compound__name="A1a-c-p"))


@pytest.mark.parametrize(("cursor", "warned"), [
    ("after=garbage", True), ("before=1.2.3", True), ("after=" + "9" * 18 + ".1", True),
    ("after=1." + "9" * 19, True), ("after=١٢.٣", True),  # NUL: a 400 (issue 16)
    ("after=1.1&before=x", True), ("before=", False),
    ("before=9000000000000000.1", False),  # newer than everything: the first page
    ("after=9000000000000000.1", False),  # older than a date in 2255: the first rows
])
def test_workbench_bad_cursor_shows_the_first_page(client, cw, cursor, warned):
    _bulk(cw, QUEUE_PAGE_SIZE + 5)
    client.force_login(cw.users["community_staff"])
    response = client.get(f"{QUEUE}?{cursor}")
    assert response.status_code == 200
    body = response.content.decode()
    assert [int(pk) for pk in _ROW.findall(body)] == _expected(
        Complaint.objects.all())[:QUEUE_PAGE_SIZE]
    assert ("链接无效" in body) == warned


def test_workbench_cursor_past_the_end_is_an_empty_page_with_a_way_back(client, cw):
    _bulk(cw, 5)
    client.force_login(cw.users["community_staff"])
    body = client.get(f"{QUEUE}?after=1.1").content.decode()
    assert _ROW.findall(body) == [] and _link(body, "prev") == ""


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["community_staff", "firm_staff", "superuser"])
def test_query_count_is_the_same_on_any_page_and_any_size(client, cw, role):
    client.force_login(cw.users[role])
    counts = []
    for size in (2 * QUEUE_PAGE_SIZE + 1, 20 * QUEUE_PAGE_SIZE):
        Complaint.objects.all().delete()
        _bulk(cw, size)
        first = client.get(QUEUE).content.decode()
        second = _link(first, "next") or "after=1.1"
        counts.append((_queries(client, QUEUE), _queries(client, f"{QUEUE}?{second}"),
                       _queries(client, f"{QUEUE}?compound=A1a&status=submitted"),
                       _queries(client, API)))
    assert counts[0] == counts[1]
    assert counts[0][0] == counts[0][1]


def test_compound_search_stays_in_scope(client, cw):
    mine = make_complaint(cw, description="本社区的诉求")
    theirs = make_complaint(cw, compound="B1a-c-p", description="别的城市的诉求")
    client.force_login(cw.users["community_staff"])
    by_name = client.get(QUEUE, {"compound": "a-c-p"}).content.decode()
    assert mine.tracking_code in by_name and theirs.tracking_code not in by_name
    for value in ("B1a", str(cw.compounds["B1a-c-p"].pk)):
        body = client.get(QUEUE, {"compound": value}).content.decode()
        assert theirs.tracking_code not in body and mine.tracking_code not in body
        assert "B1a-c-p" not in body and "别的城市" not in body
    # The old numeric id still works for a compound in scope.
    body = client.get(QUEUE, {"compound": cw.compounds["A1a-c-p"].pk}).content.decode()
    assert mine.tracking_code in body
    # The page no longer lists every compound of the scope.
    assert "<select name=\"compound\"" not in by_name
    client.force_login(cw.users["superuser"])
    body = client.get(QUEUE, {"compound": "B1A"}).content.decode()
    assert theirs.tracking_code in body and mine.tracking_code not in body


def test_export_is_the_whole_filtered_queue(client, cw):
    _bulk(cw, 2 * QUEUE_PAGE_SIZE + 3)
    client.force_login(cw.users["community_staff"])
    response = client.get("/staff/complaints/export.xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 1 + 2 * QUEUE_PAGE_SIZE + 3
    response = client.get("/staff/complaints/export.xlsx", {"status": "accepted"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 1 + Complaint.objects.filter(status=Status.ACCEPTED).count()


# ----------------------------------------------------------------------------- API


def test_api_walks_every_row_once_forward_and_back(client, cw):
    _bulk(cw, 130)
    client.force_login(cw.users["community_staff"])
    url, pages = API, []
    while url:
        data = client.get(url).json()
        assert "count" not in data
        pages.append(data)
        url = data["next"]
    walked = [row["id"] for page in pages for row in page["results"]]
    assert walked == _expected(Complaint.objects.all())
    assert [len(p["results"]) for p in pages] == [50, 50, 30]
    back = client.get(pages[-1]["previous"]).json()
    assert [row["id"] for row in back["results"]] == [r["id"] for r in pages[1]["results"]]


def test_api_cursor_keeps_the_filters(client, cw):
    _bulk(cw, 130)
    client.force_login(cw.users["community_staff"])
    url, walked = f"{API}?status=submitted", []
    while url:
        data = client.get(url).json()
        walked += [row["id"] for row in data["results"]]
        url = data["next"]
        assert url is None or "status=submitted" in url
    assert walked == _expected(Complaint.objects.filter(status=Status.SUBMITTED))


@pytest.mark.parametrize("cursor", ["garbage", "cD1hYmM=",  # p=abc
                                    "cD0yMDI2LTAxLTAxVDAwOjAwOjAwLTE3OjA1",  # offset -17:05
                                    "bz0tMQ==", "cj14"])  # o=-1, r=x
def test_api_bad_cursor_is_a_structured_client_error(client, cw, cursor):
    make_complaint(cw)
    client.force_login(cw.users["community_staff"])
    response = client.get(API, {"cursor": cursor})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"} and list(error["fields"]) == ["cursor"]
    assert error["message"] == "翻页链接无效，请从第一页重新开始。"
