"""The places of the seed article: 铜川市 (three Red Property paths) and 锦州市古塔区
(the 幸福新社区 demonstration points with their four-level grid structure)."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from communities.models import (
    Building,
    City,
    Community,
    Compound,
    District,
    FunctionRoom,
    FunctionRoomKind,
    Grid,
    GridDutyType,
    GridWorker,
    GridWorkerRole,
    HalfDay,
    Household,
    ManagementMode,
    PatrolVisit,
    ServiceKind,
    ServiceRecord,
    ServiceSite,
    ServiceSiteKind,
    Street,
    VulnerableGroup,
    VulnerableResident,
)
from core.timeutils import local_now, local_zone

M = ManagementMode
ALL_DUTIES = list(GridDutyType.values)

# city → district → street → community → [(compound, mode, households, area m², built, old,
#                                           competent unit, buildings)]
HIERARCHY = {
    ("铜川市", "610200"): {
        "王益区": {
            "红旗街街道": {
                "川口社区": [
                    ("川口小区", M.COMMUNITY_LED, 312, "24800", 1993, True, "", 6),
                    ("电厂家属院", M.NONE, 96, "7200", 1986, True, "", 3),
                ],
                "七一路社区": [
                    ("七一路小区", M.MARKET, 420, "39500", 2006, False, "", 6),
                ],
            },
        },
        "耀州区": {
            "永安路街道": {
                "塔坡社区": [
                    ("林园小区", M.PUBLIC_TRUSTEESHIP, 268, "22100", 1998, True, "", 5),
                    ("塔坡新村", M.MARKET, 360, "31800", 2009, False, "", 5),
                    ("药王巷家属楼", M.NONE, 64, "4900", 1989, True, "", 2),
                ],
            },
            "天宝路街道": {
                "锦阳社区": [
                    ("锦阳花园", M.CO_BUILDING, 540, "52000", 2012, False, "", 6),
                ],
            },
        },
        "新区": {
            "咸丰路街道": {
                "铁诺社区": [
                    ("铁诺佳苑", M.CO_BUILDING, 640, "61500", 2014, False, "", 6),
                    ("咸丰苑", M.CO_BUILDING, 480, "45200", 2011, False, "", 5),
                    ("金谟小区", M.MARKET, 300, "28600", 2010, False, "", 4),
                ],
            },
        },
    },
    ("锦州市", "210700"): {
        "古塔区": {
            "天安街道": {
                "福德社区": [
                    ("福德里小区", M.CO_BUILDING, 520, "46800", 2003, False, "", 8),
                    ("天安小区", M.MARKET, 380, "33400", 2005, False, "", 6),
                ],
                "民治社区": [
                    ("民治家园", M.COMMUNITY_LED, 210, "16300", 1991, True, "", 4),
                ],
            },
            "保安街道": {
                "保安社区": [
                    ("保安里", M.PUBLIC_TRUSTEESHIP, 240, "19100", 1995, True, "", 6),
                    ("锦铁家属院", M.NONE, 120, "8800", 1984, True, "锦州铁路段", 3),
                ],
            },
            "北街街道": {
                "北一里社区": [
                    ("北一里小区", M.CO_BUILDING, 460, "41200", 2008, False, "", 5),
                ],
            },
            "南街街道": {
                "南街社区": [
                    ("南街小区", M.MARKET, 350, "30700", 2007, False, "", 4),
                ],
            },
            "士英街道": {
                "士英社区": [
                    ("士英嘉园", M.CO_BUILDING, 600, "57300", 2015, False, "", 6),
                ],
            },
        },
    },
}

# The two pilot communities of 古塔区 with the four-level structure: 4 grids each.
PILOT_GRIDS = {"福德社区": 4, "保安社区": 4}
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国玉红梅志海燕"


def _person(rng: random.Random) -> tuple[str, str]:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    name = rng.choice(SURNAMES) + given
    phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
    return name, phone


def _office_phone(unit) -> str:
    """A landline per unit, from its id (the households' random sequence is untouched)."""
    level = {"District": 1, "Street": 2}.get(type(unit).__name__, 3)
    return f"029-8{level}{unit.pk % 10**6:06d}"


def _give_contact_phone(unit, field: str) -> None:
    """Every unit has a contact phone: an alert never falls back to nobody (issue 14)."""
    if not getattr(unit, field):
        setattr(unit, field, _office_phone(unit))
        unit.save(update_fields=[field])


def seed_hierarchy(log):
    rng = random.Random(20261124)
    for (city_name, city_code), districts in HIERARCHY.items():
        city, _ = City.objects.get_or_create(name=city_name, defaults={"code": city_code})
        for district_name, streets in districts.items():
            district, _ = District.objects.get_or_create(city=city, name=district_name)
            _give_contact_phone(district, "contact_phone")
            for street_name, communities in streets.items():
                street, _ = Street.objects.get_or_create(district=district, name=street_name)
                _give_contact_phone(street, "contact_phone")
                for community_name, compounds in communities.items():
                    community, _ = Community.objects.get_or_create(
                        street=street, name=community_name,
                        defaults={"address": f"{city_name}{district_name}{street_name}"},
                    )
                    _give_contact_phone(community, "phone")
                    for spec in compounds:
                        _seed_compound(community, spec, rng)
                    _seed_grids(community, rng)
    log(
        f"hierarchy: {City.objects.count()} cities, {District.objects.count()} districts, "
        f"{Street.objects.count()} streets, {Community.objects.count()} communities, "
        f"{Compound.objects.count()} compounds, {Building.objects.count()} buildings, "
        f"{Household.objects.count()} households, {Grid.objects.count()} grids"
    )


def _seed_compound(community, spec, rng):
    name, mode, households, area, built, old, unit, n_buildings = spec
    compound, _ = Compound.objects.get_or_create(
        community=community, name=name,
        defaults={
            "management_mode": mode, "declared_households": households,
            "floor_area": Decimal(area), "year_built": built, "is_old_compound": old,
            "competent_unit": unit,
            "address": f"{community.street.district.name}{community.name}{name}",
        },
    )
    rooms_per_building = max(1, households // n_buildings)
    for number in range(1, n_buildings + 1):
        building, _ = Building.objects.get_or_create(
            compound=compound, name=f"{number}号楼", defaults={"floors": 6, "units": 2}
        )
        if building.households.exists():
            continue
        rows = []
        for index in range(rooms_per_building):
            unit_no = index % 2 + 1
            floor = index // 4 % 6 + 1
            room = f"{floor}0{index % 4 + 1}" if index < 48 else f"{floor}{index:02d}"
            owner, phone = _person(rng)
            rows.append(
                Household(
                    compound=compound, building=building, unit=str(unit_no), room=room,
                    floor_area=Decimal(rng.choice(["58.6", "72.4", "86.0", "95.5", "118.2"])),
                    owner_name=owner, phone=phone,
                )
            )
        Household.objects.bulk_create(rows, ignore_conflicts=True)


def _seed_grids(community, rng):
    count = PILOT_GRIDS.get(community.name, 1)
    buildings = list(
        Building.objects.filter(compound__community=community).order_by("compound__name", "name")
    )
    for number in range(1, count + 1):
        grid, created = Grid.objects.get_or_create(
            community=community, name=f"第{number}网格", defaults={"duty_types": ALL_DUTIES}
        )
        if created:
            grid.buildings.set(buildings[number - 1 :: count])
        if not grid.workers.exists():
            name, phone = _person(rng)
            GridWorker.objects.create(
                grid=grid, name=name, phone=phone, role=GridWorkerRole.GRID_LEADER,
                is_party_member=True,
            )



# ---------------------------------------------------------------------------
# Vulnerable residents and their patrols (一日两巡) in the pilot grids of 古塔区;
# 18 居民会客厅 and the other service sites, with ~500 people served a day.
# ---------------------------------------------------------------------------

PATROL_DEMO_DAYS = 7
SERVICE_DEMO_DAYS = 14
LOUNGE_COMMUNITIES = ("福德社区", "民治社区", "保安社区", "北一里社区", "南街社区", "士英社区")
LOUNGE_NAMES = ("{}居民会客厅（一）", "{}居民会客厅（二）", "{}居民会客厅（三）")
VULNERABLE_PER_GRID = (
    (VulnerableGroup.ELDERLY_ALONE, "独居，腿脚不便"),
    (VulnerableGroup.HARDSHIP, "低保户"),
    (VulnerableGroup.LEFT_BEHIND_CHILD, "父母在外务工，随祖父母生活"),
    (VulnerableGroup.FLOATING, "新迁入租户"),
)


def seed_patrols_and_sites(log):
    rng = random.Random(20261125)
    now = local_now()
    today = now.date()
    zone = local_zone()
    pilot_grids = Grid.objects.filter(
        community__name__in=list(PILOT_GRIDS), community__street__district__name="古塔区"
    ).select_related("community").prefetch_related("buildings__compound").order_by(
        "community__name", "name"
    )
    residents = []
    for grid in pilot_grids:
        buildings = list(grid.buildings.all())
        for index, (group, note) in enumerate(VULNERABLE_PER_GRID):
            name, phone = _person(rng)
            building = buildings[index % len(buildings)] if buildings else None
            address = (
                f"{building.compound.name}{building.name}{index + 1}单元{index + 1}01"
                if building else grid.community.name
            )
            resident, _ = VulnerableResident.objects.get_or_create(
                grid=grid, group=group, note=note,
                defaults={"name": name, "phone": phone, "address": address,
                          "registered_on": today - timedelta(days=90)},
            )
            residents.append(resident)
    existing = set(
        PatrolVisit.objects.filter(
            resident__in=residents, visit_date__gte=today - timedelta(days=PATROL_DEMO_DAYS)
        ).values_list("resident_id", "visit_date", "half_day")
    )
    visits = []
    for offset in range(PATROL_DEMO_DAYS, -1, -1):
        day = today - timedelta(days=offset)
        for number, resident in enumerate(residents):
            for half, hour in ((HalfDay.MORNING, 9), (HalfDay.AFTERNOON, 16)):
                at = datetime.combine(day, time(hour, (number * 7) % 60), tzinfo=zone)
                if at > now or (resident.pk, day, half) in existing:
                    continue
                # A few half-days are missed on purpose, so the flag shows.
                if half == HalfDay.AFTERNOON and (number + offset) % 11 == 3:
                    continue
                visits.append(PatrolVisit(
                    resident=resident, visited_at=at, visit_date=day, half_day=half,
                    visitor_name=f"{resident.grid.name}网格员",
                    condition="情况正常" if number % 5 else "需协助购买生活用品",
                    needs_follow_up=number % 5 == 0,
                ))
    PatrolVisit.objects.bulk_create(visits)

    sites = _seed_service_sites()
    existing_days = set(
        ServiceRecord.objects.filter(
            site__in=sites, service_date__gte=today - timedelta(days=SERVICE_DEMO_DAYS)
        ).values_list("site_id", "service_date").distinct()
    )
    kinds = [ServiceKind.POLICY_ADVICE, ServiceKind.APPLIANCE_REPAIR, ServiceKind.ERRANDS,
             ServiceKind.MEDIATION, ServiceKind.CULTURE_ACTIVITY, ServiceKind.ELDERLY_CARE]
    records = []
    for offset in range(SERVICE_DEMO_DAYS, 0, -1):
        day = today - timedelta(days=offset)
        for number, site in enumerate(sites):
            if (site.pk, day) in existing_days or site.kind != ServiceSiteKind.RESIDENT_LOUNGE:
                continue
            rooms = list(site.rooms.all())
            for slot in range(4):
                records.append(ServiceRecord(
                    site=site, room=rooms[slot % len(rooms)] if rooms else None,
                    kind=kinds[(number + slot + offset) % len(kinds)],
                    served_at=datetime.combine(day, time(9 + slot * 2, 30), tzinfo=zone),
                    service_date=day, visitors=4 + (number * 3 + slot * 5 + offset) % 7,
                ))
    ServiceRecord.objects.bulk_create(records)
    log(
        f"patrols: {VulnerableResident.objects.count()} vulnerable residents, "
        f"{PatrolVisit.objects.count()} visits; sites: {ServiceSite.objects.count()} "
        f"service sites, {ServiceRecord.objects.count()} service records"
    )


def _seed_service_sites():
    lounge_rooms = [FunctionRoomKind.GOVERNMENT_SERVICE, FunctionRoomKind.PARTY_ACTIVITY,
                    FunctionRoomKind.CULTURE_HEALTH]
    station_rooms = [FunctionRoomKind.PARTY_MEMBER_ROOM, FunctionRoomKind.MEDIATION,
                     FunctionRoomKind.GOVERNMENT_SERVICE]
    specs = []
    for community in Community.objects.filter(
        name__in=LOUNGE_COMMUNITIES, street__district__name="古塔区"
    ):
        for pattern in LOUNGE_NAMES:
            specs.append((community, pattern.format(community.name),
                          ServiceSiteKind.RESIDENT_LOUNGE, None, lounge_rooms))
        if community.name == "福德社区":
            specs.append((community, "福德社区党群服务中心", ServiceSiteKind.PARTY_SERVICE_CENTRE,
                          None, lounge_rooms + [FunctionRoomKind.MEDIATION]))
            grid = community.grids.order_by("name").first()
            specs.append((community, "福德社区第1网格党群服务站",
                          ServiceSiteKind.GRID_PARTY_STATION, grid, lounge_rooms[:2]))
    for compound in Compound.objects.filter(community__name="铁诺社区",
                                            management_mode=ManagementMode.CO_BUILDING):
        specs.append((compound.community, f"{compound.name}红色服务站",
                      ServiceSiteKind.RED_SERVICE_STATION, None, station_rooms))
    sites = []
    for community, name, kind, grid, rooms in specs:
        site, created = ServiceSite.objects.get_or_create(
            community=community, name=name,
            defaults={"kind": kind, "grid": grid, "opening_hours": "8:30-17:30",
                      "address": f"{community.name}"},
        )
        if created:
            FunctionRoom.objects.bulk_create(FunctionRoom(site=site, kind=k) for k in rooms)
        sites.append(site)
    return sites
