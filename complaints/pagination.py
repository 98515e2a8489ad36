"""Pagination of complaint lists without a total count.

Both the staff workbench and the API list are ordered newest first on
(received_at, id). Counting every complaint in the user's scope for page numbers
(``COUNT(*)``, 65 ms over 515 k rows) made them grow with the city, so they page by
keyset instead: a page is "the next 25 rows older (or newer) than this row", one
``LIMIT`` query on the ``received_at`` index whatever the number of complaints.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

QUEUE_PAGE_SIZE = 25
OLDER, NEWER = "after", "before"  # query parameters of the workbench's page links

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_CURSOR = re.compile(r"([0-9]{1,17})\.([0-9]{1,18})")
_MAX_ID = 2**63 - 1


def encode_cursor(complaint) -> str:
    """``<microseconds since 1970 UTC>.<id>`` of a row: URL-safe, exact, not secret (a
    forged one only moves the starting point; the queryset stays the user's scope)."""
    micros = (complaint.received_at - _EPOCH) // datetime.timedelta(microseconds=1)
    return f"{micros}.{complaint.pk}"


def decode_cursor(value: str) -> tuple[datetime.datetime, int] | None:
    match = _CURSOR.fullmatch(value or "")
    if not match:
        return None
    pk = int(match.group(2))
    try:
        moment = _EPOCH + datetime.timedelta(microseconds=int(match.group(1)))
    except OverflowError:
        return None
    if pk > _MAX_ID or moment.year > 9000:
        return None
    return moment, pk


def _older_q(moment, pk) -> Q:
    # The redundant ``received_at <= moment`` is the index condition; the OR settles ties.
    return Q(received_at__lte=moment) & (Q(received_at__lt=moment) | Q(id__lt=pk))


def _newer_q(moment, pk) -> Q:
    return Q(received_at__gte=moment) & (Q(received_at__gt=moment) | Q(id__gt=pk))


@dataclass
class KeysetPage:
    object_list: list
    has_older: bool = False
    has_newer: bool = False
    older_query: str = ""
    newer_query: str = ""
    cursor_invalid: bool = False
    filter_query: str = ""

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.has_older or self.has_newer


def filter_params(params) -> list[tuple[str, str]]:
    """The request's query parameters without the page cursor, in order."""
    return [(key, value) for key, values in params.lists() if key not in (OLDER, NEWER)
            for value in values]


def keyset_page(queryset: QuerySet, params, *, size: int = QUEUE_PAGE_SIZE) -> KeysetPage:
    """One page of ``queryset`` (ordered by -received_at, -id) from the ``after`` (older
    than) or ``before`` (newer than) cursor in ``params``. A cursor that cannot be read
    gives the first page with ``cursor_invalid`` set; at most two queries."""
    kept = filter_params(params)
    raw_before, raw_after = params.get(NEWER), params.get(OLDER)
    raw = raw_before or raw_after
    cursor = decode_cursor(raw) if raw else None
    invalid = bool(raw) and cursor is None
    rows, has_older, has_newer = None, False, False
    if cursor and raw_before:
        newer = list(queryset.filter(_newer_q(*cursor)).order_by("received_at", "id")[:size + 1])
        if len(newer) > size:
            rows, has_older, has_newer = newer[:size][::-1], True, True
        # Otherwise fewer than a page is newer: show the first page instead.
    elif cursor:
        older = list(queryset.filter(_older_q(*cursor))[:size + 1])
        rows, has_older, has_newer = older[:size], len(older) > size, True
    if rows is None:
        first = list(queryset[:size + 1])
        rows, has_older = first[:size], len(first) > size
    page = KeysetPage(object_list=rows, has_older=has_older, has_newer=has_newer,
                      cursor_invalid=invalid, filter_query=urlencode(kept))
    if rows and has_older:
        page.older_query = urlencode([*kept, (OLDER, encode_cursor(rows[-1]))])
    if rows and has_newer:
        page.newer_query = urlencode([*kept, (NEWER, encode_cursor(rows[0]))])
    elif has_newer:  # an empty page past the end: back to the first page
        page.newer_query = urlencode(kept)
    return page


class ComplaintCursorPagination(CursorPagination):
    """The API complaint list: newest first, ties on received_at broken by id, no count.
    A cursor that cannot be read is a 400 in the API's one error shape, not a 404."""

    ordering = ("-received_at", "-id")

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise self._invalid() from None
        if cursor is not None and cursor.position is not None:
            # Check the position here: a date PostgreSQL refuses (an offset beyond
            # ±15:59) would otherwise fail in the database and abort the transaction.
            try:
                moment = parse_datetime(cursor.position)
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None or not (
                abs(moment.utcoffset()) < datetime.timedelta(hours=16)
                and 1 < moment.year < 9000
            ):
                raise self._invalid()
        return cursor

    def _invalid(self):
        return ValidationError({self.cursor_query_param: [
            _("This page link is not valid; start again from the first page.")
        ]})
