from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import ManagementMode, ServiceKind
from communities.selectors import display_vulnerable_label
from core.forms import DateTimeLocalInput


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


class PatrolVisitForm(forms.Form):
    """A grid worker's patrol visit; the resident list is limited to the user's scope."""

    resident = forms.ModelChoiceField(label=_("vulnerable resident"), queryset=None)
    visited_at = forms.DateTimeField(
        label=_("visited at"), widget=DateTimeLocalInput()
    )
    visitor_name = forms.CharField(label=_("visited by"), max_length=50)
    condition = forms.CharField(label=_("condition found"), max_length=200, required=False)
    needs_follow_up = forms.BooleanField(label=_("needs follow-up"), required=False)

    def __init__(self, *args, residents, show_pii, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents
        self.fields["resident"].label_from_instance = (
            lambda r: display_vulnerable_label(r, show_pii=show_pii)
        )


class ServiceRecordForm(forms.Form):
    site = forms.ModelChoiceField(label=_("service site"), queryset=None)
    kind = forms.ChoiceField(label=_("service"), choices=())
    served_at = forms.DateTimeField(
        label=_("served at"), widget=DateTimeLocalInput()
    )
    visitors = forms.IntegerField(label=_("people served"), min_value=1, max_value=10000,
                                  initial=1)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, sites, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["kind"].choices = ServiceKind.choices
