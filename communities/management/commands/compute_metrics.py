from datetime import date

from django.core.management.base import BaseCommand, CommandError

from communities.metrics import writer as snapshots


class Command(BaseCommand):
    help = "Compute the metric snapshots synchronously (the same code as the Celery tasks)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM; default: the last 13 months")
        parser.add_argument("--dirty", action="store_true",
                            help="only the compound-months marked dirty")

    def handle(self, *args, **options):
        if options["dirty"]:
            count = snapshots.refresh_dirty()
            self.stdout.write(f"refreshed {count} compound-months")
            return
        if options["period"]:
            try:
                year, month = (int(x) for x in options["period"].split("-"))
                period = date(year, month, 1)
            except ValueError:
                raise CommandError(
                    "月份格式应为 YYYY-MM / --period must look like 2026-11"
                ) from None
            rows = snapshots.refresh_month(period=period)
            self.stdout.write(f"{period:%Y-%m}: {rows} compound rows")
            return
        for period in snapshots.refresh_recent(13):
            self.stdout.write(f"{period:%Y-%m} computed")
