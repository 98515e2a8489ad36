from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from demo.accounts import demo_accounts


class Command(BaseCommand):
    help = "Create one demo login per role and print the names and passwords (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "演示账号只能在调试模式下创建 / demo accounts are refused when DEBUG is off."
            )
        password = settings.DEMO_PASSWORD
        User = get_user_model()
        admin, _ = User.objects.get_or_create(username="demo_admin")
        admin.first_name = "平台管理员"
        admin.is_staff = admin.is_superuser = True
        admin.set_password(password)
        admin.save()
        rows = [("demo_admin", "平台管理员", "superuser", "—")]
        rows += demo_accounts(password)
        self.stdout.write(f"演示账号 / demo accounts (password for all: {password})")
        for username, full_name, role, node in rows:
            self.stdout.write(f"  {username:<16} {full_name:<8} {role:<20} {node}")
