"""Service refusals shown on a form, next to what the user typed; date and time widgets
that pre-fill in the format the browser's input type needs."""

from django import forms
from django.core.exceptions import ValidationError

from .errors import ApplicationError


def service_error_messages(error) -> list[str]:
    if isinstance(error, ApplicationError):
        return [str(error.message)]
    return [str(m) for m in error.messages]


def add_service_error(form, error: ApplicationError | ValidationError) -> None:
    """Put a service's refusal on ``form``: on the named fields the form has, else on the
    form as a whole. The form keeps its bound data, so nothing typed is lost."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return
    fields = [f for f in getattr(error, "fields", ()) if f in form.fields]
    messages = service_error_messages(error)
    if fields:
        for field in fields:
            form.add_error(field, messages)
    else:
        form.add_error(None, messages)


class DateTimeLocalInput(forms.DateTimeInput):
    """``<input type="datetime-local">`` pre-filled as ``YYYY-MM-DDTHH:MM``: the only
    format the browser accepts (the locale's ``2026/12/02 05:30`` is silently dropped)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    """``<input type="date">`` pre-filled as ``YYYY-MM-DD`` whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
