from django.utils.translation import gettext_lazy as _

from communities.navigation import compound_link, resident_link, staff_link

resident_link(
    _("Submit a complaint"), "complaint-new", order=10,
    description=_("Report a problem in your compound from your phone: no account needed."),
)
resident_link(
    _("Track a complaint"), "complaint-track", order=20,
    description=_("Follow your request with its tracking code and rate the result."),
)
compound_link(_("Report a problem here"), "complaint-new-compound", order=10)
staff_link(_("Complaints"), "complaint-queue", permission="complaints.view_complaint",
           order=10)
