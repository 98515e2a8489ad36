"""The admin of accounts run by the district: the same rules as /staff/accounts/
(communities.accounts decides which accounts, roles and units an official reaches)."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities import accounts
from communities.account_forms import resolve_unit, unit_choices
from communities.models import StaffAccount, StaffRole
from core.errors import ApplicationError
from core.validators import mask_phone


class StaffAccountForm(forms.ModelForm):
    phone = forms.CharField(label=gettext_lazy("mobile phone"), max_length=20)
    role = forms.ChoiceField(label=gettext_lazy("role"))
    unit = forms.ChoiceField(label=gettext_lazy("unit"))
    title = forms.CharField(label=gettext_lazy("job title"), max_length=50, required=False)
    text_password = forms.BooleanField(
        label=gettext_lazy("Also text the one-time password to this phone"), required=False
    )

    class Meta:
        model = StaffAccount
        fields = ["username", "first_name"]

    actor = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["role"].choices = [(r, StaffRole(r).label)
                                       for r in accounts.grantable_roles(self.actor)]
        self.fields["unit"].choices = unit_choices(self.actor)
        if self.instance.pk:
            assignment = accounts.current_assignment(self.instance)
            profile = getattr(self.instance, "staff_profile", None)
            self.initial.setdefault("phone", profile.phone if profile else "")
            if assignment is not None:
                self.initial.setdefault("role", assignment.role)
                self.initial.setdefault(
                    "unit", f"{accounts.ROLE_NODE_FIELD[assignment.role]}:{assignment.node.pk}"
                )
                self.initial.setdefault("title", assignment.title)

    def clean_unit(self):
        node = resolve_unit(self.cleaned_data["unit"], self.actor)
        if node is None:
            raise forms.ValidationError(_("Choose a unit inside your area that matches the role."))
        return node


@admin.register(StaffAccount)
class StaffAccountAdmin(admin.ModelAdmin):
    form = StaffAccountForm
    list_display = ["username", "first_name", "role_display", "unit_display", "phone_display",
                    "is_active", "second_factor_display"]
    list_filter = ["is_active"]
    search_fields = ["username", "first_name"]
    actions = ["deactivate_accounts", "reactivate_accounts", "reset_passwords"]

    def get_queryset(self, request):
        managed = accounts.managed_accounts(actor=request.user)
        return accounts.annotate_second_factor(
            StaffAccount.objects.filter(pk__in=managed.values("pk"))
        ).select_related("staff_profile")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["username", "first_name", "phone", "role", "unit", "title", "text_password"]
        return ["first_name", "phone", "role", "unit", "title"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type("BoundStaffAccountForm", (form,), {"actor": request.user})

    # Who may: officials who manage accounts, on the accounts they manage.
    def _manages(self, request, obj=None) -> bool:
        if not accounts.can_manage_accounts(request.user):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return accounts.can_manage_accounts(request.user)

    def has_view_permission(self, request, obj=None):
        return self._manages(request, obj)

    def has_add_permission(self, request):
        return accounts.can_manage_accounts(request.user)

    def has_change_permission(self, request, obj=None):
        return self._manages(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # switched off, never deleted: the audit trail points at accounts

    # Columns
    @admin.display(description=gettext_lazy("role"))
    def role_display(self, obj):
        assignment = accounts.current_assignment(obj)
        return assignment.get_role_display() if assignment else ""

    @admin.display(description=gettext_lazy("unit"))
    def unit_display(self, obj):
        assignment = accounts.current_assignment(obj)
        return str(assignment.node) if assignment else ""

    @admin.display(description=gettext_lazy("mobile phone"))
    def phone_display(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return mask_phone(profile.phone) if profile else ""

    @admin.display(description=gettext_lazy("second factor"), boolean=True)
    def second_factor_display(self, obj):
        return bool(getattr(obj, "has_second_factor", False))

    # Writes go through communities.accounts
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            accounts.account_update(
                actor=request.user, user=obj, full_name=data["first_name"],
                phone=data["phone"], role=data["role"], node=data["unit"], title=data["title"],
            )
            return
        result = accounts.account_create(
            actor=request.user, username=data["username"], full_name=data["first_name"],
            phone=data["phone"], role=data["role"], node=data["unit"], title=data["title"],
            text_password=data["text_password"],
        )
        obj.pk = result.user.pk
        request._one_time_passwords = [result]

    def save_related(self, request, form, formsets, change):
        """Nothing related is saved by the form; the service did it all."""

    def response_add(self, request, obj, post_url_continue=None):
        return self._show_passwords(request, getattr(request, "_one_time_passwords", []),
                                    created=True)

    def _show_passwords(self, request, results, *, created):
        return render(request, "communities/accounts/admin_passwords.html", {
            **self.admin_site.each_context(request), "results": results, "created": created,
            "opts": self.model._meta, "title": _("One-time passwords"),
        })

    @admin.action(description=gettext_lazy("Switch the selected accounts off"),
                  permissions=["change"])
    def deactivate_accounts(self, request, queryset):
        for account in queryset:
            accounts.account_deactivate(actor=request.user, user=account)

    @admin.action(description=gettext_lazy("Switch the selected accounts on again"),
                  permissions=["change"])
    def reactivate_accounts(self, request, queryset):
        for account in queryset:
            accounts.account_reactivate(actor=request.user, user=account)

    @admin.action(description=gettext_lazy("Give the selected accounts new one-time passwords"),
                  permissions=["change"])
    def reset_passwords(self, request, queryset):
        results = [accounts.account_password_reset(actor=request.user, user=account)
                   for account in queryset]
        return self._show_passwords(request, results, created=False)
