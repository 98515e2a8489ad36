"""Shared fixtures. Services (PostgreSQL, Redis, a Celery worker) are required when
REQUIRE_SERVICES=1 (CI): a test that needs one then fails instead of skipping."""

import os
import socket
from urllib.parse import urlsplit

import pytest

from tests.factories import HierarchyFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _reachable(url: str, default_port: int) -> tuple[bool, str]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        with socket.create_connection((host, port), timeout=2):
            return True, f"{host}:{port}"
    except OSError as exc:
        return False, f"{host}:{port} ({exc.strerror or exc})"


def pytest_sessionstart(session):
    if not REQUIRE_SERVICES:
        return
    problems = []
    db_url = os.environ.get("DATABASE_URL", "")
    if not db_url.startswith(("postgres://", "postgresql://")):
        problems.append("DATABASE_URL must point at PostgreSQL")
    else:
        ok, where = _reachable(db_url, 5432)
        if not ok:
            problems.append(f"PostgreSQL is not reachable at {where}")
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        url = os.environ.get(name, "")
        if not url:
            problems.append(f"{name} is not set")
            continue
        ok, where = _reachable(url, 6379)
        if not ok:
            problems.append(f"Redis ({name}) is not reachable at {where}")
    if problems:
        pytest.exit("REQUIRE_SERVICES=1 but " + "; ".join(problems), returncode=3)


def require_service(reason: str):
    """Skip locally, fail in CI: for tests that need a real service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture
def postgres(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        require_service("this test needs PostgreSQL (set DATABASE_URL)")
    return connection


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        require_service("this test needs Redis (set REDIS_URL)")
    ok, where = _reachable(url, 6379)
    if not ok:
        require_service(f"Redis is not reachable at {where}")
    return url


@pytest.fixture
def world(db):
    """Two cities with the whole hierarchy and one user per role; see HierarchyFactory."""
    return HierarchyFactory.build_world()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
