"""Scoped admin for the properties app. Every write calls a service; a refusal from the
service is shown on the form, in Chinese, and nothing is saved."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from communities.access.admin import ScopedAdmin
from core.admin import ReadOnlyAdmin, ServiceAdmin, changed_values

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
from .owner_votes import admin as owner_votes_admin  # noqa: F401  (registers its admins)


@admin.register(PropertyFirm)
class PropertyFirmAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["name", "credit_code", "ownership", "red_standing", "red_standing_year",
                    "contact_person"]
    list_filter = ["ownership", "red_standing"]
    search_fields = ["name", "credit_code"]

    def write(self, request, form, obj):
        if obj is None:
            return services.firm_create(
                **{f: form.cleaned_data.get(f) for f in services.FIRM_FIELDS}
            )
        return services.firm_update(firm=obj, **changed_values(form))


@admin.register(ServiceContract)
class ServiceContractAdmin(ServiceAdmin, ScopedAdmin):
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

    def check_input(self, request, data, obj):
        if obj is None:
            services.check_contract_start(compound=data["compound"], firm=data.get("firm"),
                                          mode=data["mode"], start_date=data["start_date"])
        elif data.get("end_date") is not None:
            services.check_contract_end(contract=obj, end_date=data["end_date"])

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


@admin.register(OwnersCommittee)
class OwnersCommitteeAdmin(ServiceAdmin, ScopedAdmin):
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
        return services.owners_committee_update(committee=obj, **changed_values(form))


@admin.register(FeeBill)
class FeeBillAdmin(ServiceAdmin, ScopedAdmin):
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

    def check_input(self, request, data, obj):
        if obj is not None:
            services.check_fee_bill_waiver(bill=obj, amount_waived=data.get("amount_waived"))

    def write(self, request, form, obj):
        if obj is None:
            return services.fee_bill_create(**form.cleaned_data, actor=request.user)
        return services.fee_bill_update_waiver(
            bill=obj, amount_waived=form.cleaned_data["amount_waived"], actor=request.user
        )


@admin.register(Payment)
class PaymentAdmin(ServiceAdmin, ScopedAdmin):
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

    def check_input(self, request, data, obj):
        if obj is None:
            services.check_payment(bill=data["bill"], amount=data["amount"])
        else:
            services.check_payment_void(payment=obj, reason=data.get("void_reason"))

    def write(self, request, form, obj):
        data = form.cleaned_data
        if obj is None:
            return services.payment_record(
                bill=data["bill"], amount=data["amount"], paid_at=data["paid_at"],
                channel=data["channel"], receipt_no=data["receipt_no"], actor=request.user,
            )
        return services.payment_void(payment=obj, reason=data["void_reason"],
                                     actor=request.user)


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
class DisclosureAdmin(ServiceAdmin, ScopedAdmin):
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

    def check_input(self, request, data, obj):
        services.check_disclosure(compound=data["compound"], actor=request.user)

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
class InspectionAdmin(ServiceAdmin, ScopedAdmin):
    """An inspection is recorded with its items in one go, then kept as it was."""

    list_display = ["compound", "date", "contract", "inspector", "items_passed"]
    list_filter = ["date", "compound__community__street__district"]
    search_fields = ["compound__name", "note"]
    list_select_related = ["compound", "contract__firm", "contract__compound", "inspector"]
    inlines = [InspectionItemInline]
    fields = ["contract", "date", "note"]
    autocomplete_fields = ["contract"]

    def get_queryset(self, request):
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

    def write(self, request, form, obj):
        items = [
            {"clause": row["clause"], "passed": row.get("passed", False),
             "note": row.get("note", ""), "photo": row.get("photo") or None}
            for row in self.new_inline_rows(request) if row.get("clause")
        ]
        data = form.cleaned_data
        return services.inspection_record(
            contract=data["contract"], date=data["date"], note=data.get("note", ""),
            inspector=request.user, items=items,
        )


class RenovationProjectForm(forms.ModelForm):
    works = forms.MultipleChoiceField(
        label=_("works"), choices=RenovationWork.choices, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = RenovationProject
        fields = ["compound", "year", "works", "budget", "status", "completion_date"]


@admin.register(RenovationProject)
class RenovationProjectAdmin(ServiceAdmin, ScopedAdmin):
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
        changes = changed_values(form)
        if "works" in changes:
            changes["works"] = list(changes["works"])
        return services.renovation_project_update(project=obj, **changes)
