"""Forms of the account pages (communities.account_views); the rules live in
communities.accounts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.accounts import NODE_MODELS, assignable_nodes, grantable_roles
from communities.models import ROLE_NODE_FIELD, StaffRole


def unit_choices(actor) -> list:
    """Every unit ``actor`` may give a role over, grouped by level: values "level:id"."""
    groups = []
    seen = set()
    for role in grantable_roles(actor):
        level = ROLE_NODE_FIELD[StaffRole(role)]
        if level in seen:
            continue
        seen.add(level)
        nodes = assignable_nodes(actor=actor, role=role).order_by("pk")
        options = [(f"{level}:{node.pk}", str(node)) for node in nodes]
        if options:
            label = (NODE_MODELS[level]._meta.verbose_name if level in NODE_MODELS
                     else _("property firm"))
            groups.append((str(label).capitalize(), options))
    return groups


def resolve_unit(value: str, actor):
    """The unit named "level:id" if ``actor`` may reach it, else None."""
    level, _sep, pk = (value or "").partition(":")
    role = next((r for r in grantable_roles(actor)
                 if ROLE_NODE_FIELD[StaffRole(r)] == level), None)
    if role is None or not pk.isdigit():
        return None
    return assignable_nodes(actor=actor, role=role).filter(pk=int(pk)).first()


class AccountForm(forms.Form):
    full_name = forms.CharField(label=_("full name"), max_length=150)
    phone = forms.CharField(label=_("mobile phone"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    role = forms.ChoiceField(label=_("role"))
    unit = forms.ChoiceField(label=_("unit"))
    title = forms.CharField(label=_("job title"), max_length=50, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        roles = grantable_roles(actor)
        self.fields["role"].choices = [(r, StaffRole(r).label) for r in roles]
        self.fields["unit"].choices = unit_choices(actor)

    def clean_unit(self):
        node = resolve_unit(self.cleaned_data["unit"], self.actor)
        if node is None:
            raise forms.ValidationError(_("Choose a unit inside your area that matches the role."))
        return node


class AccountCreateForm(AccountForm):
    username = forms.CharField(label=_("login name"), max_length=150)
    text_password = forms.BooleanField(
        label=_("Also text the one-time password to this phone"), required=False
    )
    field_order = ["username", "full_name", "phone", "role", "unit", "title", "text_password"]


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Login or name"), max_length=50, required=False)
    without_second_factor = forms.BooleanField(
        label=_("Only those without a second factor"), required=False
    )


class PasswordResetByOfficialForm(forms.Form):
    text_password = forms.BooleanField(
        label=_("Also text the one-time password to the account's phone"), required=False
    )


class PasswordResetRequestForm(forms.Form):
    login = forms.CharField(label=_("Login name or mobile number"), max_length=150)


NEW_PASSWORD = {"autocomplete": "new-password"}


class PasswordResetConfirmForm(forms.Form):
    login = forms.CharField(label=_("Login name or mobile number"), max_length=150)
    code = forms.RegexField(
        label=_("Six-digit code from the text message"), regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the six digits of the text message.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    new_password1 = forms.CharField(label=_("New password"), strip=False,
                                    widget=forms.PasswordInput(attrs=NEW_PASSWORD))
    new_password2 = forms.CharField(label=_("New password again"), strip=False,
                                    widget=forms.PasswordInput(attrs=NEW_PASSWORD))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password1") != cleaned.get("new_password2"):
            self.add_error("new_password2", _("The two passwords differ."))
        return cleaned
