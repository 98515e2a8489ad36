from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The seed article's places, firms, complaints and Party organisations, and one login
    per role (`seed_demo`, `create_demo_users`). No models; nothing imports it."""

    name = "demo"
    verbose_name = _("Demo data")
