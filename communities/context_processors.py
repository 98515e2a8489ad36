"""Context every page gets from the communities app."""

from communities.access.scoping import scope_for_user
from communities.models import StaffRole
from communities.official_calendar import missing_year_banner

OFFICIAL_ROLES = {StaffRole.CITY_OFFICIAL, StaffRole.DISTRICT_OFFICIAL, StaffRole.STREET_STAFF}


def official_calendar_banner(request) -> dict:
    """``calendar_missing_year``: the year whose official holidays have not been imported,
    for administrators and officials (from 1 November of the year before)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not (user.is_superuser or scope_for_user(user).role in OFFICIAL_ROLES):
        return {}
    year = missing_year_banner()
    return {"calendar_missing_year": year} if year else {}
