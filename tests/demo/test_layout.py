"""The demo app is a development tool: production never installs or imports it, no other
app imports it, and the synthetic city's command belongs to `bench`."""

import ast
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent.parent
APP_PACKAGES = ("bench", "communities", "complaints", "config", "core", "party_orgs",
                "properties")

PRODUCTION_PROBE = """
import sys
import django
django.setup()
import config.urls  # every page, API route and admin
from django.apps import apps
from django.core.management import get_commands
commands = get_commands()
loaded = sorted(m for m in sys.modules if m == "demo" or m.startswith("demo."))
print(apps.is_installed("demo"), loaded, commands.get("seed_demo"),
      commands.get("generate_city"))
"""


def test_production_neither_installs_nor_imports_the_demo():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.update(DJANGO_ENV="production", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="probe",
               DJANGO_SETTINGS_MODULE="config.settings",
               # What production refuses to start without; nothing here connects to them.
               DJANGO_ALLOWED_HOSTS="portal.example.gov.cn",
               DATABASE_URL="postgres://u:p@db.example:5432/rp",
               REDIS_URL="redis://cache.example:6379/1",
               CELERY_BROKER_URL="redis://cache.example:6379/2")
    result = subprocess.run([sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "[]", "None", "bench"]


def test_development_has_the_demo_commands():
    assert get_commands()["seed_demo"] == "demo"
    assert get_commands()["create_demo_users"] == "demo"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_no_app_imports_the_demo():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for package in APP_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        for name in _imported_modules(path)
        if name == "demo" or name.startswith("demo.")
    ]
    assert offenders == []
