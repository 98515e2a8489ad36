from django.utils.translation import gettext_lazy as _

from communities.navigation import staff_link

staff_link(_("Party organisations"), "party-orgs",
           permission="party_orgs.view_partyorganization", order=40)
staff_link(_("Joint meetings"), "party-meetings", permission="party_orgs.view_jointmeeting",
           order=41)
staff_link(_("Demonstration points"), "party-points",
           permission="party_orgs.view_demonstrationpoint", order=42)
staff_link(_("Work reports"), "party-reports", permission="party_orgs.view_workreport",
           order=43)
staff_link(_("Funds"), "party-funds", permission="party_orgs.view_fundallocation", order=44)
# The grid and service-site pages of ``communities`` (that app's navigation module is the
# registry itself, so their links are registered here).
staff_link(_("Patrols"), "patrols", permission="communities.view_vulnerableresident", order=30)
staff_link(_("Service sites"), "service-sites", permission="communities.view_servicesite",
           order=31)
