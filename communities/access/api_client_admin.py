"""Admin pages where administrators issue and revoke client systems' API tokens and
issue staff's one-time second-factor enrolment codes."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access.api_tokens import api_client_issue, api_client_revoke
from communities.access.enrolment import otp_enrolment_code_issue
from communities.models import (
    ApiClient,
    City,
    Community,
    District,
    Grid,
    OtpEnrolmentCode,
    StaffRole,
    Street,
)
from communities.models.staff import ROLE_NODE_FIELD
from core.errors import ApplicationError


class ApiClientIssueForm(forms.ModelForm):
    role = forms.ChoiceField(label=gettext_lazy("role"), choices=StaffRole.choices)
    city = forms.ModelChoiceField(City.objects.all(), required=False,
                                  label=gettext_lazy("city"))
    district = forms.ModelChoiceField(District.objects.all(), required=False,
                                      label=gettext_lazy("district"))
    street = forms.ModelChoiceField(Street.objects.all(), required=False,
                                    label=gettext_lazy("street"))
    community = forms.ModelChoiceField(Community.objects.all(), required=False,
                                       label=gettext_lazy("community"))
    grid = forms.ModelChoiceField(Grid.objects.all(), required=False,
                                  label=gettext_lazy("grid"))
    endpoints = forms.CharField(
        label=gettext_lazy("allowed endpoints"),
        help_text=gettext_lazy("Paths below /api/v1/, separated by commas: complaints, "
                               "compounds"),
    )

    class Meta:
        model = ApiClient
        fields = ["name", "can_write"]

    def clean(self):
        cleaned = super().clean()
        field = ROLE_NODE_FIELD.get(cleaned.get("role"))
        if field == "firm" or field is None:
            raise forms.ValidationError(_("Choose a role tied to a unit of the hierarchy."))
        if not cleaned.get(field):
            self.add_error(field, _("Choose the unit the client is limited to."))
        cleaned["node"] = cleaned.get(field)
        return cleaned


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Superusers only. The token is shown once, when it is issued."""

    list_display = ["name", "token_prefix", "allowed_endpoints", "can_write", "issued_by",
                    "issued_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    readonly_fields = ["name", "account", "token_prefix", "allowed_endpoints", "can_write",
                       "issued_by", "issued_at", "revoked", "revoked_at", "last_used_at"]
    actions = ["revoke_tokens"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiClientIssueForm
            kwargs["fields"] = ["name", "role", "city", "district", "street", "community",
                                "grid", "endpoints", "can_write"]
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "role", "city", "district", "street", "community", "grid",
                    "endpoints", "can_write"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        client, token = api_client_issue(
            actor=request.user, name=data["name"], role=data["role"], node=data["node"],
            allowed_endpoints=data["endpoints"].split(","), can_write=data["can_write"],
        )
        obj.pk = client.pk
        messages.warning(
            request,
            _("Token for %(name)s (shown once, copy it now): %(token)s")
            % {"name": client.name, "token": token},
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as error:  # a refusal by the service: same form, a message
            messages.error(request, error.message)
            return HttpResponseRedirect(request.get_full_path())

    def save_related(self, request, form, formsets, change):
        """Nothing else to save: the service wrote the client."""

    def log_addition(self, request, obj, message):
        """The service audits the issue itself."""

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke_tokens(self, request, queryset):
        for client in queryset:
            api_client_revoke(actor=request.user, client=client)
        messages.success(request, _("The selected tokens are revoked."))


class OtpEnrolmentIssueForm(forms.ModelForm):
    class Meta:
        model = OtpEnrolmentCode
        fields = ["user"]


@admin.register(OtpEnrolmentCode)
class OtpEnrolmentCodeAdmin(admin.ModelAdmin):
    """Superusers issue a member of staff's one-time code for their first TOTP device."""

    form = OtpEnrolmentIssueForm
    list_display = ["user", "issued_by", "issued_at", "expires_at", "used_at"]
    readonly_fields = ["user", "issued_by", "issued_at", "expires_at", "used_at"]
    autocomplete_fields = ["user"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        record, code = otp_enrolment_code_issue(actor=request.user,
                                                user=form.cleaned_data["user"])
        obj.pk = record.pk
        messages.warning(request, _("Enrolment code for %(user)s (shown once): %(code)s")
                         % {"user": record.user.get_username(), "code": code})

    def save_related(self, request, form, formsets, change):
        """The service wrote the code."""

    def log_addition(self, request, obj, message):
        """The service audits the issue itself."""
