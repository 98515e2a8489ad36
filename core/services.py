"""Helpers every service uses: validate then save, and the checks of a dated input."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import CharField, TextField
from django.utils import timezone

from .errors import ApplicationError
from .validators import normalise_phone, validate_phone


def refuse_null_characters(obj) -> None:
    """Refuse text fields holding NUL characters (PostgreSQL cannot store them) with a
    validation message, as a form would."""
    check = ProhibitNullCharactersValidator()
    errors = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname, None)
        if isinstance(field, CharField | TextField) and isinstance(value, str):
            try:
                check(value)
            except ValidationError as error:
                errors[field.name] = error.messages
    if errors:
        raise ValidationError(errors)


def normalise_phone_fields(obj) -> None:
    """Store every phone number (a field validated by ``validate_phone``) in one form:
    "+86 139-1234 5678" becomes "13912345678", whichever way in it came."""
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname, None)
        if isinstance(value, str) and validate_phone in field.validators:
            setattr(obj, field.attname, normalise_phone(value))


def save_validated(obj, **kwargs):
    """Phone numbers normalised, NUL check (before ``full_clean``: its unique checks query
    the values), full model validation, then save; ``kwargs`` go to ``save``
    (``update_fields``)."""
    normalise_phone_fields(obj)
    refuse_null_characters(obj)
    obj.full_clean()
    obj.save(**kwargs)
    return obj


def require_aware_past(
    moment: datetime | None, *, missing_message, future_message, future_code: str,
    tolerance: timedelta = timedelta(0), field: str | None = None,
) -> datetime:
    """A time a person says something happened: given, with a time zone, not in the future
    (beyond ``tolerance``, for a clock a little ahead of the server's)."""
    fields = (field,) if field else ()
    if moment is None or timezone.is_naive(moment):
        raise ApplicationError(missing_message, code="invalid_time", fields=fields)
    if moment > timezone.now() + tolerance:
        raise ApplicationError(future_message, code=future_code, fields=fields)
    return moment
