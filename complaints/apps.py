from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Resident complaints")

    def ready(self):
        # Resolve deadlines follow the official calendar (the calendar_changed receiver).
        from . import deadlines  # noqa: F401, PLC0415
