"""A deterministic synthetic city: ``generate_city(households=N, seed=S)``.

Everything comes from one ``random.Random(seed)`` and fixed dates (the year December
2025 – November 2026, observed at ``AS_OF``), so the same seed on an empty database gives
the same rows, ids and metric snapshots. Rows are written compound by compound through
``bench.loader`` (COPY on PostgreSQL), so memory stays bounded whatever N is.
"""

import datetime
import random
import time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from communities.models import (
    Building,
    City,
    Community,
    Compound,
    District,
    Grid,
    GridDutyType,
    Household,
    ManagementMode,
    Street,
)
from communities.pinyin import name_initials
from complaints.deadlines import deadlines_for
from complaints.demo import _seed_categories, _weights
from complaints.models import (
    TRACKING_ALPHABET,
    Complaint,
    ComplaintEvent,
    EventKind,
    HandlerKind,
    RejectionKind,
    Satisfaction,
    Status,
)
from properties.credit_code import check_character
from properties.models import (
    ContractStatus,
    Disclosure,
    DisclosureItem,
    FeeBill,
    Inspection,
    InspectionItem,
    Payment,
    PaymentChannel,
    PropertyFirm,
    ServiceContract,
)

from .loader import Loader

M = ManagementMode
ZONE = ZoneInfo("Asia/Shanghai")
D = datetime.date
FIRST_MONTH = D(2025, 12, 1)
MONTHS = 12
AS_OF = datetime.datetime(2026, 11, 20, 18, 0, tzinfo=ZONE)
YEAR_START = datetime.datetime(2025, 12, 1, tzinfo=ZONE)
CENT = Decimal("0.01")

MODE_WEIGHTS = {M.MARKET: 35, M.PUBLIC_TRUSTEESHIP: 15, M.CO_BUILDING: 15,
                M.COMMUNITY_LED: 15, M.NONE: 20}
COLLECTION = {M.MARKET: 0.78, M.PUBLIC_TRUSTEESHIP: 0.88, M.CO_BUILDING: 0.91,
              M.COMMUNITY_LED: 0.83}
FEE_RANGE = {M.MARKET: (1.2, 2.6), M.PUBLIC_TRUSTEESHIP: (0.6, 1.2),
             M.CO_BUILDING: (0.8, 1.6), M.COMMUNITY_LED: (0.3, 0.6)}
COMPLAINT_RATE = {M.MARKET: 1.35, M.PUBLIC_TRUSTEESHIP: 1.1, M.CO_BUILDING: 1.0,
                  M.COMMUNITY_LED: 1.15, M.NONE: 1.6}
PASS_RATE = {M.MARKET: 0.72, M.PUBLIC_TRUSTEESHIP: 0.86, M.CO_BUILDING: 0.90,
             M.COMMUNITY_LED: 0.80}
CHANNELS = [PaymentChannel.WECHAT] * 5 + [PaymentChannel.ALIPAY] * 3 + [
    PaymentChannel.BANK, PaymentChannel.CASH]

DISTRICT_NAMES = ["王益区", "印台区", "耀州区", "新区", "宜君县", "北关区", "南塬区", "川口区"]
STREET_WORDS = ["七一路", "红旗街", "青年路", "桃园", "王家河", "城关", "黄堡", "阿庄", "坡头",
                "金锁关", "孙塬", "董家河", "广阳", "陈炉", "红土", "文化路", "锦阳路", "正阳路"]
COMMUNITY_WORDS = ["朝阳", "光明", "幸福", "和平", "建设", "团结", "胜利", "新华", "东风", "长青",
                   "振兴", "同心", "安康", "民主", "前进", "育才"]
COMPOUND_WORDS = ["林园", "枫叶", "锦绣", "阳光", "翠苑", "金色", "华府", "御景", "康乐", "南苑",
                  "北苑", "书香", "紫荆", "丽景", "玉泉", "秀水", "明珠", "福苑", "嘉园", "华庭",
                  "怡园", "兰亭", "梧桐", "铁路"]
