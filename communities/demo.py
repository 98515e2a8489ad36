"""The places of the seed article: 铜川市 (three Red Property paths) and 锦州市古塔区
(the 幸福新社区 demonstration points with their four-level grid structure)."""

import random
from decimal import Decimal

from .demo_registry import demo_seeder
from .models import (
    Building,
    City,
    Community,
    Compound,
    District,
    Grid,
    GridDutyType,
    GridWorker,
    GridWorkerRole,
    Household,
    ManagementMode,
    Street,
)

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


@demo_seeder
def seed_hierarchy(log):
    rng = random.Random(20261124)
    for (city_name, city_code), districts in HIERARCHY.items():
        city, _ = City.objects.get_or_create(name=city_name, defaults={"code": city_code})
        for district_name, streets in districts.items():
            district, _ = District.objects.get_or_create(city=city, name=district_name)
            for street_name, communities in streets.items():
                street, _ = Street.objects.get_or_create(district=district, name=street_name)
                for community_name, compounds in communities.items():
                    community, _ = Community.objects.get_or_create(
                        street=street, name=community_name,
                        defaults={"address": f"{city_name}{district_name}{street_name}"},
                    )
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

