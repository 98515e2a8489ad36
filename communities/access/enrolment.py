"""One-time codes for enrolling a first second-factor device (issue 16 item 6).

An administrator issues a code for a member of staff (admin: 第二验证方式开通码); the
member enters it on ``/accounts/otp/setup/`` before the QR code is shown. A stolen
password alone therefore cannot enrol the thief's phone.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import audit
from communities.models import AuditAction, OtpEnrolmentCode
from core.errors import ApplicationError

CODE_LIFETIME = timedelta(days=3)


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


@transaction.atomic
def otp_enrolment_code_issue(*, actor, user) -> tuple[OtpEnrolmentCode, str]:
    """A new code for ``user`` (earlier unused ones stop working); shown once."""
    if actor is None or not actor.is_superuser:
        raise ApplicationError(_("Only an administrator may issue enrolment codes."),
                               code="forbidden", status_code=403)
    now = timezone.now()
    OtpEnrolmentCode.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    code = "-".join(secrets.token_hex(2).upper() for _part in range(3))
    record = OtpEnrolmentCode.objects.create(user=user, code_hash=_hash(code), issued_by=actor,
                                             expires_at=now + CODE_LIFETIME)
    audit.record(action=AuditAction.OTP_ENROLMENT_ISSUED, obj=record, actor=actor,
                 changes={"user": user.get_username()})
    return record, code


@transaction.atomic
def otp_enrolment_code_redeem(*, user, code: str) -> bool:
    """Use ``code`` for ``user``: True once, when it is theirs, unused and not expired."""
    record = (OtpEnrolmentCode.objects.select_for_update()
              .filter(user=user, code_hash=_hash(code or ""), used_at__isnull=True,
                      expires_at__gt=timezone.now()).first())
    if record is None:
        return False
    record.used_at = timezone.now()
    record.save(update_fields=["used_at"])
    return True
