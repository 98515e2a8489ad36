from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

from .attachments import checked_attachment
from .models import DisclosureItem, ImportKind

MAX_IMPORT_BYTES = 50 * 1024 * 1024


class FeeImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=ImportKind.choices, widget=forms.RadioSelect,
        initial=ImportKind.BILLS,
    )
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        help_text=_("Use the template: the first row holds the column names."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("Only .xlsx and .csv files can be imported."))
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 50 MB; split it into parts."))
        return upload


class DisclosureForm(forms.Form):
    compound = forms.ModelChoiceField(label=_("compound"), queryset=None)
    item = forms.ChoiceField(label=_("item"), choices=DisclosureItem.choices)
    title = forms.CharField(label=_("title"), max_length=120)
    text = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(
        label=_("attachment"), required=False,
        help_text=_("A PDF or a JPEG/PNG image, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    valid_until = forms.DateField(
        label=_("valid until"), required=False,
        widget=DateInput(),
        help_text=_("Leave empty if the notice stays valid until replaced."),
    )

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            checked_attachment(upload)
        return upload
