"""The people assigned to a unit: who a notification about that unit's work goes to."""

from communities.models import StaffAssignment, StaffRole

NODE_FIELD = {StaffRole.COMMUNITY_STAFF: "community", StaffRole.STREET_STAFF: "street",
              StaffRole.DISTRICT_OFFICIAL: "district", StaffRole.FIRM_STAFF: "firm",
              StaffRole.GRID_WORKER: "grid", StaffRole.CITY_OFFICIAL: "city"}


def unit_staff(role: str, node_id) -> list[int]:
    """The active users assigned to one unit (by id) in one role."""
    if not node_id:
        return []
    return sorted(
        StaffAssignment.objects.filter(ended_at__isnull=True, user__is_active=True, role=role,
                                       **{NODE_FIELD[role]: node_id})
        .values_list("user_id", flat=True).distinct()
    )
