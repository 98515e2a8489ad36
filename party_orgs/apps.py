from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyOrgsConfig(AppConfig):
    name = "party_orgs"
    verbose_name = _("Party organisations")
