from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Governance hierarchy")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Each app may contribute role permissions (roles.py), demo data (demo.py)
        # and links for the staff menu and the residents' home page (navigation.py).
        autodiscover_modules("roles")
        autodiscover_modules("demo")
        autodiscover_modules("navigation")
        from . import navigation_links  # noqa: F401  (the dashboard link)

        # Summary and compound panels of the officials' dashboard (dashboard_panels.py).
        autodiscover_modules("dashboard_panels")
        # Working days come from the official calendar (core.timeutils asks it).
        from core.timeutils import set_calendar_source

        from .official_calendar import listed_days

        set_calendar_source(listed_days)
        # Metric families register themselves in their app's metrics.py.
        autodiscover_modules("metrics")
