from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.access.scoping import scope_queryset
from communities.models import Community, Compound
from core.forms import DateInput, DateTimeLocalInput
from core.timeutils import local_now, local_today

from .models import (
    FIVE_STANDARDS,
    ActionStatus,
    FundAllocation,
    MeetingKind,
    PartyOrganization,
    ReportKind,
    ReviewDecision,
)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)
    kind = forms.ChoiceField(label=_("kind"), required=False,
                             choices=[("", _("All kinds")), *MeetingKind.choices])


class MeetingForm(forms.Form):
    community = forms.ModelChoiceField(label=_("community"), queryset=Community.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=MeetingKind.choices)
    held_at = forms.DateTimeField(
        label=_("held at"), widget=DateTimeLocalInput(),
    )
    title = forms.CharField(label=_("title"), max_length=120)
    compounds = forms.ModelMultipleChoiceField(
        label=_("compounds concerned"), queryset=Compound.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("attending organisations"), queryset=PartyOrganization.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple,
    )
    owners_committee_present = forms.BooleanField(label=_("owners' committee present"),
                                                  required=False)
    attendees = forms.CharField(label=_("attendees"), widget=forms.Textarea(attrs={"rows": 3}),
                                required=False)
    topics = forms.CharField(label=_("topics"), widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label=_("minutes"), widget=forms.Textarea(attrs={"rows": 4}),
                              required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = scope_queryset(Community.objects.all(), user)
        self.fields["compounds"].queryset = scope_queryset(
            Compound.objects.select_related("community"), user
        ).order_by("community__name", "name")
        self.fields["organizations"].queryset = scope_queryset(
            PartyOrganization.objects.all(), user
        ).filter(depth__lte=1).order_by("path")
        if not self.is_bound:
            self.initial.setdefault("held_at", local_now().replace(second=0, microsecond=0,
                                                                   tzinfo=None))


class ActionItemForm(forms.Form):
    description = forms.CharField(label=_("decision"), max_length=300, required=False)
    owner = forms.CharField(label=_("owner"), max_length=100, required=False)
    due_date = forms.DateField(label=_("due date"), required=False,
                               widget=DateInput())

    def clean(self):
        data = super().clean()
        filled = [bool(data.get(f)) for f in ("description", "owner", "due_date")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(_("Give the decision, its owner and its due date."))
        return data


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=3, max_num=20)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ActionStatus.choices)


class PointApplyForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("applying branch"), queryset=PartyOrganization.objects.none()
    )
    name = forms.CharField(label=_("name"), max_length=100)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    goals = forms.CharField(label=_("goals"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = scope_queryset(
            PartyOrganization.objects.filter(community__isnull=False), user
        ).order_by("path")
        self.initial.setdefault("year", local_today().year)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[(ReviewDecision.APPROVED, _("Approve")), (ReviewDecision.REJECTED, _("Return"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False, max_length=2000)


class ResubmitForm(forms.Form):
    goals = forms.CharField(label=_("revised goals"), widget=forms.Textarea(attrs={"rows": 4}))
    comment = forms.CharField(label=_("what was revised"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in FIVE_STANDARDS:
            self.fields[f"{code}_score"] = forms.IntegerField(
                label=label, min_value=0, max_value=20,
                help_text=_("0 to 20"),
            )
            self.fields[f"{code}_evidence"] = forms.CharField(
                label=_("evidence"), widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.initial.setdefault("year", local_today().year)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ReportKind.choices)
    period_start = forms.DateField(label=_("day / week from"),
                                   widget=DateInput())
    content = forms.CharField(label=_("content"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("period_start", local_today())


class SpendingForm(forms.Form):
    allocation = forms.ModelChoiceField(label=_("fund allocation"),
                                        queryset=FundAllocation.objects.none())
    spent_on = forms.DateField(label=_("spent on"),
                               widget=DateInput())
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=12, decimal_places=2,
                                min_value=Decimal("0.01"))
    purpose = forms.CharField(label=_("purpose"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocation"].queryset = scope_queryset(
            FundAllocation.objects.select_related("community"), user
        ).order_by("-year", "community__name", "kind")
        self.initial.setdefault("spent_on", local_today())
