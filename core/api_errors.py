"""One structured error shape for the whole API: {"error": {"code", "message", "fields"}}."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler

from core.errors import ApplicationError

logger = logging.getLogger(__name__)


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_error_detail(exc))
    elif isinstance(exc, ApplicationError):
        exc = _ApplicationAPIError(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, OverflowError | DataError):
        # A request value the database cannot hold: an id beyond 64 bits, a time-zone
        # offset beyond ±15:59 in a date filter (found by fuzzing). Bad input, not a 500.
        logger.warning("API request refused, value out of range: %s", type(exc).__name__)
        exc = exceptions.ParseError()

    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields = {}
    if isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        fields = {k: v for k, v in detail.items() if k != "non_field_errors"}
        message = "; ".join(str(m) for m in detail.get("non_field_errors", [])) or str(
            _first_message(detail)
        )
    elif isinstance(detail, dict) and "detail" in detail:
        message = str(detail["detail"])
    elif isinstance(detail, list):
        message = "; ".join(str(m) for m in detail)
    else:
        message = str(detail)
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, _ApplicationAPIError):
        code = exc.code
        # The inputs the refusal is about (ApplicationError.fields), as a form shows it.
        fields = {field: [message] for field in exc.fields}
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response


class _ApplicationAPIError(exceptions.APIException):
    def __init__(self, error: ApplicationError):
        self.status_code = error.status_code
        self.code = error.code
        self.fields = error.fields
        super().__init__(detail=error.message, code=error.code)


def _django_error_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _first_message(detail):
    for value in detail.values():
        if isinstance(value, list | tuple) and value:
            return _first_message(value) if isinstance(value[0], dict) else value[0]
        if isinstance(value, dict):
            return _first_message(value)
        return value
    return ""
