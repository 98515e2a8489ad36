"""The official calendar as data: seeded from chinesecalendar, imported from a CSV all or
nothing with a row report, edited in the admin by administrators only (issue 13)."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from communities.models import AuditAction, AuditEvent, CalendarDay
from communities.official_calendar import calendar_day_save, year_imported
from core.errors import ApplicationError
from core.timeutils import is_working_day

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_every_year_the_package_knows():
    assert year_imported(2004) and year_imported(2026) and not year_imported(2027)
    assert CalendarDay.objects.get(date=datetime.date(2026, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.get(date=datetime.date(2026, 10, 10)).name == "调休上班"
    assert not is_working_day(datetime.date(2026, 10, 1))
    assert is_working_day(datetime.date(2026, 10, 10))  # a Saturday


def _write(tmp_path, text):
    path = tmp_path / "calendar.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_bad_file_imports_nothing_and_names_every_wrong_row(tmp_path, capsys):
    path = _write(tmp_path, "date,kind,name\n"
                            "2027-01-01,holiday,元旦\n"
                            "2027-13-01,holiday,春节\n"
                            "2027-02-08,rest,春节\n"
                            "2027-02-09,workday,调休上班\n"
                            "2027-01-01,holiday,元旦\n")
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("calendar_import", path)
    err = capsys.readouterr().err
    assert "第 3 行" in err and "不是日期" in err
    assert "第 4 行" in err and "类型须为" in err
    assert "第 5 行" in err and "只有周六或周日" in err
    assert "第 6 行" in err and "重复出现" in err
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert not year_imported(2027)


def test_a_wrong_header_is_refused(tmp_path):
    with pytest.raises(CommandError):
        call_command("calendar_import", _write(tmp_path, "day,type\n2027-01-01,holiday\n"))


def test_the_command_imports_a_year_and_replaces_it_when_run_again(tmp_path, capsys):
    call_command("calendar_import", _write(tmp_path, "date,kind,name\n"
                                                    "2027-01-01,holiday,元旦\n"
                                                    "2027-02-14,workday,调休上班\n"))
    assert "2027" in capsys.readouterr().out
    assert not is_working_day(datetime.date(2027, 1, 1))
    assert is_working_day(datetime.date(2027, 2, 14))
    # The corrected notice replaces the year: 14 Feb is no longer listed.
    call_command("calendar_import", _write(tmp_path, "date,kind,name\n2027-01-01,holiday,元旦\n"))
    assert not is_working_day(datetime.date(2027, 2, 14))
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("name", flat=True)) \
        == ["元旦"]
    assert AuditEvent.objects.filter(action=AuditAction.CALENDAR_CHANGED).count() == 2


def test_only_an_administrator_changes_a_day(world):
    with pytest.raises(ApplicationError):
        calendar_day_save(actor=world.users["city_official"], date=datetime.date(2026, 12, 28),
                          kind="holiday", name="测试")
    calendar_day_save(actor=world.users["superuser"], date=datetime.date(2026, 12, 28),
                      kind="holiday", name="测试")
    assert not is_working_day(datetime.date(2026, 12, 28))


def test_the_admin_edits_the_calendar_through_the_service(world, client):
    client.force_login(world.users["superuser"])
    response = client.post(reverse("admin:communities_calendarday_add"),
                           {"date": "2026-12-28", "kind": "holiday", "name": "测试假日"})
    assert response.status_code == 302
    assert not is_working_day(datetime.date(2026, 12, 28))
    event = AuditEvent.objects.get(action=AuditAction.CALENDAR_CHANGED)
    assert event.actor == world.users["superuser"]
    day = CalendarDay.objects.get(date=datetime.date(2026, 12, 28))
    response = client.post(reverse("admin:communities_calendarday_delete", args=[day.pk]),
                           {"post": "yes"})
    assert response.status_code == 302
    assert is_working_day(datetime.date(2026, 12, 28))

    client.force_login(world.users["district_official"])
    response = client.post(reverse("admin:communities_calendarday_add"),
                           {"date": "2026-12-29", "kind": "holiday", "name": "x"})
    assert response.status_code == 403
    assert is_working_day(datetime.date(2026, 12, 29))
