"""Shared fixtures. Services (PostgreSQL, Redis, a Celery worker) are required when
REQUIRE_SERVICES=1 (CI): a test that needs one then fails instead of skipping."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.db import connection
from django.db.models.signals import post_migrate

from communities.official_calendar import calendar_seed_from_package, forget_cached_calendar
from config.celery import app
from tests.factories import HierarchyFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
# Fixtures that need a real service: a test using one is marked ``services``
# (``pytest -m services`` runs them, ``-m "not services"`` the rest).
SERVICE_FIXTURES = frozenset({
    "postgres", "redis_url", "redis_cache", "celery_worker", "private_redis",
    "app_on_private_broker", "workers",
})


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


def pytest_collection_modifyitems(items):
    for item in items:
        if SERVICE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.services)


def require_service(reason: str):
    """Skip locally, fail in CI: for tests that need a real service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture
def postgres(db):
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
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture
def celery_worker(transactional_db, redis_url):
    """A real Celery worker process on the Redis broker, using the test database.

    The test's data must be committed (``transactional_db``) for the worker to see it.
    The worker listens on a queue of its own (``worker.queue``; send with
    ``task.apply_async(queue=worker.queue)``), so parallel test processes, each with its
    own test database, never take each other's tasks. Its cache is its own (in memory).
    """
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker:
        require_service("this test needs a Celery broker (set CELERY_BROKER_URL)")
    if connection.vendor != "postgresql":
        require_service("a worker process needs the shared PostgreSQL test database")
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
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
def _private_cache(settings, worker_id):
    """The suite's cache is in memory, private to each test process however many xdist
    workers run: clearing it (rate-limit counters) never touches another process's keys.
    Tests about Redis itself ask for ``redis_cache``."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"tests-{worker_id}"}}


@pytest.fixture
def redis_cache(redis_url, settings, worker_id):
    """The default cache on the Redis of REDIS_URL, under a key prefix of this test
    process alone (any number of xdist workers share one Redis database); its keys are
    deleted afterwards. Never ``clear()`` it: FLUSHDB would empty the whole database."""
    prefix = f"redprop-test-{worker_id}-{os.getpid()}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": redis_url, "KEY_PREFIX": prefix}}
    cache = caches["default"]
    yield cache
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


@pytest.fixture(autouse=True)
def _dashboard_summaries_uncached(settings):
    """Tests see their own data at once (tests/communities/test_dashboard_cache.py turns
    the cache on)."""
    settings.DASHBOARD_SUMMARY_SECONDS = 0


@pytest.fixture
def world(db):
    """Two cities with the whole hierarchy and one user per role; see HierarchyFactory."""
    return HierarchyFactory.build_world()


@pytest.fixture
def root(client, world):
    """A test client logged in as the platform administrator (the admin-form tests)."""
    client.force_login(world.users["superuser"])
    return client


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
    forget_cached_calendar()
    yield
    forget_cached_calendar()
