from communities.access.role_permissions import grant
from communities.models import StaffRole as R

# Everyone with a role reads the complaints of their scope (scoping decides which).
grant(
    [R.CITY_OFFICIAL, R.DISTRICT_OFFICIAL, R.STREET_STAFF, R.COMMUNITY_STAFF, R.GRID_WORKER,
     R.FIRM_STAFF],
    "complaints.view_complaint",
    "complaints.view_complaintevent",
    "complaints.view_complaintphoto",
)
# Community staff log, accept, dispatch, reject, close and record follow-up calls.
grant([R.COMMUNITY_STAFF], "complaints.add_complaint", "complaints.manage_complaint")
# Whoever a complaint is dispatched to works it (start, progress, resolve).
grant([R.COMMUNITY_STAFF, R.GRID_WORKER, R.FIRM_STAFF], "complaints.work_complaint")
