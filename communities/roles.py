from .models import StaffRole as R
from .role_permissions import grant

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
