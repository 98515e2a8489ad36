"""Issue 16 item 6: the edges — NUL and non-decimal ids refused with 400, the
Permissions-Policy header, staff-only API docs, /healthz over plain HTTP, an enrolment
code for the first TOTP device."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from communities.access.enrolment import otp_enrolment_code_issue
from communities.models import AuditAction, AuditEvent, OtpEnrolmentCode

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [
    "/complaints/track/%00ABC/",
    "/open311/v2/requests/%00.json",
    "/open311/v2/requests.json?service_code=%00",
    "/compounds/?q=abc%00",
    "/complaints/new/?compound=-5",
    "/party/lists/?year=%C2%B2",
    "/complaints/similar/?compound=1%00&category=2",
    "/staff/complaints/?after=%00",
    "/compounds/?district=%D9%A1%D9%A2",
    "/compounds/?district=" + "9" * 30,
])
def test_nul_and_non_decimal_ids_are_a_chinese_400(client, world, path):
    client.force_login(world.users["community_staff"])
    response = client.get(path)
    assert response.status_code == 400
    assert "不" in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/compounds/?district=-1",
                                  "/api/v1/compounds/?district=not-a-number",
                                  "/api/v1/compounds/?district=%C2%B2",
                                  "/api/v1/complaints/?q=%00"])
def test_the_api_answers_its_json_error(client, world, path):
    client.force_login(world.users["superuser"])
    response = client.get(path)
    assert response.status_code == 400
    assert response.json()["error"]["message"]


def test_ordinary_ids_and_lists_pass(client, world):
    client.force_login(world.users["superuser"])
    compound = world.compounds["A1a-c-p"]
    assert client.get(f"/api/v1/buildings/?compound={compound.pk}").status_code == 200
    assert client.get("/open311/v2/requests.json?service_request_id=1,2").status_code == 200
    assert client.get("/open311/v2/requests.json?jurisdiction_id=a.gov.cn").status_code == 404


def test_permissions_policy_on_every_response(client, world):
    policy = client.get("/")["Permissions-Policy"]
    assert "camera=()" in policy and "microphone=()" in policy
    assert "Permissions-Policy" in client.get("/api/v1/compounds/")


def test_schema_and_docs_need_staff_when_not_public(client, world, settings):
    settings.API_DOCS_PUBLIC = False
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)
    client.force_login(world.users["community_staff"])
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def _production_value(expression):
    env = {**os.environ, "DJANGO_ENV": "production",
           "DJANGO_SECRET_KEY": "k7#Qp2!vZr9@Lm4$Wx8^Tb6&Nc3*Hd5(Jf1)Gs0-Ry+Ue=Ia_Ob~Pe",
           "DATABASE_URL": "postgres://u:p@db.example:5432/rp",
           "REDIS_URL": "redis://cache:6379/1", "CELERY_BROKER_URL": "redis://cache:6379/2",
           "DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c",
         f"from django.conf import settings as s; print(repr({expression}))"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return eval(result.stdout)  # noqa: S307 - our own repr of settings values


def test_healthz_is_exempt_from_the_https_redirect_in_production(client, world, settings):
    production = _production_value(
        "(s.SECURE_SSL_REDIRECT, s.SECURE_REDIRECT_EXEMPT, s.API_DOCS_PUBLIC)")
    redirect, exempt, docs_public = production
    assert redirect is True and docs_public is False
    settings.SECURE_SSL_REDIRECT, settings.SECURE_REDIRECT_EXEMPT = redirect, exempt
    assert client.get("/healthz").status_code == 200
    assert client.get("/compounds/").status_code == 301


def test_the_first_device_needs_an_enrolment_code(client, world, settings):
    settings.OTP_REQUIRED_ROLES = ["city_official", "district_official"]
    official = world.users["district_official"]
    client.force_login(official)
    page = client.get("/accounts/otp/setup/?next=/staff/")
    assert "data:image/svg+xml" not in page.content.decode()
    assert client.post("/accounts/otp/setup/", {"code": "AAAA-BBBB-CCCC"}).status_code == 400
    assert not TOTPDevice.objects.filter(user=official).exists()

    client.force_login(world.users["superuser"])
    response = client.post("/admin/communities/otpenrolmentcode/add/",
                           {"user": official.pk}, follow=True)
    shown = " ".join(str(m) for m in response.context["messages"])
    code = re.search(r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", shown).group(0)
    assert OtpEnrolmentCode.objects.filter(user=official, used_at__isnull=True).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.OTP_ENROLMENT_ISSUED).exists()

    client.force_login(official)
    assert client.post("/accounts/otp/setup/", {"code": code, "next": "/staff/"}).status_code == 302
    page = client.get("/accounts/otp/setup/?next=/staff/")
    assert "data:image/svg+xml" in page.content.decode()
    device = TOTPDevice.objects.get(user=official)
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    response = client.post("/accounts/otp/setup/", {"token": token, "next": "/staff/"})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    # A used code does not open a second enrolment.
    client.logout()
    client.force_login(official)
    assert client.post("/accounts/otp/setup/", {"code": code}).status_code == 302  # has device


def test_only_administrators_issue_enrolment_codes(world):
    from core.errors import ApplicationError  # noqa: PLC0415  (only here)

    with pytest.raises(ApplicationError):
        otp_enrolment_code_issue(actor=world.users["district_official"],
                                 user=world.users["city_official"])
