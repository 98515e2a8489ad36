"""Accounts run by the district (issue 15): officials create, change and switch off the
accounts of the people in their own subtree, reset their passwords, and anyone can get a
one-time code by text message when they forget theirs.

Who manages whom: an official manages the accounts whose active role sits inside the
official's subtree and is one the official may grant (``GRANTABLE_ROLES``: at most the
official's own level, never above; community staff only their grid workers; property-firm
staff only the platform administrator). Out of reach and missing look the same.

Passwords: a new account (and an official's reset) gets a one-time password, shown once to
the official (and texted to the account's phone when asked); its holder must change it at
the first login (``StaffProfile.must_change_password``, enforced by
``communities.access.first_password.PasswordChangeRequiredMiddleware``). A forgotten
password is reset with a six-digit code texted to the account's phone; the answer is the
same whether the account exists or not, and requests are rate limited.

Switching an account off ends its sessions at once. Every change leaves an audit event.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import partial

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.dispatch import receiver
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from communities import audit
from communities.access.scoping import forget_scope, is_in_scope, scope_for_user, scope_queryset
from communities.models import (
    ROLE_NODE_FIELD,
    AuditAction,
    City,
    Community,
    District,
    Grid,
    StaffAssignment,
    StaffProfile,
    StaffRole,
    Street,
)
from communities.services import staff_assignment_create
from core.errors import ApplicationError
from core.services import save_validated
from core.sms import send_sms
from core.validators import MOBILE_RE, normalise_phone

R = StaffRole

# The roles each role may grant (inside its own subtree). The platform administrator
# (superuser) grants every role, property-firm staff included.
GRANTABLE_ROLES: dict[str, tuple[str, ...]] = {
    R.CITY_OFFICIAL: (R.CITY_OFFICIAL, R.DISTRICT_OFFICIAL, R.STREET_STAFF,
                      R.COMMUNITY_STAFF, R.GRID_WORKER),
    R.DISTRICT_OFFICIAL: (R.DISTRICT_OFFICIAL, R.STREET_STAFF, R.COMMUNITY_STAFF,
                          R.GRID_WORKER),
    R.STREET_STAFF: (R.STREET_STAFF, R.COMMUNITY_STAFF, R.GRID_WORKER),
    R.COMMUNITY_STAFF: (R.GRID_WORKER,),
}

NODE_MODELS = {"city": City, "district": District, "street": Street, "community": Community,
               "grid": Grid}

# Session key set at login when the password is a one-time one (no query per request).
MUST_CHANGE_SESSION_KEY = "_must_change_password"

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RESET_CODE_SECONDS = 10 * 60
RESET_CODE_ATTEMPTS = 5
# name → (limit, window in seconds); overridable with settings.ACCOUNT_RATE_LIMITS.
DEFAULT_RATE_LIMITS = {"reset_ip": (10, 3600), "reset_login": (3, 3600)}


@dataclass(frozen=True)
class OneTimePassword:
    """An account and the one-time password to hand over (shown once, never stored)."""

    user: object
    password: str
    texted: bool


# ---------------------------------------------------------------------------
# Who may do what
# ---------------------------------------------------------------------------


def grantable_roles(actor) -> tuple[str, ...]:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return ()
    if actor.is_superuser:
        return tuple(StaffRole.values)
    return tuple(GRANTABLE_ROLES.get(scope_for_user(actor).role, ()))


def can_manage_accounts(actor) -> bool:
    return bool(grantable_roles(actor))


def annotate_second_factor(users: QuerySet) -> QuerySet:
    """``has_second_factor``: the account has a confirmed TOTP device (django-otp)."""
    return users.annotate(has_second_factor=Exists(
        TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    ))


def managed_accounts(*, actor) -> QuerySet:
    """The accounts ``actor`` manages (not their own), with their current assignment and
    profile, and ``has_second_factor``."""
    User = get_user_model()
    roles = grantable_roles(actor)
    users = User.objects.all()
    if not roles:
        return users.none()
    if not actor.is_superuser:
        assignments = scope_queryset(
            StaffAssignment.objects.filter(ended_at__isnull=True, role__in=roles), actor
        )
        users = users.filter(pk__in=assignments.values("user_id"))
    current = StaffAssignment.objects.filter(ended_at__isnull=True).select_related(
        "city", "district", "street", "community", "grid", "firm"
    )
    return (
        annotate_second_factor(users.exclude(pk=actor.pk))
        .select_related("staff_profile")
        .prefetch_related(Prefetch("staff_assignments", queryset=current,
                                   to_attr="current_assignments"))
        .order_by("username")
    )


def account_list(*, actor, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    accounts = managed_accounts(actor=actor)
    if filters.get("q"):
        accounts = accounts.filter(Q(username__icontains=filters["q"])
                                   | Q(first_name__icontains=filters["q"]))
    if filters.get("role"):
        accounts = accounts.filter(staff_assignments__ended_at__isnull=True,
                                   staff_assignments__role=filters["role"])
    if filters.get("without_second_factor"):
        accounts = accounts.filter(has_second_factor=False)
    if filters.get("active") in ("1", "0"):
        accounts = accounts.filter(is_active=filters["active"] == "1")
    return accounts


def get_managed_account_or_404(*, actor, pk):
    try:
        return managed_accounts(actor=actor).get(pk=pk)
    except (get_user_model().DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such record in your area.")) from None


def current_assignment(user) -> StaffAssignment | None:
    prefetched = getattr(user, "current_assignments", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return (StaffAssignment.objects.filter(user=user, ended_at__isnull=True)
            .select_related("city", "district", "street", "community", "grid", "firm").first())


def assignable_nodes(*, actor, role: str) -> QuerySet:
    """The units ``actor`` may give ``role`` over (empty for a role they may not grant)."""
    field = ROLE_NODE_FIELD.get(role)
    if role not in grantable_roles(actor) or field is None:
        return City.objects.none()
    if field == "firm":
        return apps.get_model("properties", "PropertyFirm").objects.all()
    return scope_queryset(NODE_MODELS[field].objects.all(), actor)


def needs_second_factor(user) -> bool:
    assignment = current_assignment(user)
    return assignment is not None and assignment.role in settings.OTP_REQUIRED_ROLES


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def _require_manager(actor) -> None:
    if not can_manage_accounts(actor):
        raise ApplicationError(_("You may not manage accounts."), code="permission_denied",
                               status_code=403)


def _require_managed(actor, user) -> None:
    _require_manager(actor)
    if user is None or not managed_accounts(actor=actor).filter(pk=user.pk).exists():
        raise ApplicationError(_("No such record in your area."), code="not_found",
                               status_code=404)


def _check_role_and_node(actor, role: str, node) -> None:
    if role not in StaffRole.values:
        raise ApplicationError(_("Choose a role."), code="invalid_role", fields=("role",))
    if role not in grantable_roles(actor):
        raise ApplicationError(
            _("You may only grant roles at your own level or below."),
            code="role_not_allowed", status_code=403, fields=("role",),
        )
    field = ROLE_NODE_FIELD[StaffRole(role)]
    expected = NODE_MODELS.get(field)
    in_reach = node is not None and (
        (expected is not None and isinstance(node, expected) and is_in_scope(actor, node))
        or (field == "firm" and actor.is_superuser
            and node._meta.label_lower == "properties.propertyfirm")
    )
    if not in_reach:
        raise ApplicationError(
            _("Choose a unit inside your area that matches the role."),
            code="out_of_scope", fields=("node",),
        )


def _clean_phone(phone: str) -> str:
    phone = normalise_phone(phone)
    if not MOBILE_RE.match(phone):
        raise ApplicationError(
            _("Enter the mobile number (11 digits) one-time codes are texted to."),
            code="invalid_phone", fields=("phone",),
        )
    return phone


def _validation_to_application_error(error: ValidationError, field: str):
    return ApplicationError(" ".join(error.messages), code="invalid", fields=(field,))


def _new_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(12))


def _profile(user) -> StaffProfile:
    profile, _created = StaffProfile.objects.get_or_create(user=user)
    return profile


def end_sessions(user) -> int:
    """Delete every open session of ``user``: they are logged out at their next request."""
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


def _text_after_commit(phone: str, message: str) -> None:
    transaction.on_commit(partial(send_sms, phone=phone, message=message), robust=True)


def _password_message(password: str) -> str:
    with translation.override("zh-hans"):
        return _(
            "Your one-time password for the Red Property portal is %(password)s. Change it "
            "when you first log in."
        ) % {"password": password}


def _node_of(user):
    assignment = current_assignment(user)
    return assignment.node if assignment is not None else None


# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------


@transaction.atomic
def account_create(*, actor, username: str, full_name: str, phone: str, role: str, node,
                   title: str = "", text_password: bool = False) -> OneTimePassword:
    """A new account with one role over ``node`` and a one-time password."""
    _require_manager(actor)
    _check_role_and_node(actor, role, node)
    username = (username or "").strip()
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(_("This login name is already taken."), code="username_taken",
                               fields=("username",))
    phone = _clean_phone(phone)
    password = _new_password()
    user = User(username=username, first_name=(full_name or "").strip(), is_staff=True)
    user.set_password(password)
    try:
        save_validated(user)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), code="invalid",
                               fields=tuple(getattr(error, "error_dict", {}) or ())) from None
    save_validated(StaffProfile(user=user, phone=phone, must_change_password=True))
    staff_assignment_create(user=user, role=role, node=node, title=title, actor=actor)
    audit.record(action=AuditAction.ACCOUNT_CREATED, obj=user, actor=actor, place=node,
                 changes={"username": username, "full_name": user.first_name,
                          "phone": phone, "role": role, "texted": text_password})
    if text_password:
        _text_after_commit(phone, _password_message(password))
    return OneTimePassword(user=user, password=password, texted=text_password)


@transaction.atomic
def account_update(*, actor, user, full_name: str | None = None, phone: str | None = None,
                   role: str | None = None, node=None, title: str | None = None):
    """Change an account's name, phone, or role and unit (a new assignment; the old one is
    ended, so the history of who held which role stays)."""
    _require_managed(actor, user)
    changes = {}
    profile = _profile(user)
    if full_name is not None and full_name.strip() != user.first_name:
        changes["full_name"] = [user.first_name, full_name.strip()]
        user.first_name = full_name.strip()
        save_validated(user, update_fields=["first_name"])
    if phone is not None and normalise_phone(phone) != profile.phone:
        phone = _clean_phone(phone)
        changes["phone"] = [profile.phone, phone]
        profile.phone = phone
        save_validated(profile, update_fields=["phone"])
    assignment = current_assignment(user)
    new_role = role or (assignment.role if assignment else None)
    new_node = node if node is not None else (assignment.node if assignment else None)
    new_title = title if title is not None else (assignment.title if assignment else "")
    if assignment is None or (new_role, new_node, new_title) != (
        assignment.role, assignment.node, assignment.title
    ):
        _check_role_and_node(actor, new_role, new_node)
        staff_assignment_create(user=user, role=new_role, node=new_node, title=new_title,
                                actor=actor)
        changes["role"] = [assignment.role if assignment else None, new_role]
    if changes:
        audit.record(action=AuditAction.ACCOUNT_UPDATED, obj=user, actor=actor,
                     place=new_node, changes=changes)
    if hasattr(user, "current_assignments"):
        del user.current_assignments
    return user


@transaction.atomic
def account_deactivate(*, actor, user):
    """Switch an account off: it cannot log in, and its open sessions end at once."""
    _require_managed(actor, user)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = end_sessions(user)
        audit.record(action=AuditAction.ACCOUNT_DEACTIVATED, obj=user, actor=actor,
                     place=_node_of(user), changes={"is_active": [True, False],
                                                    "sessions_ended": ended})
    forget_scope(user)
    return user


@transaction.atomic
def account_reactivate(*, actor, user):
    _require_managed(actor, user)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.record(action=AuditAction.ACCOUNT_REACTIVATED, obj=user, actor=actor,
                     place=_node_of(user), changes={"is_active": [False, True]})
    forget_scope(user)
    return user


@transaction.atomic
def account_password_reset(*, actor, user, text_password: bool = False) -> OneTimePassword:
    """An official gives a subordinate a new one-time password (shown once, and texted to
    the account's phone when asked); their sessions end and they must change it."""
    _require_managed(actor, user)
    profile = _profile(user)
    if text_password and not profile.phone:
        raise ApplicationError(_("This account has no mobile number to text."),
                               code="no_phone", fields=("text_password",))
    password = _new_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    profile.must_change_password = True
    profile.save(update_fields=["must_change_password"])
    ended = end_sessions(user)
    audit.record(action=AuditAction.PASSWORD_RESET, obj=user, actor=actor,
                 place=_node_of(user), changes={"method": "official",
                                                "texted": text_password,
                                                "sessions_ended": ended})
    if text_password:
        _text_after_commit(profile.phone, _password_message(password))
    return OneTimePassword(user=user, password=password, texted=text_password)


@transaction.atomic
def account_password_change(*, actor, new_password: str):
    """The account's holder sets their own password (the one-time one included)."""
    try:
        password_validation.validate_password(new_password, actor)
    except ValidationError as error:
        raise _validation_to_application_error(error, "new_password1") from None
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    profile = _profile(actor)
    was_one_time = profile.must_change_password
    profile.must_change_password = False
    profile.password_changed_at = timezone.now()
    profile.save(update_fields=["must_change_password", "password_changed_at"])
    audit.record(action=AuditAction.PASSWORD_CHANGED, obj=actor, actor=actor,
                 place=_node_of(actor), changes={"one_time_replaced": was_one_time})
    return actor


# ---------------------------------------------------------------------------
# Forgotten password: a one-time code by text message
# ---------------------------------------------------------------------------


def _rate_key(name: str, ident: str) -> str:
    digest = hashlib.sha256(f"{name}:{ident}".encode()).hexdigest()[:32]
    return f"accounts:rl:{name}:{digest}"


def _within_limit(name: str, ident: str) -> bool:
    overrides = getattr(settings, "ACCOUNT_RATE_LIMITS", {}) or {}
    limit, window = overrides.get(name, DEFAULT_RATE_LIMITS[name])
    key = _rate_key(name, ident)
    if cache.add(key, 1, timeout=window):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:
        cache.add(key, 1, timeout=window)
        return True


def _code_key(user_pk) -> str:
    return f"accounts:reset:{user_pk}"


def _code_digest(user_pk, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{user_pk}:{code}".encode(),
                    hashlib.sha256).hexdigest()


def _find_account(login: str):
    login = (login or "").strip()
    if not login:
        return None
    User = get_user_model()
    user = User.objects.filter(username__iexact=login, is_active=True).first()
    if user is None and MOBILE_RE.match(normalise_phone(login)):
        profiles = StaffProfile.objects.filter(phone=normalise_phone(login),
                                               user__is_active=True).select_related("user")
        matches = list(profiles[:2])
        user = matches[0].user if len(matches) == 1 else None
    return user


def password_reset_request(*, login: str, ip: str | None) -> None:
    """Text a six-digit code to the account's phone. Answers the same (nothing) whether or
    not the account exists; refuses only when the rate limit is reached."""
    ident = (login or "").strip().lower()
    if not (_within_limit("reset_ip", ip or "-") and _within_limit("reset_login", ident)):
        raise ApplicationError(
            _("Too many requests. Please wait an hour and try again."),
            code="rate_limited", status_code=429,
        )
    user = _find_account(login)
    profile = StaffProfile.objects.filter(user=user).first() if user is not None else None
    if profile is None or not profile.phone:
        return
    code = f"{secrets.randbelow(10 ** 6):06d}"
    cache.set(_code_key(user.pk), {"digest": _code_digest(user.pk, code), "attempts": 0},
              timeout=RESET_CODE_SECONDS)
    with translation.override("zh-hans"):
        message = _(
            "Your password reset code for the Red Property portal is %(code)s. It is valid "
            "for 10 minutes. If you did not ask for it, ignore this message."
        ) % {"code": code}
    send_sms(phone=profile.phone, message=message)


@transaction.atomic
def password_reset_confirm(*, login: str, code: str, new_password: str):
    """Set a new password with the texted code; the same refusal for a wrong code, an
    expired one and an unknown account."""
    refusal = ApplicationError(_("The code is wrong or has expired."), code="invalid_code",
                               fields=("code",))
    user = _find_account(login)
    if user is None:
        raise refusal
    key = _code_key(user.pk)
    entry = cache.get(key)
    if not entry:
        raise refusal
    if not hmac.compare_digest(entry["digest"], _code_digest(user.pk, (code or "").strip())):
        entry["attempts"] += 1
        if entry["attempts"] >= RESET_CODE_ATTEMPTS:
            cache.delete(key)
        else:
            cache.set(key, entry, timeout=RESET_CODE_SECONDS)
        raise refusal
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as error:
        raise _validation_to_application_error(error, "new_password1") from None
    cache.delete(key)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    profile = _profile(user)
    profile.must_change_password = False
    profile.password_changed_at = timezone.now()
    profile.save(update_fields=["must_change_password", "password_changed_at"])
    ended = end_sessions(user)
    audit.record(action=AuditAction.PASSWORD_RESET, obj=user, actor=None,
                 place=_node_of(user), changes={"method": "sms_code",
                                                "sessions_ended": ended})
    return user


@receiver(user_logged_in, dispatch_uid="accounts_must_change_password")
def _remember_one_time_password(sender, request, user, **kwargs):
    """At login, note in the session whether the password must be changed first."""
    if request is None or not hasattr(request, "session"):
        return
    if StaffProfile.objects.filter(user=user, must_change_password=True).exists():
        request.session[MUST_CHANGE_SESSION_KEY] = True
    else:
        request.session.pop(MUST_CHANGE_SESSION_KEY, None)
