"""Real services for failure tests: a private Redis (own port, own directory; the shared
Redis on 6379 is never touched), Celery workers on it that can be killed, and the
app's broker pointed at it for the duration of a test."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, *, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


class PrivateRedis:
    def __init__(self, directory: Path):
        self.port = _free_port()
        self.dir = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.dir), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(self._ping, timeout=20, what="the private Redis")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
        wait_for(lambda: not self._ping(), timeout=10, what="the private Redis to stop")


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        require_service("this test needs redis-server")
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


def _reset_broker_pools(app):
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def app_on_private_broker(private_redis, postgres, transactional_db, monkeypatch):
    """The app (this process) sends tasks to the private Redis, not eagerly."""
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", private_redis.url)
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = private_redis.url
    app.conf.task_always_eager = False
    _reset_broker_pools(app)
    yield app
    app.conf.broker_url, app.conf.task_always_eager = saved
    _reset_broker_pools(app)


class Workers:
    """Start Celery worker processes on the private broker, with the test database."""

    def __init__(self, app, broker_url: str):
        db = connection.settings_dict
        self.app = app
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                            f"{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
        }
        self.started = []

    def start(self, *, queue: str = ",".join(settings.WORKER_QUEUES), env=None,
              preload: str = "") -> subprocess.Popen:
        """A worker process; ``preload`` names a module imported before Celery starts."""
        name = f"w{len(self.started)}-{os.getpid()}-{time.monotonic_ns()}"
        launcher = ["-m", "celery"]
        if preload:
            launcher = ["-c", f"import sys, {preload}; from celery.__main__ import main; "
                              "sys.exit(main())"]
        worker = subprocess.Popen(
            [sys.executable, *launcher, "-A", "config", "worker", "--pool=solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue,
             "-n", f"{name}@%h", "--loglevel=WARNING"],
            cwd=ROOT, env={**self.env, **(env or {})},
        )
        self.started.append(worker)
        destination = [f"{name}@{socket.gethostname()}"]
        deadline = time.monotonic() + 60
        while not self.app.control.ping(destination=destination, timeout=1):
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start")
        return worker

    @staticmethod
    def kill(worker: subprocess.Popen):
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

    def stop_all(self):
        for worker in self.started:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()


@pytest.fixture
def workers(app_on_private_broker, private_redis):
    pool = Workers(app_on_private_broker, private_redis.url)
    yield pool
    pool.stop_all()


# The complaint world (categories, firms, contracts) of the complaints tests.
from tests.complaints.conftest import cw  # noqa: E402, F401
from tests.properties.conftest import fw  # noqa: E402, F401
