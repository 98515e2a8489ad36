"""Context every page gets from the communities app."""

from communities.access.scoping import scope_for_user
from communities.models import StaffRole
from communities.official_calendar import missing_year_banner

OFFICIAL_ROLES = {StaffRole.CITY_OFFICIAL, StaffRole.DISTRICT_OFFICIAL, StaffRole.STREET_STAFF}


def official_calendar_banner(request) -> dict:
    """``calendar_missing_year``: the year whose official holidays have not been imported,
    for administrators and officials (from 1 November of the year before)."""
    # Always set (a missing variable would be logged with the page's whole context).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"calendar_missing_year": None}
    if not (user.is_superuser or scope_for_user(user).role in OFFICIAL_ROLES):
        return {"calendar_missing_year": None}
    return {"calendar_missing_year": missing_year_banner()}
