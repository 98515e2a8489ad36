"""Service refusals shown on a form, next to what the user typed."""

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
