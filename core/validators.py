import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Mainland mobile: 11 digits starting 1[3-9]. Landline: area code 0xx/0xxx, 7–8 digits,
# optionally separated by a hyphen, optionally with an extension.
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalise_phone(value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if value.startswith("+86"):
        value = value[3:]
    return value


def is_valid_phone(value: str) -> bool:
    value = normalise_phone(value)
    return bool(MOBILE_RE.match(value) or LANDLINE_RE.match(value))


def validate_phone(value: str) -> None:
    if value and not is_valid_phone(value):
        raise ValidationError(
            _("Enter a valid mainland mobile number (11 digits) or landline (e.g. 0919-1234567)."),
            code="invalid_phone",
        )


def mask_phone(value: str) -> str:
    """138****1234 for a mobile; keep only the last four digits of anything else."""
    value = normalise_phone(value)
    if not value:
        return ""
    if MOBILE_RE.match(value):
        return f"{value[:3]}****{value[-4:]}"
    return "****" + value[-4:]
