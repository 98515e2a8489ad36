"""``python manage.py calendar_import PATH``: the official calendar of one or more years
from a CSV ``date,kind,name`` (all or nothing; a refused file exits non-zero)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from communities.official_calendar import calendar_import


class Command(BaseCommand):
    help = ("Import the official calendar (the State Council's holidays and make-up working "
            "days) from a CSV with the header date,kind,name; kind is holiday or workday.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file, UTF-8")

    def handle(self, *args, path, **options):
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(_("Cannot read %(path)s: %(reason)s")
                               % {"path": path, "reason": error.strerror}) from None
        except UnicodeDecodeError:
            raise CommandError(_("%(path)s is not UTF-8 text.") % {"path": path}) from None
        report = calendar_import(actor=None, text=text)
        if report.refused:
            for row, reason in report.errors:
                self.stderr.write(_("Row %(row)s: %(reason)s") % {"row": row, "reason": reason})
            raise CommandError(_("Nothing was imported: %(count)s rows are wrong.")
                               % {"count": len(report.errors)})
        self.stdout.write(_("Imported %(years)s: %(holidays)s holidays, %(workdays)s make-up "
                            "working days.")
                          % {"years": ", ".join(map(str, report.years)),
                             "holidays": report.holidays, "workdays": report.workdays})
