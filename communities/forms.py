from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ManagementMode


class CompoundFilterForm(forms.Form):
    district = forms.IntegerField(required=False, widget=forms.HiddenInput)
    street = forms.IntegerField(required=False, widget=forms.HiddenInput)
    community = forms.IntegerField(required=False, widget=forms.HiddenInput)
    management_mode = forms.ChoiceField(
        label=_("management mode"), required=False,
        choices=[("", _("All modes")), *ManagementMode.choices],
    )


class CompoundSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Compound name or pinyin initials"), max_length=40, required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. 林园 or lyxq"), "autocomplete": "off"}
        ),
    )
