"""Production settings and staff-session protections (DESIGN §3–4, issue 8 item 1)."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from communities.access.enrolment import otp_enrolment_code_issue
from communities.access.middleware import LAST_SEEN, LOGIN_AT
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_deploy_check_is_clean_in_production():
    # DJANGO_ALLOW_ASYNC_UNSAFE: set in this process by the browser tests (Playwright's loop),
    # never part of a deployment.
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="k7#Qp2!vZr9@Lm4$Wx8^Tb6&Nc3*Hd5(Jf1)Gs0-Ry+Ue=Ia_Ob~Pe",
        DJANGO_ALLOWED_HOSTS="portal.example.gov.cn",
        DATABASE_URL="postgres://u:p@db.example:5432/rp",
        REDIS_URL="redis://cache.example:6379/1",
        CELERY_BROKER_URL="redis://cache.example:6379/2",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.mark.parametrize("url", ["/", "/compounds/", "/accounts/login/"])
def test_public_pages_have_csp_and_no_inline_script(client, world, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert not INLINE_SCRIPT.search(response.content.decode())


@pytest.mark.parametrize("url", ["/staff/", "/admin/", "/admin/communities/compound/"])
def test_staff_pages_have_no_inline_script_and_are_not_cached(client, world, url):
    client.force_login(world.users["superuser"])
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not INLINE_SCRIPT.search(response.content.decode())


def test_api_docs_have_no_inline_script(client, world):
    client.force_login(world.users["superuser"])
    response = client.get("/api/docs/")
    assert not INLINE_SCRIPT.search(response.content.decode())


def test_public_home_is_cacheable(client, world):
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def _session_set(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_idle_staff_session_expires(client, world, settings):
    client.force_login(world.users["community_staff"])
    assert client.get("/staff/").status_code == 200
    now = int(time.time())
    _session_set(client, **{LAST_SEEN: now - settings.SESSION_IDLE_TIMEOUT - 5, LOGIN_AT: now})
    response = client.get("/staff/")
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get("/staff/").status_code == 302  # logged out for good


def test_absolute_session_lifetime(client, world, settings):
    client.force_login(world.users["community_staff"])
    now = int(time.time())
    _session_set(client, **{LAST_SEEN: now, LOGIN_AT: now - settings.SESSION_ABSOLUTE_TIMEOUT - 5})
    response = client.get("/staff/")
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_officials_must_pass_a_second_factor(client, world, settings):
    settings.OTP_REQUIRED_ROLES = ["city_official", "district_official"]
    official = world.users["district_official"]
    client.force_login(official)
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/v1/compounds/").status_code == 403

    setup = client.get("/accounts/otp/setup/?next=/staff/")
    assert "data:image/svg+xml" not in setup.content.decode()  # first the enrolment code
    _record, code = otp_enrolment_code_issue(actor=world.users["superuser"], user=official)
    client.post("/accounts/otp/setup/", {"code": code, "next": "/staff/"})
    setup = client.get("/accounts/otp/setup/?next=/staff/")
    assert setup.status_code == 200 and "data:image/svg+xml" in setup.content.decode()
    device = TOTPDevice.objects.get(user=official)
    wrong = client.post("/accounts/otp/setup/", {"token": "000000", "next": "/staff/"})
    assert wrong.status_code == 200 and "error" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code delays the next try; the test does not wait
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    response = client.post("/accounts/otp/setup/", {"token": token, "next": "/staff/"})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_other_staff_are_not_forced_to_use_a_second_factor(client, world, settings):
    settings.OTP_REQUIRED_ROLES = ["city_official", "district_official"]
    client.force_login(world.users["community_staff"])
    assert client.get("/staff/").status_code == 200


def test_second_factor_next_cannot_leave_the_site(client, world, settings):
    settings.OTP_REQUIRED_ROLES = ["district_official"]
    client.force_login(world.users["district_official"])
    response = client.get("/accounts/otp/setup/?next=https://evil.example/")
    assert response.context["next"] == "/staff/"


def test_login_guessing_is_throttled(client, world):
    url = reverse("login")
    for _ in range(5):
        client.post(url, {"username": "community_a1a", "password": "wrong-guess"})
    response = client.post(url, {"username": "community_a1a", "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_validators_refuse_weak_passwords(world):
    with pytest.raises(ValidationError):
        validate_password("12345678", world.users["community_staff"])
    validate_password("qing-shan-lv-shui-2026!", world.users["community_staff"])


@pytest.mark.parametrize("password", ["hongse-demo-2026", "Hongse-Demo-2026", "红色物业2026abc!",
                                      "hong-se-wu-ye-2026!", "RedProp#2026x"])
def test_demo_password_and_portal_name_are_refused(world, settings, password):
    """Issue 16 item 6."""
    settings.DEMO_PASSWORD = "hongse-demo-2026"
    with pytest.raises(ValidationError):
        validate_password(password, world.users["community_staff"])
