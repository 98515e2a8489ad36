"""Admin mixins shared by every app: read-only ledgers, and the one bridge from an admin
form to the services."""

from django.contrib.admin.utils import construct_change_message
from django.core.exceptions import ImproperlyConfigured, ValidationError

from .errors import ApplicationError
from .forms import add_service_error

# Set on the request when the service refused at save time, so that the form shown again
# carries the refusal next to what the user typed.
_REFUSAL = "_service_refusal"
_FORMSETS = "_service_formsets"


class ReadOnlyAdmin:
    """A mixin for records written only by services (or the system): the admin shows
    them and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def changed_values(form) -> dict:
    """What the user changed on ``form``: {field: cleaned value}."""
    return {name: form.cleaned_data[name] for name in form.changed_data
            if name in form.cleaned_data}


class ServiceAdmin:
    """The one bridge between an admin and the services (put it before ``ScopedAdmin``).

    - ``check_input(request, data, obj)`` runs the services' pure ``check_*`` functions on the
      form's cleaned data from the form's ``clean()``: a refusal appears next to the
      user's input, which the form keeps. Nothing is written while validating.
    - ``write(request, form, obj)`` calls the service (``obj`` is None when adding) and
      returns what it saved; the admin's own ``save_model``/``save_related`` write nothing.
    - A refusal the service raises only at save time (a row locked and re-read, a
      database constraint) rolls the admin's transaction back, and the form is shown
      again with the refusal on it, never a server error.
    - Deleting is refused unless the admin names a service for it (override
      ``has_delete_permission`` and ``delete_model``).
    """

    def check_input(self, request, data: dict, obj) -> None:
        """Raise ApplicationError (or ValidationError) for data the service would refuse."""

    def write(self, request, form, obj):
        raise ImproperlyConfigured(
            f"{type(self).__name__} must define write(request, form, obj): the service call "
            "that saves the form."
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(base):
            def clean(self):
                data = super().clean()
                refusal = getattr(request, _REFUSAL, None)
                if refusal is not None:
                    add_service_error(self, refusal)
                elif not self.errors:
                    try:
                        model_admin.check_input(request, data, obj)
                    except (ApplicationError, ValidationError) as error:
                        add_service_error(self, error)
                return data

            def _post_clean(self):
                # The model's own validation may repeat a rule the service's check just
                # reported: show each message once.
                super()._post_clean()
                for errors in self._errors.values():
                    seen, unique = set(), []
                    for error in errors.data:
                        key = tuple(ValidationError(error).messages)
                        if key not in seen:
                            seen.add(key)
                            unique.append(error)
                    errors.data = unique

        ServiceForm.__name__ = base.__name__
        return ServiceForm

    def save_model(self, request, obj, form, change):
        saved = self.write(request, form, obj if change else None)
        if saved is not None and saved is not obj:
            # The admin logs and redirects with ``obj``: make it what the service saved.
            for field in obj._meta.concrete_fields:
                setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        setattr(request, _FORMSETS, formsets)
        return formsets, inline_instances

    @staticmethod
    def new_inline_rows(request) -> list[dict]:
        """The cleaned data of the inline rows the user filled in (for ``write`` to hand
        to the service), the rows marked for deletion left out."""
        return [
            inline_form.cleaned_data
            for formset in getattr(request, _FORMSETS, ())
            for inline_form in formset.forms
            if inline_form.instance.pk is None and inline_form.has_changed()
            and inline_form.cleaned_data and not inline_form.cleaned_data.get("DELETE")
        ]

    def save_related(self, request, form, formsets, change):
        """The service has written the relations and inline rows (see ``write``)."""

    def construct_change_message(self, request, form, formsets, add=False):
        return construct_change_message(form, None, add)

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ApplicationError, ValidationError) as refusal:
            if request.method != "POST" or getattr(request, _REFUSAL, None) is not None:
                raise
            # The transaction is rolled back; show the form again, the refusal on it.
            setattr(request, _REFUSAL, refusal)
            for _name, uploads in request.FILES.lists():
                for upload in uploads:
                    upload.seek(0)
            return super().changeform_view(request, object_id, form_url, extra_context)
