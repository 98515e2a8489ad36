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
        # The dashboard link; the accounts' login signal (one-time passwords).
        from . import accounts, navigation_links  # noqa: F401

        # Summary and compound panels of the officials' dashboard (dashboard_panels.py).
        autodiscover_modules("dashboard_panels")
        # Metric families register themselves in their app's metrics.py.
        autodiscover_modules("metrics")
        # Retention rules of residents' personal data (communities.retention).
        autodiscover_modules("retention")
