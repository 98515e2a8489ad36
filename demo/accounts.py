"""One demo login per role, over the demo hierarchy, with the firm and Guta accounts."""

from communities.models import City, Community, District, Grid, StaffRole, Street
from communities.services import staff_user_create
from demo.seeders.party import guta_demo_accounts
from demo.seeders.properties import firm_demo_accounts


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
    rows += firm_demo_accounts(password)
    rows += guta_demo_accounts(password)
    return rows
