from communities.models import StaffRole as R
from communities.role_permissions import grant

grant(
    [R.CITY_OFFICIAL, R.DISTRICT_OFFICIAL, R.STREET_STAFF, R.COMMUNITY_STAFF],
    "properties.view_propertyfirm",
    "properties.view_servicecontract",
)
grant(
    [R.FIRM_STAFF],
    "properties.view_propertyfirm",
    "properties.view_servicecontract",
    "communities.view_compound",
    "communities.view_building",
    "communities.view_household",
    "communities.view_pii",
)
