"""Issue 16 item 1: the second factor on every door, no HTTP Basic, per-client API tokens."""

import base64
import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from communities.access.api_tokens import api_client_issue, api_client_revoke
from communities.access.second_factor import second_factor_missing
from communities.models import ApiClient, AuditAction, AuditEvent, StaffRole
from core.errors import ApplicationError
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OFFICIAL_ROLES = ["city_official", "district_official"]


def _basic(user) -> dict:
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def _verify(client, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    response = client.post("/accounts/otp/", {"token": token, "next": "/staff/"})
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/api/v1/compounds/", "/api/v1/complaints/",
                                  "/api/v1/fee-bills/"])
def test_http_basic_is_not_accepted_by_the_api(client, world, settings, path):
    settings.OTP_REQUIRED_ROLES = OFFICIAL_ROLES
    response = client.get(path, **_basic(world.users["city_official"]))
    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_basic_is_refused_even_after_the_official_enrolled_a_device(client, world, settings):
    settings.OTP_REQUIRED_ROLES = OFFICIAL_ROLES
    official = world.users["district_official"]
    TOTPDevice.objects.create(user=official, name="phone", confirmed=True)
    response = client.get("/api/v1/compounds/", **_basic(official))
    assert response.status_code in (401, 403)


def test_api_answers_the_second_factor_rule_in_json(client, world, settings):
    settings.OTP_REQUIRED_ROLES = OFFICIAL_ROLES
    official = world.users["district_official"]
    client.force_login(official)
    for path in ("/api/v1/compounds/", "/api/v1/metrics/?metric=fee_collection_rate",
                 "/api/v1/fee-bills/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "/accounts/otp/" in response.json()["error"]["message"]
    _verify(client, official)
    assert client.get("/api/v1/compounds/").status_code == 200


def test_pages_admin_and_exports_ask_the_same_function(client, world, settings):
    settings.OTP_REQUIRED_ROLES = OFFICIAL_ROLES
    official = world.users["city_official"]
    assert second_factor_missing(official)
    client.force_login(official)
    for path in ("/staff/", "/admin/", "/dashboard/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")
    _verify(client, official)
    assert client.get("/staff/").status_code == 200
    settings.OTP_REQUIRED_ROLES = []
    assert not second_factor_missing(world.users["city_official"])


def test_the_rule_is_in_the_default_permission_classes(settings):
    assert ("communities.access.second_factor.SecondFactorPassed"
            in settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"])
    assert not any("Basic" in c for c in settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"])


# ---------------------------------------------------------------------------
# Client systems' tokens
# ---------------------------------------------------------------------------


def _issue(world, **kwargs):
    options = {"name": "12345 热线", "role": StaffRole.COMMUNITY_STAFF,
               "node": world.communities["A1a-c"], "allowed_endpoints": ["compounds"]}
    options.update(kwargs)
    return api_client_issue(actor=world.users["superuser"], **options)


def test_a_token_reads_its_endpoints_in_its_unit_only(client, world, settings):
    settings.OTP_REQUIRED_ROLES = OFFICIAL_ROLES
    api_client, token = _issue(world)
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    response = client.get("/api/v1/compounds/", **headers)
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["A1a-c-p"]
    assert client.get("/api/v1/households/", **headers).status_code == 403
    assert client.post("/api/v1/compounds/", {}, **headers).status_code == 403
    api_client.refresh_from_db()
    assert api_client.last_used_at is not None
    assert ApiClient.objects.get().token_hash != token  # only the hash is kept


def test_an_official_scope_token_needs_no_person_and_no_password(client, world, settings):
    settings.OTP_REQUIRED_ROLES = OFFICIAL_ROLES
    api_client, token = _issue(world, name="district feed", role=StaffRole.DISTRICT_OFFICIAL,
                               node=world.districts["A1"])
    assert not api_client.account.has_usable_password()
    assert not api_client.account.is_staff
    response = client.get("/api/v1/compounds/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert {row["name"] for row in response.json()["results"]} == {"A1a-c-p", "A1b-c-p"}


def test_a_revoked_token_is_refused_and_both_steps_are_audited(client, world):
    api_client, token = _issue(world)
    api_client_revoke(actor=world.users["superuser"], client=api_client)
    response = client.get("/api/v1/compounds/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401
    actions = list(AuditEvent.objects.filter(object_type="communities.apiclient")
                   .values_list("action", flat=True))
    assert sorted(actions) == sorted([AuditAction.API_TOKEN_ISSUED,
                                      AuditAction.API_TOKEN_REVOKED])


def test_a_made_up_token_is_refused(client, world):
    response = client.get("/api/v1/compounds/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401


def test_only_administrators_issue_tokens(world):
    with pytest.raises(ApplicationError):
        api_client_issue(actor=world.users["district_official"], name="x",
                         role=StaffRole.COMMUNITY_STAFF, node=world.communities["A1a-c"],
                         allowed_endpoints=["compounds"])
    assert not ApiClient.objects.exists()


def test_administrator_issues_and_revokes_in_the_admin(client, world):
    client.force_login(world.users["superuser"])
    response = client.post("/admin/communities/apiclient/add/", {
        "name": "网格系统", "role": StaffRole.COMMUNITY_STAFF,
        "community": world.communities["A1a-c"].pk, "endpoints": "compounds, buildings",
    }, follow=True)
    assert response.status_code == 200
    api_client = ApiClient.objects.get()
    assert api_client.allowed_endpoints == ["buildings/", "compounds/"]
    shown = " ".join(str(m) for m in response.context["messages"])
    token = re.search(r"[A-Za-z0-9_-]{43}", shown).group(0)
    assert token.startswith(api_client.token_prefix)
    assert client.get("/api/v1/compounds/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    client.post("/admin/communities/apiclient/", {
        "action": "revoke_tokens", "_selected_action": [api_client.pk]})
    api_client.refresh_from_db()
    assert api_client.revoked
    client.logout()
    assert client.get("/api/v1/compounds/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_staff_cannot_see_the_api_client_admin(client, world):
    client.force_login(world.users["district_official"])
    assert client.get("/admin/communities/apiclient/").status_code == 403
    assert get_user_model().objects.filter(username__startswith="api-").count() == 0
