from django.core.management.base import BaseCommand
from django.db import transaction

from demo.seeders import SEEDERS


class Command(BaseCommand):
    help = "Load the demo data of the seed article (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for seeder in SEEDERS:
                seeder(lambda message: self.stdout.write(f"  {message}"))
        self.stdout.write(self.style.SUCCESS("demo data loaded"))
