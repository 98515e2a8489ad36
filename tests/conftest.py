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


@pytest.fixture(autouse=True, scope="session")
def _celery_eager_by_default():
    """Tasks run in-process unless a test asks for the real worker (``celery_worker``)."""
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture
def celery_worker(transactional_db, redis_url):
    """A real Celery worker process on the Redis broker, using the test database.

    The test's data must be committed (``transactional_db``) for the worker to see it.
    The worker listens on a queue of its own (``worker.queue``; send with
    ``task.apply_async(queue=worker.queue)``), so parallel test processes, each with its
    own test database, never take each other's tasks.
    """
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.db import connection

    from config.celery import app

    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker:
        require_service("this test needs a Celery broker (set CELERY_BROKER_URL)")
    if connection.vendor != "postgresql":
        require_service("a worker process needs the shared PostgreSQL test database")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue,
         "-n", f"{queue}@%h", "--loglevel=WARNING"],
        cwd=Path(__file__).resolve().parent.parent, env=env,
    )
    worker.queue = queue
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"{queue}@{socket.gethostname()}"],
                                   timeout=1):
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start")
        app.conf.task_always_eager = False
        yield worker
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


@pytest.fixture(autouse=True)
def _private_redis_cache(settings, worker_id):
    """Each parallel test process gets a Redis database of its own for the cache: a test
    that clears the cache (FLUSHDB) must not wipe another process's rate-limit counters."""
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("RedisCache") and worker_id.startswith("gw"):
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(cache["LOCATION"])
        database = 10 + int(worker_id.removeprefix("gw"))
        settings.CACHES = {
            "default": {**cache, "LOCATION": urlunsplit(parts._replace(path=f"/{database}"))}
        }


@pytest.fixture(autouse=True)
def _dashboard_summaries_uncached(settings):
    """Tests see their own data at once (tests/communities/test_dashboard_cache.py turns
    the cache on)."""
    settings.DASHBOARD_SUMMARY_SECONDS = 0


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


@pytest.fixture(autouse=True, scope="session")
def _official_calendar_survives_flushes():
    """A test that flushes the database (``transactional_db``, the live server) would
    leave the official calendar empty for the tests after it: its flush ends with
    ``post_migrate``, which puts the migration's seed back."""
    from django.db.models.signals import post_migrate

    from communities.official_calendar import calendar_seed_from_package

    def reseed(sender, **kwargs):
        if sender.name == "communities":
            calendar_seed_from_package()

    post_migrate.connect(reseed, weak=False, dispatch_uid="tests-official-calendar")
    yield
    post_migrate.disconnect(dispatch_uid="tests-official-calendar")


@pytest.fixture(autouse=True)
def _official_calendar():
    """Each test reads the official calendar afresh: a rolled-back import must not stay
    in the cache."""
    from communities.official_calendar import forget_cached_calendar

    forget_cached_calendar()
    yield
    forget_cached_calendar()
