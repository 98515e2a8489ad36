"""A password validator: not the demo password, not the portal's own name (issue 16)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PORTAL_NAMES = ("红色物业", "hongsewuye", "redproperty", "redprop")


def _plain(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class PortalPasswordValidator:
    def validate(self, password, user=None):
        plain = _plain(password)
        demo = _plain(getattr(settings, "DEMO_PASSWORD", "") or "")
        if demo and plain == demo:
            raise ValidationError(_("This is the demo password; choose your own."),
                                  code="demo_password")
        if any(_plain(name) in plain for name in PORTAL_NAMES):
            raise ValidationError(_("A password may not contain the portal's name."),
                                  code="portal_name")

    def get_help_text(self):
        return _("Not the demo password, and not the portal's name.")
