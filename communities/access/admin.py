"""The admin side of scoping: every ModelAdmin of a scoped model derives from this."""

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.views.main import ORDER_VAR
from django.http import Http404
from django.utils.translation import gettext as _

from communities.access.pii import reaches_pii
from communities.access.scoping import is_in_scope, scope_queryset
from communities.audit import record_pii_view, user_place
from communities.selectors import can_view_pii
from core.validators import mask_phone


class ScopedAdmin(admin.ModelAdmin):
    """Limits the changelist, foreign-key choices and object permissions to the user's scope.

    ``pii_fields`` are shown masked (and read-only) to users without the PII permission.
    """

    pii_fields: tuple[str, ...] = ()

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Out of scope and nonexistent look the same: a 404, not a redirect.
            raise Http404(_("No such record in your area."))
        return obj

    def _related_in_scope(self, db_field, request, kwargs):
        related = db_field.remote_field.model
        if hasattr(related, "scope_lookups"):
            base = kwargs.get("queryset") or related._default_manager.all()
            kwargs["queryset"] = scope_queryset(base, request.user)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._related_in_scope(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._related_in_scope(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _object_in_scope(self, request, obj) -> bool:
        return obj is None or is_in_scope(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._object_in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._object_in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._object_in_scope(request, obj)

    # PII: whoever sees it unmasked leaves an audit event (communities.audit)
    def _shows_pii(self, request) -> bool:
        return bool(self.pii_fields) and can_view_pii(request.user)

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if change and obj is not None and self._shows_pii(request):
            record_pii_view(request=request, obj=obj, fields=self.pii_fields)
        return super().render_change_form(request, context, add=add, change=change,
                                          form_url=form_url, obj=obj)

    def changelist_view(self, request, extra_context=None):
        self._refuse_pii_ordering(request)
        response = super().changelist_view(request, extra_context)
        if getattr(response, "status_code", None) == 200 and self._shows_pii(request):
            changelist = (getattr(response, "context_data", None) or {}).get("cl")
            record_pii_view(
                request=request, object_type=self.model._meta.label_lower,
                place=user_place(request.user), fields=self.pii_fields,
                count=getattr(changelist, "result_count", None),
            )
        return response

    # PII: masked display for users without the permission
    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if self.pii_fields and not can_view_pii(request.user):
            fields = [f"{f}_masked" if f in self.pii_fields else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self.pii_fields and not can_view_pii(request.user):
            readonly += [f"{f}_masked" for f in self.pii_fields]
        return readonly

    def get_list_display(self, request):
        display = list(super().get_list_display(request))
        if self.pii_fields and not can_view_pii(request.user):
            display = [f"{f}_masked" if f in self.pii_fields else f for f in display]
        return display

    # PII: no lookup, ordering or search reaches a masked field (communities.access.pii).
    # Filtering, ordering or searching by a hidden number would reveal it digit by digit.
    def get_search_fields(self, request):
        fields = list(super().get_search_fields(request))
        if not can_view_pii(request.user):
            fields = [f for f in fields if not reaches_pii(self.model, f)]
        return fields

    def lookup_allowed(self, lookup, value, request=None):
        if request is not None and not can_view_pii(request.user) and reaches_pii(
            self.model, lookup
        ):
            return False  # the changelist answers 400 (DisallowedModelAdminLookup)
        return super().lookup_allowed(lookup, value, request)

    def _pii_columns(self, request) -> set[str]:
        """The changelist columns (unmasked names) that show or sort by a PII field."""
        columns = set()
        for name in super().get_list_display(request):
            target = name if isinstance(name, str) else getattr(name, "__name__", "")
            order_field = getattr(getattr(self, target, None), "admin_order_field", None)
            if reaches_pii(self.model, target) or (
                isinstance(order_field, str) and reaches_pii(self.model, order_field)
            ):
                columns.add(target)
        return columns

    def get_sortable_by(self, request):
        sortable = super().get_sortable_by(request)
        if can_view_pii(request.user):
            return sortable
        refused = self._pii_columns(request)
        return [name for name in self.get_list_display(request)
                if name not in refused and not str(name).endswith("_masked")
                and name in sortable]

    def _refuse_pii_ordering(self, request) -> None:
        ordering = request.GET.get(ORDER_VAR, "")
        if not ordering or can_view_pii(request.user):
            return
        display = list(super().get_list_display(request))
        refused = self._pii_columns(request)
        for item in ordering.split("."):
            index = item.lstrip("-")
            if index.isdecimal() and int(index) < len(display):
                name = display[int(index)]
                if (name if isinstance(name, str) else name.__name__) in refused:
                    raise DisallowedModelAdminLookup(_("Sorting by personal data is refused."))


def masked(field_name: str, label):
    """A read-only admin column (a ModelAdmin method) showing ``field_name`` masked."""

    def display(_model_admin, obj):
        return mask_phone(getattr(obj, field_name))

    display.short_description = label
    display.__name__ = f"{field_name}_masked"
    return display
