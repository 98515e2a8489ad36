import unicodedata

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
        rows = [("demo_admin", "平台管理员", "超级管理员", "—")]
        rows += demo_accounts(password)
        self.stdout.write(f"演示账号 / demo accounts (password for all: {password})")
        for line in aligned_table([("登录名", "姓名", "角色", "范围"), *rows]):
            self.stdout.write(f"  {line}")


def display_width(text: str) -> int:
    """Columns the text takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def aligned_table(rows) -> list[str]:
    """Rows of text as lines whose columns line up, Chinese included."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join(cell + " " * (width - display_width(cell)) for cell, width in zip(
            row[:-1], widths, strict=True)) + "  " + row[-1]
        for row in rows
    ]