FIRM_WORDS = ["恒信", "安居", "宏达", "华清", "瑞祥", "鑫源", "惠民", "佳洁", "金鼎", "诚和",
              "长安", "盛世"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰志强海燕"
DESCRIPTIONS = {
    "sanitation": "楼道垃圾堆放多日无人清运，气味很大。",
    "repair-utilities": "家中停水一天了，物业说在查原因。",
    "repair-elevator": "电梯经常停在半层，老人不敢坐。",
    "repair-access": "单元门禁坏了，陌生人随意进出。",
    "repair-streetlight": "小区路灯晚上不亮，出行不安全。",
    "greening": "绿化带杂草丛生，很久没修剪。",
    "parking": "消防通道被车辆长期占用。",
    "safety": "楼下电动车在楼道充电，有火灾隐患。",
    "fees": "物业费收费标准没有公示，想了解明细。",
    "noise": "楼上深夜装修噪音扰民。",
}
CLAUSES = ["公共区域每日清扫", "电梯按期维保", "消防设施完好", "门岗24小时值守", "绿化按季养护"]
DISCLOSURE_TITLES = {
    DisclosureItem.FIRM_AND_MANAGER: "物业服务企业及项目负责人信息",
    DisclosureItem.SERVICE_STANDARDS: "物业服务内容和标准",
    DisclosureItem.FEE_STANDARDS: "收费项目和标准",
    DisclosureItem.PUBLIC_REVENUE: "公共收益收支情况",
    DisclosureItem.MAINTENANCE_FUND: "维修资金使用情况",
}


def _month_starts():
    for offset in range(MONTHS):
        year = FIRST_MONTH.year + (FIRST_MONTH.month - 1 + offset) // 12
        month = (FIRST_MONTH.month - 1 + offset) % 12 + 1
        yield D(year, month, 1)


def _month_end(start: datetime.date) -> datetime.date:
    nxt = D(start.year + start.month // 12, start.month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def _local(day: datetime.date, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZONE)


def _credit_code(index: int) -> str:
    first17 = f"91619900MA{index:07d}"
    return first17 + check_character(first17)


def _split(total: int, parts: int, rng: random.Random, minimum: int = 1) -> list[int]:
    """``total`` split into ``parts`` uneven positive sizes (deterministic)."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts)]
    scale = (total - minimum * parts) / sum(weights)
    sizes = [minimum + int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


class _Deadlines:
    """``deadlines_for`` with the working-day count cached per (day, category)."""

    def __init__(self):
        self.cache = {}

    def __call__(self, category, received_at):
        key = (received_at.astimezone(ZONE).date(), category.pk)
        cached = self.cache.get(key)
        response_by = received_at + datetime.timedelta(hours=category.hours_to_respond)
        if cached is None:
            cached = self.cache[key] = deadlines_for(category=category, received_at=received_at)[1]
        return response_by, cached


class CityGenerator:
    def __init__(self, *, households: int, seed: int = 1, log=print, chunk: int = 50_000):
        if households < 50:
            raise ValueError("A city needs at least 50 households.")
        self.households = households
        self.seed = seed
        self.rng = random.Random(seed)
        self.log = log
        self.chunk = chunk
        self.deadlines = _Deadlines()
        self.receipt = 0

    # -- set-up ----------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        started = time.monotonic()
        city_name = f"模拟市{self.seed}"
        if City.objects.filter(name=city_name).exists():
            raise ValueError(f"{city_name} already exists in this database.")
        self.categories = _seed_categories()
        codes, weights = _weights()
        self.category_codes, self.category_weights = codes, weights
        self.inspector = self._inspector()
        self.loader = loader = Loader(log=self.log, chunk=self.chunk)
        self.w = {
            "city": loader.table("cities", City, "name", "code"),
            "district": loader.table("districts", District, "city_id", "name"),
            "street": loader.table("streets", Street, "district_id", "name"),
            "community": loader.table("communities", Community, "street_id", "name", "address",
                                      "phone"),
            "firm": loader.table("firms", PropertyFirm, "name", "credit_code", "ownership",
                                 "contact_person", "contact_phone", "address"),
            "compound": loader.table(
                "compounds", Compound, "community_id", "name", "name_initials", "address",
                "management_mode", "declared_households", "floor_area", "year_built",
                "is_old_compound", "competent_unit"),
            "grid": loader.table("grids", Grid, "community_id", "name", "duty_types"),
            "building": loader.table("buildings", Building, "compound_id", "name", "floors",
                                     "units"),
            "grid_building": loader.table("grid_buildings", Grid.buildings.through, "grid_id",
                                          "building_id"),
            "household": loader.table(
                "households", Household, "compound_id", "building_id", "unit", "room",
                "floor_area", "owner_name", "phone"),
            "contract": loader.table(
                "contracts", ServiceContract, "firm_id", "compound_id", "mode", "start_date",
                "end_date", "fee_standard", "status"),
            "bill": loader.table(
                "bills", FeeBill, "household_id", "compound_id", "period_start", "period_end",
                "amount_due", "amount_waived", "created_at"),
            "payment": loader.table(
                "payments", Payment, "bill_id", "compound_id", "firm_id", "amount", "paid_at",
                "channel", "receipt_no", "created_at", "voided_at", "void_reason"),
            "disclosure": loader.table(
                "disclosures", Disclosure, "compound_id", "firm_id", "item", "title", "text",
                "published_at", "valid_until"),
            "inspection": loader.table("inspections", Inspection, "compound_id", "contract_id",
                                       "date", "inspector_id", "note"),
            "inspection_item": loader.table("inspection_items", InspectionItem,
                                            "inspection_id", "clause", "passed", "note"),
            "complaint": loader.table(
                "complaints", Complaint, *[
                    f.attname for f in Complaint._meta.concrete_fields if f.attname != "id"
                ]),
            "event": loader.table(
                "events", ComplaintEvent, "complaint_id", "kind", "from_status", "to_status",
                "actor_role", "note", "is_public", "created_at"),
        }
        self._hierarchy(city_name)
        next_report = time.monotonic() + 5
        for done, place in enumerate(self.compounds, start=1):
            self._compound(place)
            loader.maybe_flush()
            if time.monotonic() >= next_report or done == len(self.compounds):
                next_report = time.monotonic() + 5
                self.log(f"[{time.monotonic() - started:6.1f}s] compounds {done:,}/"
                         f"{len(self.compounds):,}: {loader.progress()}")
        counts = loader.finish()
        self.log(f"done in {time.monotonic() - started:.1f}s: " + ", ".join(
            f"{name} {count:,}" for name, count in counts.items()))
        return counts

    def _inspector(self):
        user, _ = get_user_model().objects.get_or_create(
            username="bench_inspector", defaults={"first_name": "质检员", "is_active": False}
        )
        return user

    def _hierarchy(self, city_name) -> None:
        rng, w = self.rng, self.w
        n_compounds = max(5, self.households // 250)
        n_communities = max(1, -(-n_compounds // 7))
        n_streets = max(1, -(-n_communities // 5))
        n_districts = max(1, -(-n_streets // 6))
        city_id = w["city"].next_id()
        w["city"].add(id=city_id, name=city_name, code="619900")
        streets = []
        for d in range(n_districts):
            district_id = w["district"].next_id()
            name = DISTRICT_NAMES[d % len(DISTRICT_NAMES)] + (
                "" if d < len(DISTRICT_NAMES) else str(d // len(DISTRICT_NAMES) + 1))
            w["district"].add(id=district_id, city_id=city_id, name=name)
            streets.append(district_id)
        street_ids = []
        for s in range(n_streets):
            street_id = w["street"].next_id()
            w["street"].add(id=street_id, district_id=streets[s % n_districts],
                            name=f"{STREET_WORDS[s % len(STREET_WORDS)]}街道{s + 1}")
            street_ids.append(street_id)
        self.grids = {}
        communities = []
        for c in range(n_communities):
            community_id = w["community"].next_id()
            w["community"].add(
                id=community_id, street_id=street_ids[c % n_streets],
                name=f"{COMMUNITY_WORDS[c % len(COMMUNITY_WORDS)]}社区{c + 1}",
                address=f"{COMMUNITY_WORDS[c % len(COMMUNITY_WORDS)]}路{c + 1}号",
                phone=f"0919-{3100000 + c}",
            )
            grid_ids = []
            for g in range(2):
                grid_id = w["grid"].next_id()
                w["grid"].add(id=grid_id, community_id=community_id, name=f"第{g + 1}网格",
                              duty_types=[GridDutyType.PARTY_BUILDING,
                                          GridDutyType.PUBLIC_SECURITY])
                grid_ids.append(grid_id)
            self.grids[community_id] = grid_ids
            communities.append(community_id)
        n_firms = max(3, n_compounds // 12)
        ownerships = ["private", "private", "state_owned", "collective"]
        self.firms = []
        for f in range(n_firms):
            firm_id = w["firm"].next_id()
            word = FIRM_WORDS[f % len(FIRM_WORDS)]
            w["firm"].add(
                id=firm_id, name=f"{word}物业服务有限公司{self.seed}-{f + 1}",
                credit_code=_credit_code(self.seed * 100_000 + f + 1),
                ownership=ownerships[f % 4], contact_person=self._person(),
                contact_phone=self._mobile(), address=f"新区{f + 1}号",
            )
            self.firms.append(firm_id)
        sizes = _split(self.households, n_compounds, rng, minimum=10)
        modes = list(MODE_WEIGHTS)
        self.compounds = []
        per_community: dict[int, int] = {}
        for i, size in enumerate(sizes):
            community_id = communities[i % n_communities]
            index = per_community.get(community_id, 0)
            per_community[community_id] = index + 1
            mode = modes[i] if i < len(modes) else rng.choices(
                modes, weights=list(MODE_WEIGHTS.values()))[0]
            self.compounds.append({
                "community_id": community_id, "size": size, "mode": mode,
                # The second compound (public trusteeship) always changed mode this year.
                "changed": i == 1 or rng.random() < 0.125,
                "name": f"{COMPOUND_WORDS[index % len(COMPOUND_WORDS)]}小区"
                        + ("" if index < len(COMPOUND_WORDS) else f"{index + 1}期"),
            })

    def _person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN) + (
            self.rng.choice(GIVEN) if self.rng.random() < 0.6 else "")

    def _mobile(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    # -- one compound ----------------------------------------------------------------
    def _compound(self, place) -> None:
        rng, w = self.rng, self.w
        compound_id = w["compound"].next_id()
        mode = place["mode"]
        year_built = rng.randint(1985, 2022)
        area_per_household = rng.uniform(55, 130)
        w["compound"].add(
            id=compound_id, community_id=place["community_id"], name=place["name"],
            name_initials=name_initials(place["name"]), address=f"{place['name']}路{compound_id}号",
            management_mode=mode, declared_households=place["size"],
            floor_area=Decimal(place["size"] * area_per_household).quantize(CENT),
            year_built=year_built, is_old_compound=year_built < 2000,
            competent_unit="" if rng.random() < 0.7 else "市住建局",
        )
        contracts = self._contracts(compound_id, mode, place["changed"])
        grid_ids = self.grids[place["community_id"]]
        households = self._households(compound_id, place["size"], area_per_household, grid_ids)
        self._fees(compound_id, households, contracts)
        self._disclosures(compound_id, contracts)
        self._inspections(compound_id, contracts)
        self._complaints(compound_id, households, contracts, grid_ids, place)

    def _contracts(self, compound_id, mode, changed) -> list[dict]:
        """Contract history; about one compound in eight changed mode during the year."""
        rng, writer = self.rng, self.w["contract"]
        history = []
        current_start = D(rng.randint(2016, 2024), rng.randint(1, 12), 1)
        if changed:
            current_start = D(2026, rng.randint(2, 10), 1)
            previous = rng.choice([m for m in MODE_WEIGHTS if m not in (mode, M.NONE)])
            if previous != M.NONE:
                history.append(self._contract(
                    previous, D(rng.randint(2014, 2022), rng.randint(1, 12), 1),
                    current_start - datetime.timedelta(days=1), compound_id))
        if mode != M.NONE:
            history.append(self._contract(mode, current_start, None, compound_id))
        for contract in history:
            writer.add(
                id=contract["id"], firm_id=contract["firm_id"], compound_id=compound_id,
                mode=contract["mode"], start_date=contract["start"], end_date=contract["end"],
                fee_standard=contract["fee"],
                status=ContractStatus.ENDED if contract["end"] else ContractStatus.ACTIVE,
            )
        return history

    def _contract(self, mode, start, end, compound_id) -> dict:
        low, high = FEE_RANGE[mode]
        firm_id = None if mode == M.COMMUNITY_LED else self.rng.choice(self.firms)
        return {"id": self.w["contract"].next_id(), "mode": mode, "start": start, "end": end,
                "firm_id": firm_id, "fee": Decimal(self.rng.uniform(low, high)).quantize(CENT)}

    @staticmethod
    def _contract_on(contracts, day):
        for contract in contracts:
            if contract["start"] <= day and (contract["end"] is None or day <= contract["end"]):
                return contract
        return None

    def _households(self, compound_id, size, area, grid_ids) -> list[tuple]:
        rng, w = self.rng, self.w
        result = []
        building_no = 0
        while len(result) < size:
            building_no += 1
            floors = rng.choice([6, 6, 7, 11, 18])
            units = rng.choice([2, 3])
            building_id = w["building"].next_id()
            w["building"].add(id=building_id, compound_id=compound_id, name=f"{building_no}号楼",
                              floors=floors, units=units)
            w["grid_building"].add(id=w["grid_building"].next_id(),
                                   grid_id=grid_ids[building_no % len(grid_ids)],
                                   building_id=building_id)
            for floor in range(1, floors + 1):
                for unit in range(1, units + 1):
                    for door in (1, 2):
                        if len(result) >= size:
                            break
                        household_id = w["household"].next_id()
                        floor_area = Decimal(rng.uniform(area * 0.6, area * 1.4)).quantize(CENT)
                        phone = self._mobile()
                        w["household"].add(
                            id=household_id, compound_id=compound_id, building_id=building_id,
                            unit=str(unit), room=f"{floor}0{door}", floor_area=floor_area,
                            owner_name=self._person(), phone=phone,
                        )
                        result.append((household_id, building_id, floor_area, phone))
        return result

    def _fees(self, compound_id, households, contracts) -> None:
        rng, bills, payments = self.rng, self.w["bill"], self.w["payment"]
        for start in _month_starts():
            contract = self._contract_on(contracts, start)
            if contract is None:
                continue
            end = _month_end(start)
            rate = COLLECTION[contract["mode"]]
            issued = _local(start, 8)
            for household_id, _building, floor_area, _phone in households:
                due = (floor_area * contract["fee"]).quantize(CENT, ROUND_HALF_UP)
                waived = (due / 2).quantize(CENT) if rng.random() < 0.02 else Decimal("0")
                bill_id = bills.next_id()
                bills.add(id=bill_id, household_id=household_id, compound_id=compound_id,
                          period_start=start, period_end=end, amount_due=due,
                          amount_waived=waived, created_at=issued)
                if rng.random() >= rate or due - waived <= 0:
                    continue
                paid_at = issued + datetime.timedelta(minutes=rng.randrange(0, 60 * 24 * 75))
                if paid_at > AS_OF:
                    continue
                payment_id = payments.next_id()
                voided = rng.random() < 0.003
                payments.add(
                    id=payment_id, bill_id=bill_id, compound_id=compound_id,
                    firm_id=contract["firm_id"], amount=due - waived, paid_at=paid_at,
                    channel=rng.choice(CHANNELS), receipt_no=f"S{self.seed}-{payment_id:09d}",
                    created_at=paid_at,
                    voided_at=paid_at + datetime.timedelta(hours=2) if voided else None,
                    void_reason="重复录入" if voided else "",
                )

    def _disclosures(self, compound_id, contracts) -> None:
        rng, writer = self.rng, self.w["disclosure"]
        for contract in contracts:
            if contract["end"] is not None:
                continue
            published = _local(max(contract["start"], D(2025, 11, 1)), 9)
            items = list(DisclosureItem.values)
            if rng.random() < 0.22:
                items = items[: rng.randint(2, 4)]
            for item in items:
                writer.add(
                    id=writer.next_id(), compound_id=compound_id, firm_id=contract["firm_id"],
                    item=item, title=DISCLOSURE_TITLES[item],
                    text=f"{DISCLOSURE_TITLES[item]}（{published:%Y年%m月}公示）",
                    published_at=published, valid_until=None,
                )

    def _inspections(self, compound_id, contracts) -> None:
        rng, inspections, items = self.rng, self.w["inspection"], self.w["inspection_item"]
        for month in (3, 6, 9):
            day = D(2026, month, rng.randint(5, 25))
            contract = self._contract_on(contracts, day)
            if contract is None or contract["firm_id"] is None:
                continue
            inspection_id = inspections.next_id()
            inspections.add(id=inspection_id, compound_id=compound_id,
                            contract_id=contract["id"], date=day,
                            inspector_id=self.inspector.pk, note="季度履约检查")
            for clause in CLAUSES:
                passed = rng.random() < PASS_RATE[contract["mode"]]
                items.add(id=items.next_id(), inspection_id=inspection_id, clause=clause,
                          passed=passed, note="" if passed else "需整改")

    # -- complaints ------------------------------------------------------------------
    def _complaints(self, compound_id, households, contracts, grid_ids, place) -> None:
        rng = self.rng
        expected = len(households) * COMPLAINT_RATE[place["mode"]] * rng.uniform(0.75, 1.25)
        count = int(expected) + (rng.random() < expected % 1)
        span = (AS_OF - YEAR_START).total_seconds()
        moments = sorted(
            YEAR_START + datetime.timedelta(seconds=rng.uniform(0, span)) for _ in range(count)
        )
        earlier = []
        for received in moments:
            household = rng.choice(households)
            code = rng.choices(self.category_codes, weights=self.category_weights)[0]
            category = self.categories[code]
            contract = self._contract_on(contracts, received.astimezone(ZONE).date())
            complaint_id = self._complaint(compound_id, household, category, code, received,
                                           contract, grid_ids, earlier)
            earlier.append(complaint_id)
            if len(earlier) > 20:
                earlier.pop(0)

    def _complaint(self, compound_id, household, category, code, received, contract,
                   grid_ids, earlier) -> int:
        rng, writer, events = self.rng, self.w["complaint"], self.w["event"]
        complaint_id = writer.next_id()
        response_by, resolve_by = self.deadlines(category, received)
        handler_kind, firm_id, grid_id = HandlerKind.COMMUNITY, None, None
        if category.default_handler == HandlerKind.FIRM and contract and contract["firm_id"]:
            handler_kind, firm_id = HandlerKind.FIRM, contract["firm_id"]
        elif category.default_handler == HandlerKind.GRID:
            handler_kind, grid_id = HandlerKind.GRID, rng.choice(grid_ids)
        handler_role = {"firm": "firm_staff", "grid": "grid_worker"}.get(
            handler_kind, "community_staff")
        timeline = [(EventKind.CREATED, received, "resident", "", Status.SUBMITTED)]
        row = {
            "status": Status.SUBMITTED, "accepted_at": None, "dispatched_at": None,
            "started_at": None, "resolved_at": None, "closed_at": None, "rejected_at": None,
            "reopen_count": 0, "escalation_level": 0, "resident_resolved": None,
            "satisfaction": "", "satisfaction_comment": "", "feedback_at": None,
            "feedback_source": "", "duplicate_of_id": None, "rejection_kind": "",
            "rejection_reason": "", "handler_kind": "", "handler_firm_id": None,
            "handler_grid_id": None,
        }

        def step(kind, at, role, to_status, note=""):
            if at > AS_OF:
                return False
            timeline.append((kind, at, role, note, to_status))
            row["status"] = to_status
            return True

        hours = category.hours_to_respond
        late_response = rng.random() < 0.08
        accepted = received + datetime.timedelta(
            hours=hours * (rng.uniform(1.1, 2.5) if late_response else rng.uniform(0.05, 0.9)))
        if rng.random() < 0.04:  # rejected as invalid or duplicate
            at = received + datetime.timedelta(hours=rng.uniform(0.5, hours))
            duplicate = earlier and rng.random() < 0.4
            reason = "重复诉求" if duplicate else "不属于受理范围"
            if step(EventKind.DUPLICATE if duplicate else EventKind.REJECTED, at,
                    "community_staff", Status.REJECTED, reason):
                row.update(rejected_at=at, rejection_kind=RejectionKind.DUPLICATE if duplicate
                           else RejectionKind.INVALID, rejection_reason=reason,
                           duplicate_of_id=earlier[-1] if duplicate else None)
        elif step(EventKind.ACCEPTED, accepted, "community_staff", Status.ACCEPTED):
            row["accepted_at"] = accepted
            if late_response:
                row["escalation_level"] = 1
            dispatched = accepted + datetime.timedelta(hours=rng.uniform(0.2, 4))
            if step(EventKind.DISPATCHED, dispatched, "community_staff", Status.DISPATCHED):
                row.update(dispatched_at=dispatched, handler_kind=handler_kind,
                           handler_firm_id=firm_id, handler_grid_id=grid_id)
                started = dispatched + datetime.timedelta(hours=rng.uniform(0.5, 20))
                if step(EventKind.STARTED, started, handler_role, Status.IN_PROGRESS):
                    row["started_at"] = started
                    self._resolve(row, step, started, received, resolve_by, category,
                                  handler_role)
        writer.add(
            id=complaint_id, tracking_code="".join(
                rng.choice(TRACKING_ALPHABET) for _ in range(12)),
            compound_id=compound_id, building_id=household[1], category_id=category.pk,
            channel=rng.choice(["web", "web", "web", "phone", "hotline_12345", "window"]),
            external_ref="", description=DESCRIPTIONS.get(code, DESCRIPTIONS["sanitation"]),
            reporter_name=self._person(), reporter_phone=household[3],
            address_string="", latitude=None, longitude=None, urgency="normal",
            received_at=received, response_deadline=response_by, resolve_deadline=resolve_by,
            feedback_by_id=None, created_by_id=None, open311_client_id=None,
            version=len(timeline), updated_at=timeline[-1][1], **row,
        )
        previous = ""
        for kind, at, role, note, to_status in timeline:
            events.add(id=events.next_id(), complaint_id=complaint_id, kind=kind,
                       from_status=previous if kind != EventKind.FEEDBACK else "",
                       to_status=to_status if kind != EventKind.FEEDBACK else "",
                       actor_role=role, note=note, is_public=True, created_at=at)
            if kind != EventKind.FEEDBACK:
                previous = to_status
        return complaint_id

    def _resolve(self, row, step, started, received, resolve_by, category, handler_role):
        rng = self.rng
        budget = (resolve_by - received).total_seconds()
        late = rng.random() < 0.12
        seconds = budget * (rng.uniform(1.05, 2.0) if late else rng.uniform(0.1, 0.95))
        resolved = max(started + datetime.timedelta(minutes=30),
                       received + datetime.timedelta(seconds=seconds))
        if not step(EventKind.RESOLVED, resolved, handler_role, Status.RESOLVED, "已处理完毕"):
            return
        row["resolved_at"] = resolved
        feedback = resolved + datetime.timedelta(hours=rng.uniform(2, 72))
        if rng.random() < 0.7 and feedback <= AS_OF:
            fixed = rng.random() < 0.86
            roll = rng.random()
            satisfaction = (Satisfaction.SATISFIED if roll < 0.6 else
                            Satisfaction.BASICALLY_SATISFIED if roll < 0.85 else
                            Satisfaction.DISSATISFIED)
            if not fixed:
                satisfaction = Satisfaction.DISSATISFIED
            row.update(resident_resolved=fixed, satisfaction=satisfaction, feedback_at=feedback,
                       feedback_source="resident")
            step(EventKind.FEEDBACK, feedback, "resident", Status.RESOLVED)
            if not fixed and rng.random() < 0.5:
                reopened = feedback + datetime.timedelta(minutes=5)
                step(EventKind.REOPENED, reopened, "resident", Status.REOPENED)
                row["reopen_count"] = 1
                again = reopened + datetime.timedelta(days=rng.uniform(1, 5))
                if step(EventKind.RESOLVED, again, handler_role, Status.RESOLVED, "已再次处理"):
                    row["resolved_at"] = again
                return
            closed = feedback + datetime.timedelta(hours=rng.uniform(1, 24))
            if step(EventKind.CLOSED, closed, "community_staff", Status.CLOSED):
                row["closed_at"] = closed
        else:
            closed = resolved + datetime.timedelta(days=7)
            if step(EventKind.CLOSED, closed, "system", Status.CLOSED, "逾期未评价，自动办结"):
                row["closed_at"] = closed


def generate_city(*, households: int, seed: int = 1, log=print, chunk: int = 50_000):
    """Generate a city of about ``households`` households; returns rows written per table."""
    return CityGenerator(households=households, seed=seed, log=log, chunk=chunk).run()
