"""Issue 16 item 3: the production topology — Debian's nginx in front of gunicorn.

Every request reaches gunicorn from nginx's address; nginx appends the client's address
to X-Forwarded-For and the portal (TRUSTED_PROXY_COUNT=1) believes only that entry. Two
residents on two addresses (127.0.0.2 and 127.0.0.3, both loopback) get separate
submission limits, separate tracking and login lock-outs, and the audit records the
right address.
"""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from communities.models import AuditAction, AuditEvent
from complaints.models import Complaint
from tests.complaints.conftest import PHONE, make_complaint
from tests.factories import PASSWORD
from tests.reliability.conftest import _free_port, wait_for
from tests.reliability.http_client import Browser

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
NGINX = "/usr/sbin/nginx"
NGINX_CONF = """
worker_processes 1;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def _stop(process):
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def stack(postgres, tmp_path):
    if not os.path.exists(NGINX) or not shutil.which("gunicorn", path=Path(sys.executable).parent):
        pytest.skip("this test needs Debian's nginx and gunicorn")
    db = connection.settings_dict
    app_port, proxy_port = _free_port(), _free_port()
    env = {**os.environ,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                           f"{db['PORT'] or 5432}/{db['NAME']}",
           "TRUSTED_PROXY_COUNT": "1", "CELERY_TASK_ALWAYS_EAGER": "1"}
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ENV"):
        env.pop(name, None)
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
         "--bind", f"127.0.0.1:{app_port}", "--workers", "1", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for directory in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / directory).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(NGINX_CONF.format(prefix=tmp_path, port=proxy_port, upstream=app_port))
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _answers(proxy_port), timeout=90, what="nginx and gunicorn")
        yield proxy_port
    finally:
        _stop(nginx)
        _stop(gunicorn)


def _answers(port) -> bool:
    try:
        return Browser(port, "127.0.0.1").get("/healthz")[0] == 200
    except OSError:
        return False


def test_two_residents_behind_nginx_have_their_own_limits(stack, cw):
    first, second = Browser(stack, "127.0.0.2"), Browser(stack, "127.0.0.3")
    path = f"/complaints/new/{cw.compounds['A1a-c-p'].pk}/"

    def submit(browser, phone):
        return browser.post(path, {"category": cw.categories["noise"].pk,
                                   "description": "楼下广场舞音乐声太大", "reporter_name": "张伟",
                                   "reporter_phone": phone, "website": ""})[0]

    assert [submit(first, f"1390000000{i}") for i in range(5)] == [302] * 5
    assert submit(first, "13900000009") == 429
    assert submit(second, "13900000019") == 302  # the neighbour is not blocked
    assert Complaint.objects.count() == 6


def test_tracking_and_login_lockouts_and_the_audit_address(stack, cw, settings):
    # gunicorn runs with the project's password hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    staff = cw.users["community_staff"]
    staff.set_password(PASSWORD)
    staff.save(update_fields=["password"])
    complaint = make_complaint(cw)
    stranger, owner = Browser(stack, "127.0.0.2"), Browser(stack, "127.0.0.3")
    for guess in range(5):
        stranger.post("/complaints/track/", {"code": complaint.tracking_code,
                                             "last4": f"{guess:04d}"})
    assert stranger.post("/complaints/track/", {"code": complaint.tracking_code,
                                                "last4": PHONE[-4:]})[0] == 429
    assert owner.post("/complaints/track/", {"code": complaint.tracking_code,
                                             "last4": PHONE[-4:]})[0] == 302

    for _ in range(5):
        stranger.post("/accounts/login/", {"username": "community_a1a", "password": "wrong"})
    assert stranger.post("/accounts/login/", {"username": "community_a1a",
                                              "password": PASSWORD})[0] == 429
    assert owner.post("/accounts/login/", {"username": "community_a1a",
                                           "password": PASSWORD})[0] == 302
    assert owner.get("/admin/communities/household/")[0] == 200
    event = AuditEvent.objects.filter(action=AuditAction.PII_VIEWED).latest("at")
    assert event.ip_address == "127.0.0.3"
