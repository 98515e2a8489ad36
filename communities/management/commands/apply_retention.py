from django.core.management.base import BaseCommand

from communities import retention


class Command(BaseCommand):
    help = ("Anonymise residents' personal data whose retention period ended "
            "(settings.RETENTION_POLICY; the same code as the nightly task).")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="only count what is due; change nothing")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        counts = retention.apply_retention(dry_run=dry_run)
        verb = "due" if dry_run else "anonymised"
        for rule in retention.rules():
            self.stdout.write(f"{rule.name}: {counts.get(rule.name, 0)} {verb} "
                              f"(kept {rule.days} days)")
