"""Resolve deadlines on the official calendar kept as data (issue 13 item 1).

2027 is not in the ``chinesecalendar`` package: until its State Council notice is
imported, a deadline that crosses it is counted Monday to Friday and marked provisional,
and officials see a banner from 1 November 2026. Importing 2027 moves the deadlines of
the open complaints that depend on it (audited)."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from communities.models import AuditAction, AuditEvent
from communities.official_calendar import calendar_import, year_imported
from complaints.deadlines import resolve_deadline

from .conftest import make_complaint

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")

CSV_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-14,workday,调休上班
2027-02-20,workday,调休上班
"""
NEW_YEARS_EVE = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=TZ)  # Thursday
DECEMBER_1 = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=TZ)


def _page(client, user, url):
    client.force_login(user)
    with mock.patch("django.utils.timezone.now", return_value=DECEMBER_1):
        return client.get(url).content.decode()


def test_with_2027_imported_new_years_day_is_not_a_working_day(cw):
    report = calendar_import(actor=cw.users["superuser"], text=CSV_2027)
    assert not report.refused and report.years == [2027]
    # 3 working days after Thu 31 Dec: Fri 1 Jan is 元旦, so Mon 4, Tue 5, Wed 6 Jan.
    complaint = make_complaint(cw, category="noise", received_at=NEW_YEARS_EVE)
    assert complaint.resolve_deadline == datetime.datetime(2027, 1, 6, 23, 59, 59, tzinfo=TZ)
    assert complaint.deadline_provisional is False


def test_spring_festival_2027_and_its_make_up_sunday(cw):
    calendar_import(actor=None, text=CSV_2027)
    # Fri 5 Feb + 3 working days: 6–12 Feb are 春节, Sat 13 rests, Sun 14 works (调休),
    # then Mon 15 and Tue 16.
    received = datetime.datetime(2027, 2, 5, 9, 0, tzinfo=TZ)
    assert resolve_deadline(received_at=received, working_days=3) == datetime.datetime(
        2027, 2, 16, 23, 59, 59, tzinfo=TZ
    )
    # Sat 20 Feb is a make-up working day too: Fri 19 + 1 working day is Sat 20.
    received = datetime.datetime(2027, 2, 19, 9, 0, tzinfo=TZ)
    assert resolve_deadline(received_at=received, working_days=1) == datetime.datetime(
        2027, 2, 20, 23, 59, 59, tzinfo=TZ
    )


def test_without_2027_the_deadline_is_provisional_shown_and_the_banner_up(cw, client):
    assert not year_imported(2027) and year_imported(2026)
    complaint = make_complaint(cw, category="noise", received_at=NEW_YEARS_EVE)
    # Monday to Friday: Fri 1, Mon 4, Tue 5 Jan — provisional.
    assert complaint.resolve_deadline == datetime.datetime(2027, 1, 5, 23, 59, 59, tzinfo=TZ)
    assert complaint.deadline_provisional is True

    # Staff see the mark on the complaint; so does the resident on the tracking page.
    staff_page = _page(client, cw.users["community_staff"],
                       reverse("complaint-detail", args=[complaint.pk]))
    assert "data-deadline-provisional" in staff_page
    client.logout()
    client.post(reverse("complaint-track"), {"code": complaint.tracking_code, "last4": "5678"})
    with mock.patch("django.utils.timezone.now", return_value=DECEMBER_1):
        track = client.get(reverse("complaint-track-detail",
                                   args=[complaint.tracking_code])).content.decode()
    assert "data-deadline-provisional" in track and "暂定" in track

    # Officials and administrators see the banner from 1 November; others do not.
    for role in ("district_official", "city_official", "street_staff", "superuser"):
        assert "2027 年法定节假日尚未导入" in _page(client, cw.users[role], reverse("staff-home"))
    assert "2027 年法定节假日尚未导入" in _page(client, cw.users["superuser"],
                                                reverse("admin:index"))
    assert "尚未导入" not in _page(client, cw.users["grid_worker"], reverse("staff-home"))
    client.force_login(cw.users["district_official"])
    with mock.patch("django.utils.timezone.now",
                    return_value=datetime.datetime(2026, 10, 31, 12, 0, tzinfo=TZ)):
        assert "尚未导入" not in client.get(reverse("staff-home")).content.decode()


def test_importing_2027_moves_the_open_complaints_deadline_and_audits_it(cw, client):
    open_one = make_complaint(cw, category="noise", received_at=NEW_YEARS_EVE)
    assert open_one.resolve_deadline.date() == datetime.date(2027, 1, 5)
    # A complaint of November that does not reach 2027 keeps its deadline.
    november = make_complaint(cw, category="noise",
                              received_at=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=TZ))
    before_november = november.resolve_deadline

    calendar_import(actor=cw.users["superuser"], text=CSV_2027)

    open_one.refresh_from_db()
    november.refresh_from_db()
    assert open_one.resolve_deadline == datetime.datetime(2027, 1, 6, 23, 59, 59, tzinfo=TZ)
    assert open_one.deadline_provisional is False
    assert november.resolve_deadline == before_november
    event = AuditEvent.objects.get(action=AuditAction.DEADLINES_RECOMPUTED)
    assert event.object_id == str(open_one.pk) and event.actor == cw.users["superuser"]
    assert event.changes["resolve_deadline"][0].startswith("2027-01-05")
    assert event.changes["resolve_deadline"][1].startswith("2027-01-06")
    assert AuditEvent.objects.filter(action=AuditAction.CALENDAR_CHANGED).count() == 1
    assert "尚未导入" not in _page(client, cw.users["district_official"],
                                   reverse("staff-home"))
    assert "data-deadline-provisional" not in _page(
        client, cw.users["community_staff"], reverse("complaint-detail", args=[open_one.pk]))
