from communities.access.role_permissions import grant
from communities.models import StaffRole as R

VIEW_ALL = (
    "properties.view_propertyfirm",
    "properties.view_servicecontract",
    "properties.view_ownerscommittee",
    "properties.view_feebill",
    "properties.view_payment",
    "properties.view_feeimport",
    "properties.view_disclosure",
    "properties.view_inspection",
    "properties.view_inspectionitem",
    "properties.view_renovationproject",
    "properties.view_ownervote",
)

# Officials and street staff read everything in their area.
grant([R.CITY_OFFICIAL, R.DISTRICT_OFFICIAL, R.STREET_STAFF, R.COMMUNITY_STAFF], *VIEW_ALL)
# How each unit voted: not for the firms (the vote may be on them).
grant([R.CITY_OFFICIAL, R.DISTRICT_OFFICIAL, R.STREET_STAFF, R.COMMUNITY_STAFF],
      "properties.view_ballot")

# Service contracts are started and ended by district officials (DESIGN §4; the service
# checks the district: properties.ownership).
grant([R.DISTRICT_OFFICIAL], "properties.add_servicecontract",
      "properties.change_servicecontract")

# Community staff keep the community's ledgers: owners' committees, fulfilment
# inspections, renovation, and (for community-led compounds) the fees and the notice
# board (properties.ownership).
grant(
    [R.COMMUNITY_STAFF],
    "properties.add_ownerscommittee",
    "properties.change_ownerscommittee",
    "properties.add_inspection",
    "properties.add_inspectionitem",
    "properties.add_renovationproject",
    "properties.change_renovationproject",
    "properties.add_disclosure",
    "properties.add_feebill",
    "properties.add_payment",
    "properties.change_payment",
    "properties.add_feeimport",
    "properties.add_ownervote",
    "properties.add_ballot",
    "properties.change_ballot",
)

# Property-firm staff: disclosures, bills, payments and imports of their contracted
# compounds; they read their contracts, committees and inspections.
grant(
    [R.FIRM_STAFF],
    *VIEW_ALL,
    "properties.add_disclosure",
    "properties.add_feebill",
    "properties.add_payment",
    "properties.change_payment",
    "properties.add_feeimport",
    "communities.view_compound",
    "communities.view_building",
    "communities.view_household",
    "communities.view_pii",
)
