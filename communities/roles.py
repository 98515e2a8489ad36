from communities.access.role_permissions import grant
from communities.models import StaffRole as R

BELOW_STREET = (
    "communities.view_community",
    "communities.view_compound",
    "communities.view_building",
    "communities.view_household",
    "communities.view_grid",
    "communities.view_gridworker",
    "communities.view_staffassignment",
)

# Each role may view the levels at and below its own node.
grant([R.CITY_OFFICIAL], "communities.view_city")
grant([R.CITY_OFFICIAL, R.DISTRICT_OFFICIAL], "communities.view_district")
grant([R.CITY_OFFICIAL, R.DISTRICT_OFFICIAL, R.STREET_STAFF], "communities.view_street",
      *BELOW_STREET)
grant(
    [R.COMMUNITY_STAFF],
    *BELOW_STREET,
    "communities.add_compound",
    "communities.change_compound",
    "communities.add_building",
    "communities.change_building",
    "communities.add_household",
    "communities.change_household",
    "communities.add_grid",
    "communities.change_grid",
    "communities.add_gridworker",
    "communities.change_gridworker",
    "communities.view_pii",
)
grant(
    [R.GRID_WORKER],
    "communities.view_grid",
    "communities.view_gridworker",
    "communities.view_compound",
    "communities.view_building",
    "communities.view_household",
    "communities.view_pii",
)

# Vulnerable residents and patrols: only the community and the grid (no official has a
# scope lookup for them either). Service sites: everyone in the area reads them.
grant(
    [R.COMMUNITY_STAFF],
    "communities.view_vulnerableresident",
    "communities.add_vulnerableresident",
    "communities.change_vulnerableresident",
    "communities.view_patrolvisit",
    "communities.add_patrolvisit",
    "communities.view_servicesite",
    "communities.add_servicesite",
    "communities.change_servicesite",
    "communities.view_functionroom",
    "communities.add_functionroom",
    "communities.change_functionroom",
    "communities.view_servicerecord",
    "communities.add_servicerecord",
)
grant(
    [R.GRID_WORKER],
    "communities.view_vulnerableresident",
    "communities.view_patrolvisit",
    "communities.add_patrolvisit",
    "communities.view_servicesite",
    "communities.view_functionroom",
    "communities.view_servicerecord",
    "communities.add_servicerecord",
)
grant(
    [R.CITY_OFFICIAL, R.DISTRICT_OFFICIAL, R.STREET_STAFF],
    "communities.view_servicesite",
    "communities.view_functionroom",
    "communities.view_servicerecord",
)

# The officials' dashboard (metric snapshots of the user's unit and below).
grant(
    [R.CITY_OFFICIAL, R.DISTRICT_OFFICIAL, R.STREET_STAFF, R.COMMUNITY_STAFF],
    "communities.view_dashboard",
)

# The audit trail (communities.audit): officials read their area's events, nobody writes.
grant([R.CITY_OFFICIAL, R.DISTRICT_OFFICIAL], "communities.view_auditevent")

# Accounts run by the district (communities.accounts decides which accounts and roles).
grant([R.CITY_OFFICIAL, R.DISTRICT_OFFICIAL, R.STREET_STAFF, R.COMMUNITY_STAFF],
      "communities.manage_accounts")
