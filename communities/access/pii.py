"""Masked fields stay masked on every way of asking (issue 16 item 2).

The PII fields of a model are the ``pii_fields`` its ``ScopedAdmin`` declares. A user
without ``communities.view_pii`` may not filter, order or search by them — not in the
admin (``ScopedAdmin.lookup_allowed``, ordering, search) and not in the API
(``PiiQueryGuard``, first in ``DEFAULT_FILTER_BACKENDS``): each lookup would reveal a
digit, and walking the digits recovers the number.
"""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from communities.selectors import can_view_pii

ORDERING_PARAMETERS = ("ordering", "order_by", "sort", "o")


def pii_fields_of(model) -> frozenset[str]:
    model_admin = admin.site._registry.get(model)
    return frozenset(getattr(model_admin, "pii_fields", ()) or ())


def reaches_pii(model, path: str) -> bool:
    """True when the ORM path ``path`` (``household__phone__startswith``, ``-phone``,
    ``^phone``) names a PII field of the model it passes through."""
    path = path.lstrip("-+^=@")
    for part in path.split(LOOKUP_SEP):
        if part in pii_fields_of(model):
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


class PiiQueryGuard(BaseFilterBackend):
    """An API filter backend: a query naming a PII field is a 400 for masked users."""

    def filter_queryset(self, request, queryset, view):
        if can_view_pii(request.user):
            return queryset
        model = queryset.model
        refused = [key for key in request.query_params if reaches_pii(model, key)]
        for key in ORDERING_PARAMETERS:
            for value in request.query_params.getlist(key):
                refused += [key for item in value.split(",") if reaches_pii(model, item)]
        if refused:
            message = _("You may not filter or sort by personal data.")
            raise ValidationError({key: [message] for key in refused})
        return queryset
