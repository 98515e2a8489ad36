from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from communities import navigation_links  # noqa: F401  (the dashboard link)
from core.timeutils import set_calendar_source


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Governance hierarchy")

    def ready(self):
        # The accounts' login signal (one-time passwords); it reads the models, which are
        # loaded only now.
        from communities import accounts  # noqa: F401, PLC0415

        # Each app may contribute role permissions (roles.py) and links for the staff
        # menu and the residents' home page (navigation.py).
        autodiscover_modules("roles")
        autodiscover_modules("navigation")
        # Summary and compound panels of the officials' dashboard (dashboard_panels.py).
        autodiscover_modules("dashboard_panels")
        # Working days come from the official calendar (core.timeutils asks it); the
        # calendar's module reads the models, which are loaded only now.
        from communities.official_calendar import listed_days  # noqa: PLC0415

        set_calendar_source(listed_days)
        # Metric families register themselves in their app's metrics.py.
        autodiscover_modules("metrics")
        # Retention rules of residents' personal data (communities.retention).
        autodiscover_modules("retention")
