"""Per-client API tokens (issue 16 item 1): issued and revoked by administrators, scoped to
one unit through the client's service account, limited to the endpoints it needs, audited.

A client presents ``Authorization: Token <token>``. Officials do not get tokens for their
own use: a token always belongs to a service account created here, without a password.
"""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from communities import audit
from communities.access.second_factor import API_CLIENT_ATTRIBUTE
from communities.models import ApiClient, AuditAction, StaffAssignment
from communities.services import staff_assignment_create, staff_assignment_end
from core.errors import ApplicationError

API_PREFIX = "/api/v1/"
KEYWORD = b"token"
LAST_USED_EVERY = timedelta(minutes=1)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_endpoints(endpoints) -> list[str]:
    cleaned = []
    for endpoint in endpoints:
        endpoint = str(endpoint).strip().strip("/")
        if not endpoint or not all(part.replace("-", "").replace("_", "").isalnum()
                                   for part in endpoint.split("/")):
            raise ApplicationError(
                _("Name each endpoint as a path below /api/v1/, for example complaints."),
                code="invalid_endpoint", fields={"allowed_endpoints": [str(endpoint)]},
            )
        cleaned.append(f"{endpoint}/")
    if not cleaned:
        raise ApplicationError(_("Allow the client at least one endpoint."),
                               code="invalid_endpoint")
    return sorted(set(cleaned))


def _require_administrator(actor) -> None:
    if actor is None or not actor.is_superuser:
        raise ApplicationError(_("Only an administrator may issue or revoke API tokens."),
                               code="forbidden", status_code=403)


@transaction.atomic
def api_client_issue(*, actor, name: str, role: str, node, allowed_endpoints,
                     can_write: bool = False) -> tuple[ApiClient, str]:
    """Create a client system with its own service account scoped to ``node`` in
    ``role``; returns the client and its token (shown once, only its hash is kept)."""
    _require_administrator(actor)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Name the client system."), code="invalid",
                               fields={"name": [_("Name the client system.")]})
    if ApiClient.objects.filter(name=name).exists():
        raise ApplicationError(_("A client system with this name already exists."),
                               code="duplicate", fields={"name": [name]})
    endpoints = _clean_endpoints(allowed_endpoints)
    User = get_user_model()
    account = User(username=f"api-{slugify(name, allow_unicode=False)[:40]}-"
                            f"{secrets.token_hex(4)}", first_name=name[:150])
    account.set_unusable_password()
    account.save()
    assignment = staff_assignment_create(user=account, role=role, node=node, actor=actor,
                                         title=str(_("API client")))
    account.is_staff = False  # a system, never an admin login
    account.save(update_fields=["is_staff"])
    token = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        name=name, account=account, token_hash=hash_token(token), token_prefix=token[:8],
        allowed_endpoints=endpoints, can_write=can_write, issued_by=actor,
    )
    audit.record(action=AuditAction.API_TOKEN_ISSUED, obj=client, actor=actor,
                 place=assignment,
                 changes={"name": name, "role": role, "endpoints": ",".join(endpoints),
                          "can_write": can_write})
    return client, token


@transaction.atomic
def api_client_revoke(*, actor, client: ApiClient) -> ApiClient:
    _require_administrator(actor)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked:
        return client
    client.revoked = True
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked", "revoked_at"])
    assignment = StaffAssignment.objects.filter(user=client.account,
                                                ended_at__isnull=True).first()
    if assignment is not None:
        staff_assignment_end(assignment=assignment, actor=actor)
    audit.record(action=AuditAction.API_TOKEN_REVOKED, obj=client, actor=actor,
                 place=assignment, changes={"name": client.name})
    return client


def api_client_touch(*, client: ApiClient) -> None:
    """Remember when the client last called (at most once a minute)."""
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_EVERY:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token …`` for client systems; only on the endpoints they hold."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as: Token <token>."))
        try:
            token = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("This API token is not valid.")) from None
        client = (ApiClient.objects.select_related("account")
                  .filter(token_hash=hash_token(token), revoked=False).first())
        if client is None or not client.account.is_active:
            raise exceptions.AuthenticationFailed(_("This API token is not valid."))
        path = request.path
        allowed = any(path.startswith(API_PREFIX + endpoint)
                      for endpoint in client.allowed_endpoints)
        if not allowed:
            raise exceptions.PermissionDenied(_("This API token is not allowed here."))
        if request.method not in SAFE_METHODS and not client.can_write:
            raise exceptions.PermissionDenied(_("This API token may only read."))
        api_client_touch(client=client)
        user = client.account
        setattr(user, API_CLIENT_ATTRIBUTE, client)
        return user, client

    def authenticate_header(self, request):
        return "Token"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the client tokens."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <token>"}
