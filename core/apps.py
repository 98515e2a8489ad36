from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared plumbing every app imports; it has no models and imports no app."""

    name = "core"
    verbose_name = _("Platform")
