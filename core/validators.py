import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Mainland mobile: 11 digits starting 1[3-9]. Landline: area code 0xx/0xxx, 7–8 digits,
# optionally separated by a hyphen, optionally with an extension.
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


PHONE_SEPARATORS_RE = re.compile(r"[\s()（）.]")


def normalise_phone(value: str) -> str:
    """One form for a typed phone number, before it is validated or stored: full-width
    digits made ASCII, spaces, brackets and dots dropped, the country code (+86, 0086)
    dropped, and a mobile number's dashes dropped ("+86 139-1234-5678" → "13912345678").
    A landline keeps the dash after its area code ("0919-1234567")."""
    value = PHONE_SEPARATORS_RE.sub("", unicodedata.normalize("NFKC", value or ""))
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix):].lstrip("-")
            break
    digits = value.replace("-", "")
    if MOBILE_RE.match(digits):
        return digits
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
