"""Scoped admin for the properties app. Every write calls a service; a refusal from the
service is shown on the form, in Chinese, and nothing is saved."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from communities.access.admin import ScopedAdmin
from core.admin import ReadOnlyAdmin
from core.errors import ApplicationError

from . import services
from .attachments import checked_attachment
from .models import (
    ContractStatus,
    Disclosure,
    FeeBill,
    FeeImport,
    Inspection,
    InspectionItem,
    OwnersCommittee,
    Payment,
    PropertyFirm,
    RenovationProject,
    RenovationWork,
    ServiceContract,
)


class ServiceWriteAdmin(ScopedAdmin):
    """The form, once valid, calls ``write(request, form, obj)`` (a service) inside a
    savepoint; an ApplicationError or ValidationError becomes a form error."""

    def write(self, request, form, obj):
        raise ImproperlyConfigured(
            f"{type(self).__name__} must define write(request, form, obj): the service call "
            "that saves the form."
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(base):
            def _post_clean(self):
                super()._post_clean()
                if self.errors or request.method != "POST":
                    return
                try:
                    with transaction.atomic():
                        self.saved = model_admin.write(request, self, obj)
                except ApplicationError as exc:
                    self.add_error(None, exc.message)
                except ValidationError as exc:
                    for message in exc.messages:
                        self.add_error(None, message)

        return ServiceForm

    def save_model(self, request, obj, form, change):
        # The admin logs and redirects with ``obj``: make it what the service saved.
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(form.saved, field.attname))
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """The service has written everything."""


def _changed(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data}


@admin.register(PropertyFirm)
class PropertyFirmAdmin(ServiceWriteAdmin):
    list_display = ["name", "credit_code", "ownership", "red_standing", "red_standing_year",
                    "contact_person"]
    list_filter = ["ownership", "red_standing"]
    search_fields = ["name", "credit_code"]

    def write(self, request, form, obj):
        if obj is None:
            return services.firm_create(
                **{f: form.cleaned_data.get(f) for f in services.FIRM_FIELDS}
            )
        return services.firm_update(firm=obj, **_changed(form))


@admin.register(ServiceContract)
class ServiceContractAdmin(ServiceWriteAdmin):
    """A contract is started here; later only its end date can be set (which ends it)."""

    list_display = ["compound", "firm", "mode", "start_date", "end_date", "fee_standard",
                    "status"]
    list_filter = ["mode", "status", "compound__community__street__district"]
    search_fields = ["compound__name", "firm__name"]
    list_select_related = ["compound", "firm"]
    autocomplete_fields = ["compound", "firm"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["compound", "firm", "mode", "start_date", "fee_standard"]
        return ["compound", "firm", "mode", "start_date", "fee_standard", "status", "end_date"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = ["compound", "firm", "mode", "start_date", "fee_standard", "status"]
        if obj.status != ContractStatus.ACTIVE:
            readonly.append("end_date")
        return readonly

    def write(self, request, form, obj):
        if obj is None:
            data = form.cleaned_data
            return services.contract_start(
                compound=data["compound"], firm=data.get("firm"), mode=data["mode"],
                start_date=data["start_date"], fee_standard=data["fee_standard"],
                actor=request.user,
            )
        end_date = form.cleaned_data.get("end_date")
        if end_date is None:
            return obj
        return services.contract_end(contract=obj, end_date=end_date, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OwnersCommittee)
class OwnersCommitteeAdmin(ServiceWriteAdmin):
    list_display = ["compound", "kind", "term_start", "term_end", "members", "party_members"]
    list_filter = ["kind", "compound__community__street__district"]
    search_fields = ["compound__name"]
    list_select_related = ["compound"]
    autocomplete_fields = ["compound"]

    def get_readonly_fields(self, request, obj=None):
        return ["compound"] if obj else []

    def write(self, request, form, obj):
        if obj is None:
            return services.owners_committee_create(**form.cleaned_data)
        return services.owners_committee_update(committee=obj, **_changed(form))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FeeBill)
class FeeBillAdmin(ServiceWriteAdmin):
    list_display = ["household", "compound", "period_start", "period_end", "amount_due",
                    "amount_waived"]
    list_filter = ["period_start", "compound__community__street__district"]
    search_fields = ["compound__name", "household__room", "household__building__name"]
    list_select_related = ["household__building__compound", "compound"]
    autocomplete_fields = ["household"]
    date_hierarchy = "period_start"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["household", "period_start", "period_end", "amount_due"]

    def write(self, request, form, obj):
        if obj is None:
            return services.fee_bill_create(**form.cleaned_data, actor=request.user)
        return services.fee_bill_update_waiver(
            bill=obj, amount_waived=form.cleaned_data["amount_waived"], actor=request.user
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ServiceWriteAdmin):
    """Payments are never deleted. To void one, open it and give the reason."""

    list_display = ["receipt_no", "compound", "firm", "amount", "paid_at", "channel",
                    "voided_at"]
    list_filter = ["channel", ("voided_at", admin.EmptyFieldListFilter),
                   "compound__community__street__district"]
    search_fields = ["receipt_no", "compound__name"]
    list_select_related = ["compound", "firm"]
    autocomplete_fields = ["bill"]
    date_hierarchy = "paid_at"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["bill", "amount", "paid_at", "channel", "receipt_no"]
        return ["bill", "compound", "firm", "amount", "paid_at", "channel", "receipt_no",
                "recorded_by", "created_at", "void_reason", "voided_at", "voided_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = ["bill", "compound", "firm", "amount", "paid_at", "channel", "receipt_no",
                    "recorded_by", "created_at", "voided_at", "voided_by"]
        if obj.voided_at is not None:
            readonly.append("void_reason")
        return readonly

    def write(self, request, form, obj):
        data = form.cleaned_data
        if obj is None:
            return services.payment_record(
                bill=data["bill"], amount=data["amount"], paid_at=data["paid_at"],
                channel=data["channel"], receipt_no=data["receipt_no"], actor=request.user,
            )
        if not (data.get("void_reason") or "").strip():
            raise ApplicationError(_("Give the reason for voiding the payment."))
        return services.payment_void(payment=obj, reason=data["void_reason"],
                                     actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FeeImport)
class FeeImportAdmin(ReadOnlyAdmin, ScopedAdmin):
    """Imports are made on the import page; here they can be looked up."""

    list_display = ["uploaded_at", "kind", "file_name", "uploaded_by", "outcome",
                    "rows_imported", "error_count"]
    list_filter = ["kind", "outcome"]
    search_fields = ["file_name", "uploaded_by__username"]
    list_select_related = ["uploaded_by"]
    fields = ["kind", "file_name", "uploaded_by", "uploaded_at", "outcome", "rows_total",
              "rows_imported", "error_count", "errors"]
    readonly_fields = fields



class DisclosureAdminForm(forms.ModelForm):
    class Meta:
        model = Disclosure
        fields = ["compound", "item", "title", "text", "attachment", "valid_until"]

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            checked_attachment(upload)
        return upload


@admin.register(Disclosure)
class DisclosureAdmin(ServiceWriteAdmin):
    form = DisclosureAdminForm
    list_display = ["compound", "item", "title", "firm", "published_at", "valid_until"]
    list_filter = ["item", "compound__community__street__district"]
    search_fields = ["title", "compound__name"]
    list_select_related = ["compound", "firm"]
    autocomplete_fields = ["compound"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["compound", "item", "title", "text", "attachment_link", "valid_until", "firm",
                "published_at", "published_by"]

    @admin.display(description=_("attachment"))
    def attachment_link(self, notice):
        """The notice board's own link (media files are not served in production)."""
        if notice is None or not notice.pk or not notice.attachment:
            return self.get_empty_value_display()
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("disclosure-attachment", args=[notice.compound_id, notice.pk]),
            _("Open the attachment"),
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["compound", "item", "title", "text", "attachment", "valid_until"]
        return self.get_readonly_fields(request, obj)

    def write(self, request, form, obj):
        data = form.cleaned_data
        return services.disclosure_publish(
            compound=data["compound"], item=data["item"], title=data["title"],
            text=data["text"], attachment=data.get("attachment") or None,
            valid_until=data.get("valid_until"), actor=request.user,
        )

    def has_change_permission(self, request, obj=None):
        # A published notice stays as it was; publish a new one to replace it.
        return False if obj is not None else super().has_change_permission(request, obj)


