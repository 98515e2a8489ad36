"""One demo login per role, over the demo hierarchy. Other apps add theirs by registering."""

from collections.abc import Callable

from communities.models import City, Community, District, Grid, StaffRole, Street
from communities.services import staff_user_create

_EXTRA: list[Callable] = []


def register_demo_accounts(func: Callable) -> Callable:
    """Apps that add roles (property firms) register a function(password) -> rows."""
    if func not in _EXTRA:
        _EXTRA.append(func)
    return func


def demo_accounts(password: str) -> list[tuple[str, str, str, str]]:
    specs = [
        ("demo_city", "铜川市领导", StaffRole.CITY_OFFICIAL, City.objects.get(name="铜川市")),
        ("demo_district", "耀州区干部", StaffRole.DISTRICT_OFFICIAL,
         District.objects.get(name="耀州区", city__name="铜川市")),
        ("demo_street", "永安路街道干部", StaffRole.STREET_STAFF,
         Street.objects.get(name="永安路街道")),
        ("demo_community", "塔坡社区工作者", StaffRole.COMMUNITY_STAFF,
         Community.objects.get(name="塔坡社区")),
        ("demo_grid", "塔坡社区网格员", StaffRole.GRID_WORKER,
         Grid.objects.filter(community__name="塔坡社区").order_by("name").first()),
        ("demo_gt_district", "古塔区干部", StaffRole.DISTRICT_OFFICIAL,
         District.objects.get(name="古塔区")),
    ]
    rows = []
    for username, full_name, role, node in specs:
        staff_user_create(
            username=username, password=password, full_name=full_name, role=role, node=node
        )
        rows.append((username, full_name, str(StaffRole(role).label), str(node)))
    for extra in _EXTRA:
        rows += extra(password)
    return rows
