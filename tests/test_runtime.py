"""The two runtimes: the embedded default and the production stack from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache.backends.redis import RedisCache

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, env_extra=None, env_drop=()):
    env = {k: v for k, v in os.environ.items() if k not in env_drop}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=180,
    )


SERVICE_VARS = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ENV")


def test_embedded_default_without_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.CACHES['default']['BACKEND'], s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    result = _manage("shell", "--no-imports", "-c", code, env_drop=SERVICE_VARS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3", "True",
        "django.core.cache.backends.locmem.LocMemCache", "zh-hans", "Asia/Shanghai",
    ]


def test_production_stack_from_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL)"
    )
    result = _manage(
        "shell", "--no-imports", "-c", code,
        env_extra={
            "DATABASE_URL": "postgres://u:p@db.example:5432/rp",
            "REDIS_URL": "redis://cache:6379/1",
            "CELERY_BROKER_URL": "redis://cache:6379/2",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql", "False",
        "django.core.cache.backends.redis.RedisCache", "redis://cache:6379/2",
    ]


def test_malformed_database_url_is_one_clear_line():
    result = _manage("check", env_extra={"DATABASE_URL": "postgres://u:p@host:notaport/db"})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL" in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_database_scheme_is_one_clear_line():
    result = _manage("check", env_extra={"DATABASE_URL": "nosuchdb://x/y"})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "DATABASE_URL" in lines[0], result.stderr


def test_unreachable_database_is_one_clear_line():
    result = _manage(
        "migrate", "--check",
        env_extra={"DATABASE_URL": "postgres://postgres:secret@127.0.0.1:1/nothing"},
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "无法连接数据库" in lines[0] and "127.0.0.1:1" in lines[0]
    assert "secret" not in lines[0]


def test_production_requires_a_secret_key():
    result = _manage(
        "check", env_extra={"DJANGO_ENV": "production"}, env_drop=("DJANGO_SECRET_KEY",)
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_cache_round_trip_on_redis(redis_cache):
    cache = redis_cache
    assert isinstance(cache, RedisCache)
    cache.set("redprop-test-key", {"社区": 1}, 30)
    assert cache.get("redprop-test-key") == {"社区": 1}
    cache.delete("redprop-test-key")


def test_suite_runs_on_postgresql(postgres):
    with postgres.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        assert cursor.fetchone()[0] >= 150000


PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "k7#Qp2!vZr9@Lm4$Wx8^Tb6&Nc3*Hd5(Jf1)Gs0-Ry+Ue=Ia_Ob~Pe",
    "DATABASE_URL": "postgres://u:p@db.example:5432/rp",
    "REDIS_URL": "redis://cache:6379/1",
    "CELERY_BROKER_URL": "redis://cache:6379/2",
    "DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn",
}


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL",
                                     "DJANGO_ALLOWED_HOSTS"])
def test_half_configured_production_refuses_to_start(missing):
    """Issue 16 item 7: one clear line naming what is missing, no traceback."""
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _manage("check", env_extra=env, env_drop=(missing,))
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and missing in lines[0], result.stderr


def test_production_refuses_sqlite():
    result = _manage("check", env_extra={**PRODUCTION, "DATABASE_URL": "sqlite:////tmp/x.db"})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "PostgreSQL" in lines[0], result.stderr


def test_testserver_is_not_an_allowed_host_outside_tests():
    code = "from django.conf import settings as s; print(','.join(s.ALLOWED_HOSTS))"
    result = _manage("shell", "--no-imports", "-c", code, env_drop=SERVICE_VARS + (
        "DJANGO_ALLOWED_HOSTS",))
    assert result.returncode == 0, result.stderr
    assert "testserver" not in result.stdout and "localhost" in result.stdout
    result = _manage("shell", "--no-imports", "-c", code, env_extra=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "portal.example.gov.cn"