class InspectionItemForm(forms.ModelForm):
    class Meta:
        model = InspectionItem
        fields = ["clause", "passed", "note", "photo"]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):
            checked_attachment(photo, images_only=True)
        return photo


class InspectionItemInline(admin.TabularInline):
    """Items are entered with the inspection; a recorded item shows its photo through the
    scoped ``inspection-photo`` view (media are not served in production), never /media/."""

    model = InspectionItem
    form = InspectionItemForm
    extra = 3
    min_num = 1
    validate_min = True

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["clause", "passed", "note", "photo"]
        return ["clause", "passed", "note", "photo_link"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["clause", "passed", "note", "photo_link"]

    @admin.display(description=_("photo"))
    def photo_link(self, item):
        if item is None or not item.pk or not item.photo:
            return self.get_empty_value_display()
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("inspection-photo", args=[item.pk]), _("View photo"),
        )

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(ScopedAdmin):
    """An inspection is recorded with its items in one go, then kept as it was."""

    list_display = ["compound", "date", "contract", "inspector", "items_passed"]
    list_filter = ["date", "compound__community__street__district"]
    search_fields = ["compound__name", "note"]
    list_select_related = ["compound", "contract__firm", "contract__compound", "inspector"]
    inlines = [InspectionItemInline]
    fields = ["contract", "date", "note"]
    autocomplete_fields = ["contract"]

    def get_queryset(self, request):
        from django.db.models import Count, Q

        return super().get_queryset(request).annotate(
            n_items=Count("items"), n_passed=Count("items", filter=Q(items__passed=True))
        )

    @admin.display(description=_("items passed"))
    def items_passed(self, obj):
        return f"{obj.n_passed}/{obj.n_items}"

    def get_readonly_fields(self, request, obj=None):
        return ["contract", "date", "note"] if obj else []

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Written with its items in save_related, through the service."""

    def save_related(self, request, form, formsets, change):
        items = []
        for formset in formsets:
            # Written by the service below; the change message reads these.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for item_form in formset.forms:
                data = item_form.cleaned_data
                if not data or data.get("DELETE") or not data.get("clause"):
                    continue
                items.append({
                    "clause": data["clause"], "passed": data.get("passed", False),
                    "note": data.get("note", ""), "photo": data.get("photo") or None,
                })
        inspection = services.inspection_record(
            contract=form.cleaned_data["contract"], date=form.cleaned_data["date"],
            note=form.cleaned_data.get("note", ""), inspector=request.user, items=items,
        )
        form.instance.pk = inspection.pk
        form.instance.compound_id = inspection.compound_id
        form.instance.inspector = inspection.inspector
        form.instance._state.adding = False


class RenovationProjectForm(forms.ModelForm):
    works = forms.MultipleChoiceField(
        label=_("works"), choices=RenovationWork.choices, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = RenovationProject
        fields = ["compound", "year", "works", "budget", "status", "completion_date"]


@admin.register(RenovationProject)
class RenovationProjectAdmin(ServiceWriteAdmin):
    form = RenovationProjectForm
    list_display = ["compound", "year", "works_display", "budget", "status", "completion_date"]
    list_filter = ["status", "year", "compound__community__street__district"]
    search_fields = ["compound__name"]
    list_select_related = ["compound"]
    autocomplete_fields = ["compound"]

    @admin.display(description=_("works"))
    def works_display(self, obj):
        return obj.get_works_display()

    def get_readonly_fields(self, request, obj=None):
        return ["compound"] if obj else []

    def write(self, request, form, obj):
        data = dict(form.cleaned_data)
        data["works"] = list(data.get("works") or [])
        if obj is None:
            return services.renovation_project_create(**data)
        changes = _changed(form)
        if "works" in changes:
            changes["works"] = list(changes["works"])
        return services.renovation_project_update(project=obj, **changes)

    def has_delete_permission(self, request, obj=None):
        return False
