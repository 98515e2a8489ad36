from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities.models import Building, Compound
from core.validators import validate_phone

from . import lifecycle, selectors
from .models import STAFF_CHANNELS, Category, Channel, Satisfaction, Status, Urgency
from .photos import clean_photos
from .reply_templates import templates_for


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to three photos, each decoded and re-encoded without EXIF."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp")

    def clean(self, data, initial=None):
        return clean_photos([f for f in (data if isinstance(data, list | tuple) else [data])
                             if f])


def _phone_field(label=None):
    return forms.CharField(
        label=label or _("Mobile or landline"), max_length=20, validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel",
                                      "inputmode": "tel"}),
        error_messages={"required": _("Enter your phone number so we can reach you.")},
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class ComplaintBaseForm(forms.Form):
    category = CategoryChoiceField(
        label=_("What kind of problem?"), queryset=selectors.leaf_categories(),
        empty_label=_("— choose —"),
        error_messages={"required": _("Choose a category."),
                        "invalid_choice": _("Choose a category.")},
    )
    building = forms.ModelChoiceField(
        label=_("Building (optional)"), queryset=Building.objects.none(), required=False,
        empty_label=_("— not sure / public area —"),
    )
    description = forms.CharField(
        label=_("Describe the problem"), min_length=5, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 1000}),
        error_messages={
            "required": _("Describe the problem."),
            "min_length": _("Please describe the problem in a few more words."),
            "max_length": _("At most 1,000 characters, please."),
        },
    )
    reporter_name = forms.CharField(
        label=_("Your name"), max_length=30,
        error_messages={"required": _("Enter your name."),
                        "max_length": _("At most 30 characters.")},
    )
    reporter_phone = _phone_field()

    def __init__(self, *args, compound: Compound | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.compound = compound
        if compound is not None:
            self.fields["building"].queryset = compound.buildings.order_by("name")


class ComplaintSubmitForm(ComplaintBaseForm):
    """The residents' form (no login)."""

    photos = PhotosField(label=_("Photos (up to 3, JPEG/PNG/WebP, 5 MB each)"))
    # A honeypot: hidden from people by CSS, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))
    seen_similar = forms.BooleanField(required=False, widget=forms.HiddenInput)

    field_order = ["category", "building", "description", "photos", "reporter_name",
                   "reporter_phone"]

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class ComplaintLogForm(ComplaintBaseForm):
    """Staff log a request taken by phone, at the window or from the 12345 hotline."""

    compound = forms.ModelChoiceField(label=_("compound"), queryset=Compound.objects.none())
    channel = forms.ChoiceField(label=_("channel"),
                                choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices,
                                initial=Urgency.NORMAL)
    external_ref = forms.CharField(label=_("12345 work-order number"), max_length=40,
                                   required=False)
    reporter_name = forms.CharField(label=_("Resident's name"), max_length=30)
    reporter_phone = _phone_field(_("Resident's phone"))

    field_order = ["compound", "channel", "external_ref", "category", "building", "urgency",
                   "description", "reporter_name", "reporter_phone"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = selectors.compound_choices(user=user)
        # The building list fills when a compound is chosen (static/js/site.js).
        self.fields["compound"].widget.attrs.update({
            "data-options-url": reverse("building-options"),
            "data-options-for": self["building"].auto_id,
        })
        compound_id = self.data.get("compound") if self.is_bound else None
        if compound_id and str(compound_id).isdigit():
            self.fields["building"].queryset = Building.objects.filter(
                compound_id=compound_id, compound__in=self.fields["compound"].queryset
            )

    def clean(self):
        cleaned = super().clean()
        building, compound = cleaned.get("building"), cleaned.get("compound")
        if building and compound and building.compound_id != compound.pk:
            self.add_error("building", _("The building does not belong to the compound."))
        return cleaned


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("Enter the tracking code.")},
    )
    last4 = forms.RegexField(
        label=_("Last four digits of your phone"), regex=r"^\d{4}$", max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Enter the last four digits of your phone."),
                        "invalid": _("Enter four digits.")},
    )


class FeedbackForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label=_("Is the problem resolved?"),
        choices=[("yes", _("Yes, resolved")), ("no", _("No, not resolved"))],
        coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the problem is resolved.")},
    )
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with the handling?"), choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# What the workbench says when an input the action needs (``Transition.inputs``) is empty.
INPUT_REQUIRED = {
    "target": _("Choose who will handle the complaint."),
    "duplicate_of": _("Give the tracking code of another complaint of the same compound."),
    "resolved": _("Say whether the problem is resolved."),
    "satisfaction": _("Choose how satisfied the resident is."),
}


class ActionForm(forms.Form):
    """One form for every staff action; ``lifecycle.TRANSITIONS`` says which of its
    fields an action takes and which it needs."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    template = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}))
    target = forms.ChoiceField(label=_("Dispatch to"), required=False, choices=())
    duplicate_of = forms.CharField(label=_("Tracking code of the original"), max_length=16,
                                   required=False)
    photos = PhotosField(label=_("Photos (up to 3)"))
    resolved = forms.TypedChoiceField(
        label=_("Is the problem resolved?"), required=False,
        choices=[("", "—"), ("yes", _("Yes, resolved")), ("no", _("No, not resolved"))],
        coerce=lambda v: v == "yes", empty_value=None,
    )
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), required=False,
                                     choices=[("", "—"), *Satisfaction.choices])

    def __init__(self, *args, action: str, complaint, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.transition = lifecycle.TRANSITIONS[action]
        self.fields["note"].label = self.transition.note_label
        self.fields["target"].choices = [("", "—"), *targets]
        self.templates = templates_for(action)

    @property
    def input_fields(self):
        """The bound fields the action needs besides the note, in the table's order."""
        return [self[name] for name in self.transition.inputs]

    @property
    def optional_input_fields(self):
        return [self[name] for name in self.transition.optional_inputs]

    def clean(self):
        cleaned = super().clean()
        note = (cleaned.get("note") or "").strip()
        if not note and cleaned.get("template"):
            note = dict(self.templates).get(cleaned["template"], "")
        cleaned["note"] = str(note)
        for name in self.transition.inputs:
            if name not in self.errors and cleaned.get(name) in (None, ""):
                self.add_error(name, INPUT_REQUIRED[name])
        return cleaned


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=40, required=False,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("code, text, compound")}))
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("All statuses")), *Status.choices])
    category = forms.ModelChoiceField(label=_("category"), required=False,
                                      queryset=None, empty_label=_("All categories"))
    # A search box, not a <select>: a city has thousands of compounds. The text is
    # matched against the names of compounds of complaints in the user's scope (an
    # old-style numeric id also matches that compound, still only within the scope).
    compound = forms.CharField(label=_("compound"), max_length=60, required=False,
                               widget=forms.TextInput(attrs={
                                   "type": "search", "placeholder": _("compound name"),
                                   "aria-label": _("compound name")}))
    channel = forms.ChoiceField(label=_("channel"), required=False,
                                choices=[("", _("All channels")), *Channel.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    due_today = forms.BooleanField(label=_("Due today"), required=False)
    follow_up = forms.BooleanField(label=_("Waiting for follow-up call"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.select_related("parent").order_by(
            "order", "code"
        )
