"""PostgreSQL goes away and comes back under a live server.

``test_a_real_restart_under_gunicorn`` (issue 16 item 8) starts a private cluster of its
own with Debian's ``initdb``/``pg_ctl`` on a free port (the shared cluster is never
touched), migrates it, serves the portal from gunicorn on it, and stops and starts the
cluster between residents' submissions: every submission answered "received" is in the
database, none made while it was down is claimed, and the next request succeeds.
``test_persistent_connection_is_replaced_after_termination`` ends a kept connection with
``pg_terminate_backend`` and checks the health check replaces it."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import wsgiref.util
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections

from tests.conftest import require_service
from tests.reliability.conftest import ROOT, _free_port, wait_for
from tests.reliability.http_client import Browser

pytestmark = pytest.mark.django_db(transaction=True)


def _terminate_other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_persistent_connection_is_replaced_after_termination(postgres, world, settings):
    """As in a gunicorn worker: one thread serves request after request and keeps its
    connection (CONN_MAX_AGE); the health check finds it dead and opens a new one."""
    db = connections["default"].settings_dict
    assert db["CONN_HEALTH_CHECKS"] and db["CONN_MAX_AGE"]
    app = WSGIHandler()

    def request():
        environ = {"PATH_INFO": "/compounds/", "QUERY_STRING": "q=A1a",
                   "SERVER_NAME": "testserver", "wsgi.input": BytesIO()}
        wsgiref.util.setup_testing_defaults(environ)
        statuses = []
        body = b"".join(app(environ, lambda status, headers: statuses.append(status)))
        with connection.cursor() as cursor:  # this thread's kept connection
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        return statuses[0], body.decode(), pid

    with ThreadPoolExecutor(max_workers=1) as server_thread:
        status, page, first_pid = server_thread.submit(request).result()
        assert status.startswith("200") and "A1a-c-p" in page
        assert _terminate_other_backends() >= 1  # the server thread's connection too
        status, page, second_pid = server_thread.submit(request).result()
        assert status.startswith("200") and "A1a-c-p" in page
        assert second_pid != first_pid
        server_thread.submit(connections.close_all).result()


# --- a real restart of a private cluster ----------------------------------------------

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SEED = """
from decimal import Decimal
from communities import services
from communities.models import City, Community, District, Street
from complaints.models import Category
city = City.objects.create(name="铜川市")
district = District.objects.create(city=city, name="王益区")
street = Street.objects.create(district=district, name="红旗街街道")
community = Community.objects.create(street=street, name="七一路社区")
compound = services.compound_create(community=community, name="七一路小区",
                                    declared_households=100, floor_area=Decimal("5000"))
Category.objects.create(code="repair", name="设施维修", hours_to_respond=24, days_to_resolve=3)
print(compound.pk, Category.objects.get(code="repair").pk)
"""
COUNT = "from complaints.models import Complaint; print(Complaint.objects.count())"


class PrivateCluster:
    """A PostgreSQL 15 cluster in a temporary directory, run as the postgres user."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.data = directory / "data"
        self.port = _free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/redprop"

    def _as_postgres(self, *args, check=True):
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=check,
                              capture_output=True, text=True, timeout=180)

    def init(self):
        shutil.chown(self.dir, user="postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                          "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        self.start()
        self._as_postgres("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                          "-c", "CREATE DATABASE redprop")

    def start(self):
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-l",
                          str(self.dir / "postgres.log"), "-o",
                          f"-p {self.port} -c listen_addresses=127.0.0.1 "
                          f"-c unix_socket_directories={self.dir}", "start")

    def stop(self):
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-m", "fast",
                          "stop", check=False)


def _manage(env, *args) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture
def cluster():
    if not (PG_BIN / "initdb").exists() or shutil.which("runuser") is None:
        require_service("this test needs Debian's PostgreSQL 15 (initdb, pg_ctl)")
    directory = Path(tempfile.mkdtemp(prefix="redprop-pg-"))
    pg = PrivateCluster(directory)
    try:
        pg.init()
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.mark.services
def test_a_real_restart_under_gunicorn(cluster):
    env = {**os.environ, "DATABASE_URL": cluster.url, "CELERY_TASK_ALWAYS_EAGER": "1"}
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ENV", "DATABASE_REPLICA_URL"):
        env.pop(name, None)
    _manage(env, "migrate", "--noinput")
    compound_id, category_id = _manage(env, "shell", "--no-imports", "-c", SEED).split()
    port = _free_port()
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        phone = Browser(port)
        wait_for(lambda: _up(phone), timeout=90, what="gunicorn")
        path = f"/complaints/new/{compound_id}/"

        def submit(n):
            try:
                return phone.post(path, {"category": category_id, "description": f"路灯坏了 {n}",
                                         "reporter_name": "张伟",
                                         "reporter_phone": f"1390000000{n}",
                                         "website": ""})[0]
            except OSError:
                return None

        answers = [submit(1)]
        assert answers == [302]
        cluster.stop()
        during = submit(2)
        assert during != 302  # never "received" while the database is down
        answers.append(during)
        cluster.start()
        # The very next request succeeds: the dead connection is replaced.
        assert phone.get("/compounds/")[0] == 200
        answers.append(submit(3))
        assert answers[-1] == 302
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    # No lost submission: every one answered "received" is in the database.
    assert int(_manage(env, "shell", "--no-imports", "-c", COUNT)) == answers.count(302) == 2


def _up(browser) -> bool:
    try:
        return browser.get("/healthz")[0] == 200
    except OSError:
        return False
