"""The communities app's own links in the staff menu (``navigation.py`` is the registry)."""

from django.utils.translation import gettext_lazy as _

from communities.navigation import staff_link

staff_link(_("Dashboard"), "dashboard", permission="communities.view_dashboard", order=5)
staff_link(_("Accounts"), "account-list", permission="communities.manage_accounts", order=90)
staff_link(_("Retention"), "retention", permission="communities.apply_retention", order=95)
staff_link(_("Metric definitions"), "metric-definitions", permission="communities.view_dashboard",
           order=6)
