from django.utils.translation import gettext_lazy as _

from communities.navigation import compound_link, resident_link, staff_link

compound_link(_("Notice board"), "compound-notices", order=10)
resident_link(
    _("Read your compound's notices"), "compound-directory",
    description=_(
        "Fee standards, service standards, public revenue and the maintenance fund: "
        "choose your compound to see its notice board."
    ),
    order=20,
)
staff_link(_("Import fees"), "fee-import", permission="properties.add_feeimport", order=40)
staff_link(
    _("Disclosures"), "disclosure-staff-list", permission="properties.view_disclosure", order=41
)
staff_link(_("Arrears"), "fee-arrears", permission="properties.view_feebill", order=42)
