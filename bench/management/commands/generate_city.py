"""``manage.py generate_city --households N [--seed S]``: load a synthetic city (bench)."""

from django.core.management.base import BaseCommand, CommandError

from bench.generate import generate_city


class Command(BaseCommand):
    help = "Generate a deterministic synthetic city of N households (COPY on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--chunk", type=int, default=50_000,
                            help="Rows per COPY / INSERT batch (bounds memory).")

    def handle(self, *args, households, seed, chunk, **options):
        try:
            generate_city(households=households, seed=seed, chunk=chunk,
                          log=lambda line: self.stdout.write(line))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
