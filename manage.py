#!/usr/bin/env python
"""Django's command-line utility, with one-line messages for a database that is wrong or down."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        sys.exit(f"配置错误 / configuration error: {exc}")
    except OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        sys.exit(
            "无法连接数据库 / cannot reach the database "
            f"({_database_location()}): {first_line}"
        )


def _database_location() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "SQLite db.sqlite3"
    # Never print a password: keep scheme, host, port and name only.
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


if __name__ == "__main__":
    main()
