from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BallotChoice


class OnlineBallotForm(forms.Form):
    """The resident names the unit (building, entrance, room), asks for a code, then votes."""

    building = forms.ModelChoiceField(label=_("Building"), queryset=None,
                                      empty_label=_("Choose the building"))
    unit = forms.CharField(label=_("Entrance (if any)"), max_length=10, required=False)
    room = forms.CharField(label=_("Room"), max_length=10)
    choice = forms.ChoiceField(label=_("Your choice"), choices=BallotChoice.choices,
                               widget=forms.RadioSelect, required=False)
    code = forms.CharField(label=_("Code from the text message"), max_length=6,
                           required=False,
                           widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                         "autocomplete": "one-time-code"}))

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings
