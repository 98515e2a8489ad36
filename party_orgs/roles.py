"""Permissions of each staff role over the Party organisation ledgers (scope decides which
records they reach; the 三审 review also checks the role of each step in the service)."""

from communities.access.role_permissions import grant
from communities.models import StaffRole as R

VIEW_ALL = tuple(
    f"party_orgs.view_{model}"
    for model in (
        "partyorganization", "partymember", "jointmeeting", "actionitem",
        "demonstrationpoint", "demonstrationreview", "demonstrationassessment", "workreport",
        "listitem", "fundallocation", "fundspending",
    )
)

# Officials read everything in their area and export it.
grant([R.CITY_OFFICIAL, R.DISTRICT_OFFICIAL, R.STREET_STAFF], *VIEW_ALL)
# Street staff give the first review, district officials decide; both assess (五有).
grant([R.STREET_STAFF, R.DISTRICT_OFFICIAL], "party_orgs.review_demonstrationpoint",
      "party_orgs.add_demonstrationassessment")
# District officials allocate the communities' funds.
grant([R.DISTRICT_OFFICIAL], "party_orgs.add_fundallocation", "party_orgs.change_fundallocation")
# Community staff keep the ledgers: organisations, members, meetings, applications,
# reports, the three lists and spending.
grant(
    [R.COMMUNITY_STAFF],
    *VIEW_ALL,
    "party_orgs.add_partyorganization",
    "party_orgs.change_partyorganization",
    "party_orgs.add_partymember",
    "party_orgs.change_partymember",
    "party_orgs.add_jointmeeting",
    "party_orgs.change_jointmeeting",
    "party_orgs.add_actionitem",
    "party_orgs.change_actionitem",
    "party_orgs.add_demonstrationpoint",
    "party_orgs.add_workreport",
    "party_orgs.add_listitem",
    "party_orgs.change_listitem",
    "party_orgs.add_fundspending",
)
# Grid workers and firm staff see the organisations (and members) of their grid or firm.
grant([R.GRID_WORKER, R.FIRM_STAFF], "party_orgs.view_partyorganization",
      "party_orgs.view_partymember")
