"""A deterministic synthetic city: ``generate_city(households=N, seed=S)``.

Everything comes from one ``random.Random(seed)`` and fixed dates (the year December
2025 – November 2026, observed at ``AS_OF``), so the same seed on an empty database gives
the same rows, ids and metric snapshots. Rows are written compound by compound through
``bench.loader`` (COPY on PostgreSQL), so memory stays bounded whatever N is.

Besides the hierarchy, contracts, fees, disclosures, inspections and complaints, the city
has its Party organisations (社区党委 → 网格党支部 → 楼栋党小组 with 党员中心户, compound
branches, owners' committee groups, firm and resident-unit branches), the joint meetings of
each community (monthly three-party, quarterly Party-building) with their decisions, and the
grids' workers, vulnerable residents and their twice-daily patrols (一日两巡) — written
community by community after the compounds.
"""

import datetime
import random
import time
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model

from bench.categories import category_weights, seed_categories
from communities.models import (
    Building,
    City,
    Community,
    Compound,
    District,
    Grid,
    GridDutyType,
    GridWorker,
    GridWorkerRole,
    HalfDay,
    Household,
    ManagementMode,
    PatrolVisit,
    Street,
    VulnerableGroup,
    VulnerableResident,
)
from communities.pinyin import name_initials
from complaints.deadlines import deadline_is_provisional, deadlines_for
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
from core.timeutils import month_end
from party_orgs.models import (
    PATH_STEP,
    ActionItem,
    ActionStatus,
    JointMeeting,
    MeetingKind,
    MemberRole,
    OrgKind,
    OrgUnitType,
    PartyMember,
    PartyOrganization,
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
from .year import AS_OF, FIRST_MONTH, ZONE, month_starts

M = ManagementMode
D = datetime.date
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
RESIDENT_UNITS = ["供电所", "小学", "社区卫生服务中心", "派出所", "农商银行支行", "市场监管所",
                  "消防救援站", "中学", "自来水公司营业所", "邮政支局"]
THREE_PARTY_TOPICS = ["停车秩序整治", "垃圾分类督导", "公共收益公示", "维修资金使用",
                      "楼道杂物清理", "电梯维保", "二次供水清洗", "冬季供暖保障", "绿化补植",
                      "消防通道畅通"]
DECISIONS = [("清理楼道堆放杂物", "物业服务企业"), ("公示上月公共收益收支", "业委会"),
             ("维修单元门禁", "物业服务企业"), ("施划消防通道标线", "社区居委会"),
             ("组织党员志愿者入户宣传垃圾分类", "社区党委"),
             ("排查电动车楼道充电隐患", "网格党支部"),
             ("征求业主对物业服务的意见", "业委会"), ("修剪小区绿化带", "物业服务企业")]
UNIT_DECISIONS = [("驻区单位认领民生项目", "驻区单位党组织"),
                  ("开展党员进社区志愿服务", "社区党委"),
                  ("共建单位开放停车位错时共享", "驻区单位党组织")]
VULNERABLE_NOTES = {
    VulnerableGroup.ELDERLY_ALONE: "独居老人，腿脚不便",
    VulnerableGroup.HARDSHIP: "低保户",
    VulnerableGroup.LEFT_BEHIND_CHILD: "父母在外务工，随祖父母生活",
    VulnerableGroup.FLOATING: "新迁入租户",
}
PATROL_CONDITIONS = ["需协助购买生活用品", "身体不适，已联系家属", "水管漏水，已报物业维修",
                     "情绪低落，已安排志愿者陪伴"]


def _path(parent_path: str, org_id: int) -> str:
    segment = f"{org_id:0{PATH_STEP}d}"
    return f"{parent_path}.{segment}" if parent_path else segment


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
        self.categories = seed_categories()
        codes, weights = category_weights()
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
            # Party organisations, joint meetings and patrols (after every table they name).
            "grid_worker": loader.table("grid_workers", GridWorker, "grid_id", "name", "phone",
                                        "role", "is_party_member"),
            "party_org": loader.table(
                "party_orgs", PartyOrganization, "name", "kind", "unit_type", "parent_id",
                "path", "depth", "community_id", "compound_id", "grid_id", "building_id",
                "firm_id", "unit_name", "secretary_name", "founded_on"),
            "party_member": loader.table(
                "party_members", PartyMember, "organization_id", "name", "phone", "role",
                "joined_on", "is_central_household", "model_post", "shows_identity",
                "public_commitment"),
            "member_household": loader.table("central_households",
                                             PartyMember.households.through,
                                             "partymember_id", "household_id"),
            "meeting": loader.table(
                "meetings", JointMeeting, "community_id", "kind", "held_at", "title",
                "attendees", "owners_committee_present", "topics", "minutes", "created_at"),
            "meeting_org": loader.table("meeting_orgs", JointMeeting.organizations.through,
                                        "jointmeeting_id", "partyorganization_id"),
            "meeting_compound": loader.table("meeting_compounds",
                                             JointMeeting.compounds.through,
                                             "jointmeeting_id", "compound_id"),
            "action": loader.table("action_items", ActionItem, "meeting_id", "description",
                                   "owner", "due_date", "status", "done_on"),
            "action_compound": loader.table("action_compounds", ActionItem.compounds.through,
                                            "actionitem_id", "compound_id"),
            "vulnerable": loader.table(
                "vulnerable_residents", VulnerableResident, "grid_id", "name", "phone",
                "address", "group", "note", "registered_on", "left_on"),
            "patrol": loader.table(
                "patrol_visits", PatrolVisit, "resident_id", "visited_at", "visit_date",
                "half_day", "visitor_name", "condition", "needs_follow_up"),
        }
        self.city_name = city_name
        self._hierarchy(city_name)
        next_report = time.monotonic() + 5
        for done, place in enumerate(self.compounds, start=1):
            self._compound(place)
            loader.maybe_flush()
            if time.monotonic() >= next_report or done == len(self.compounds):
                next_report = time.monotonic() + 5
                self.log(f"[{time.monotonic() - started:6.1f}s] compounds {done:,}/"
                         f"{len(self.compounds):,}: {loader.progress()}")
        for community_id in self.communities:
            self._meetings(community_id)
            self._patrols(community_id)
            loader.maybe_flush()
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
        self.communities = communities = []
        # Per community: its Party committee (id, path), resident-unit organisations and the
        # compounds generated so far; per grid: its Party branch, workers and a few addresses.
        self.committees, self.unit_orgs, self.community_compounds = {}, {}, {}
        self.grid_branches, self.grid_workers, self.grid_addresses = {}, {}, {}
        self.firm_orgs = {}
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
            self._community_organisations(
                community_id, f"{COMMUNITY_WORDS[c % len(COMMUNITY_WORDS)]}社区{c + 1}", grid_ids)
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
            self.firm_orgs[firm_id] = self._org(
                name=f"{word}物业服务有限公司{self.seed}-{f + 1}党支部", kind=OrgKind.BRANCH,
                unit_type=OrgUnitType.FIRM, firm_id=firm_id,
                member={"model_post": "物业服务窗口党员示范岗",
                        "public_commitment": "亮身份、亮承诺：接诉即办，当日回复"})[0]
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

    # -- Party organisations -------------------------------------------------------
    def _org(self, *, name, kind, unit_type, parent=None, member=None, **links):
        """One organisation (its secretary or leader as a member too); (id, path)."""
        rng, writer = self.rng, self.w["party_org"]
        org_id = writer.next_id()
        path = _path(parent[1] if parent else "", org_id)
        secretary = self._person()
        writer.add(
            id=org_id, name=name, kind=kind, unit_type=unit_type,
            parent_id=parent[0] if parent else None, path=path, depth=path.count("."),
            community_id=links.get("community_id"), compound_id=links.get("compound_id"),
            grid_id=links.get("grid_id"), building_id=links.get("building_id"),
            firm_id=links.get("firm_id"), unit_name=links.get("unit_name", ""),
            secretary_name=secretary,
            founded_on=D(rng.randint(1998, 2024), rng.randint(1, 12), rng.randint(1, 28)),
        )
        role = MemberRole.GROUP_LEADER if kind == OrgKind.GROUP else MemberRole.SECRETARY
        self._member(org_id, secretary, role=role, shows_identity=True, **(member or {}))
        return org_id, path

    def _member(self, org_id, name, *, role=MemberRole.MEMBER, **fields) -> int:
        writer = self.w["party_member"]
        member_id = writer.next_id()
        writer.add(
            id=member_id, organization_id=org_id, name=name, phone=self._mobile(), role=role,
            joined_on=D(self.rng.randint(1975, 2023), self.rng.randint(1, 12), 1),
            is_central_household=fields.get("is_central_household", False),
            model_post=fields.get("model_post", ""),
            shows_identity=fields.get("shows_identity", False),
            public_commitment=fields.get("public_commitment", ""),
        )
        return member_id

    def _community_organisations(self, community_id, community_name, grid_ids) -> None:
        """社区党委 with a 网格党支部 per grid (whose secretary leads the grid's workers) and
        the Party branches of one or two resident units (驻区单位)."""
        rng = self.rng
        committee = self._org(
            name=f"{self.city_name}{community_name}党委", kind=OrgKind.COMMITTEE,
            unit_type=OrgUnitType.COMMUNITY, community_id=community_id,
            member={"public_commitment": "社区事社区办，群众诉求件件有回音"})
        self.committees[community_id] = committee
        for number, grid_id in enumerate(grid_ids, start=1):
            branch = self._org(
                name=f"第{number}网格党支部", kind=OrgKind.BRANCH, unit_type=OrgUnitType.GRID,
                parent=committee, community_id=community_id, grid_id=grid_id,
                member={"public_commitment": "网格事网格办，群众诉求24小时内回应"})
            self.grid_branches[grid_id] = branch
            names = []
            for index in range(rng.randint(2, 3)):
                name = self._person()
                while name in names:
                    name += rng.choice(GIVEN)
                names.append(name)
                self.w["grid_worker"].add(
                    id=self.w["grid_worker"].next_id(), grid_id=grid_id, name=name,
                    phone=self._mobile(),
                    role=GridWorkerRole.GRID_LEADER if index == 0 else GridWorkerRole.FULL_TIME,
                    is_party_member=index == 0 or rng.random() < 0.4)
            self.grid_workers[grid_id] = names
            self.grid_addresses[grid_id] = []
        units = []
        for word in rng.sample(RESIDENT_UNITS, rng.randint(1, 2)):
            unit_name = f"{community_name}{word}"
            units.append(self._org(
                name=f"{self.city_name}{unit_name}党支部", kind=OrgKind.BRANCH,
                unit_type=OrgUnitType.RESIDENT_UNIT, community_id=community_id,
                unit_name=unit_name)[0])
        self.unit_orgs[community_id] = units
        self.community_compounds[community_id] = []

    def _compound_organisations(self, compound_id, place, contracts, buildings,
                                households) -> None:
        """The compound's Party branch (a few members), its owners' committee Party group
        when co-built, and a 楼栋党小组 per building with a 党员中心户 in about half."""
        rng, community_id = self.rng, place["community_id"]
        committee = self.committees[community_id]
        branch = self._org(name=f"{place['name']}党支部", kind=OrgKind.BRANCH,
                           unit_type=OrgUnitType.COMPOUND, parent=committee,
                           community_id=community_id, compound_id=compound_id)[0]
        for _ in range(rng.randint(2, 5)):
            self._member(branch, self._person(), shows_identity=rng.random() < 0.5)
        owners_group = None
        if place["mode"] == M.CO_BUILDING:
            owners_group = self._org(
                name=f"{place['name']}业委会党小组", kind=OrgKind.GROUP,
                unit_type=OrgUnitType.OWNERS_COMMITTEE, parent=committee,
                community_id=community_id, compound_id=compound_id)[0]
        by_building: dict[int, list[int]] = {}
        for household_id, building_id, _area, _phone in households:
            by_building.setdefault(building_id, []).append(household_id)
        links = self.w["member_household"]
        for building_id, building_name, grid_id in buildings:
            group = self._org(
                name=f"{place['name']}{building_name}党小组", kind=OrgKind.GROUP,
                unit_type=OrgUnitType.BUILDING, parent=self.grid_branches[grid_id],
                community_id=community_id, grid_id=grid_id, building_id=building_id)[0]
            if rng.random() < 0.5:
                member_id = self._member(group, self._person(), is_central_household=True,
                                         shows_identity=True,
                                         public_commitment="联系本楼栋住户，收集民情民意")
                for household_id in by_building.get(building_id, [])[:10]:
                    links.add(id=links.next_id(), partymember_id=member_id,
                              household_id=household_id)
            addresses = self.grid_addresses[grid_id]
            if len(addresses) < 6:
                addresses.append(f"{place['name']}{building_name}")
        current = next((c for c in contracts if c["end"] is None), None)
        self.community_compounds[community_id].append({
            "id": compound_id, "mode": place["mode"], "branch": branch,
            "owners_group": owners_group,
            "firm_org": self.firm_orgs.get(current["firm_id"]) if current else None,
        })

    # -- joint meetings --------------------------------------------------------------
    def _meetings(self, community_id) -> None:
        """Monthly three-party meetings (community, firm, owners' committee) about the
        compounds with a firm or co-built, a month or a compound now and then missed, and
        quarterly Party-building joint meetings with the resident units; each meeting
        leaves one to three decisions, most done by the day they were due."""
        rng = self.rng
        committee = self.committees[community_id][0]
        concerned = [c for c in self.community_compounds[community_id]
                     if c["mode"] == M.CO_BUILDING or c["firm_org"]]
        if concerned:
            for start in month_starts():
                if rng.random() < 0.06:
                    continue
                held_at = _local(start.replace(day=rng.randint(5, 18)), rng.choice([9, 14]),
                                 30)
                present = [c for c in concerned if rng.random() >= 0.08] or concerned[:1]
                orgs = [committee] + sorted({
                    org for c in present for org in (c["owners_group"], c["firm_org"]) if org})
                topics = "、".join(rng.sample(THREE_PARTY_TOPICS, 3))
                self._meeting(
                    community_id, MeetingKind.THREE_PARTY, held_at,
                    f"{held_at:%Y年%m月}三方联席会议", topics,
                    "社区党委书记\n物业项目经理（党员）\n业委会（物管会）主任",
                    any(c["owners_group"] for c in present) or rng.random() < 0.7,
                    orgs, [c["id"] for c in present], DECISIONS)
        for month in (2, 5, 8, 11):
            if rng.random() < 0.1:
                continue
            held_at = _local(D(2026, month, rng.randint(8, 18)), 14, 30)
            self._meeting(
                community_id, MeetingKind.PARTY_BUILDING, held_at,
                f"{held_at.year}年第{(month + 1) // 3}季度党建联席会议",
                "整合驻区单位资源，推动各领域党建互联互通互动",
                "社区党委\n驻区单位党组织负责人\n物业企业党组织负责人", False,
                [committee, *self.unit_orgs[community_id]], [], UNIT_DECISIONS)

    def _meeting(self, community_id, kind, held_at, title, topics, attendees, owners_present,
                 orgs, compound_ids, decisions) -> None:
        rng, w = self.rng, self.w
        meeting_id = w["meeting"].next_id()
        w["meeting"].add(
            id=meeting_id, community_id=community_id, kind=kind, held_at=held_at, title=title,
            attendees=attendees, owners_committee_present=owners_present, topics=topics,
            minutes=f"会议围绕{topics}进行了研究，明确了责任主体和完成时限。",
            created_at=held_at + datetime.timedelta(hours=rng.randint(2, 30)))
        for org_id in orgs:
            w["meeting_org"].add(id=w["meeting_org"].next_id(), jointmeeting_id=meeting_id,
                                 partyorganization_id=org_id)
        for compound_id in compound_ids:
            w["meeting_compound"].add(id=w["meeting_compound"].next_id(),
                                      jointmeeting_id=meeting_id, compound_id=compound_id)
        held, today = held_at.date(), AS_OF.date()
        for description, owner in rng.sample(decisions, rng.randint(1, min(3, len(decisions)))):
            due = held + datetime.timedelta(days=rng.randint(7, 30))
            roll = rng.random()
            if due < today:
                status = (ActionStatus.DONE if roll < 0.85 else
                          ActionStatus.IN_PROGRESS if roll < 0.95 else ActionStatus.OPEN)
            else:
                status = (ActionStatus.DONE if roll < 0.3 else
                          ActionStatus.IN_PROGRESS if roll < 0.8 else ActionStatus.OPEN)
            done_on = None
            if status == ActionStatus.DONE:
                latest = min(due, today)
                done_on = held + datetime.timedelta(days=rng.randint(1, (latest - held).days))
            item_id = w["action"].next_id()
            w["action"].add(id=item_id, meeting_id=meeting_id, description=description,
                            owner=owner, due_date=due, status=status, done_on=done_on)
            for compound_id in compound_ids:
                w["action_compound"].add(id=w["action_compound"].next_id(),
                                         actionitem_id=item_id, compound_id=compound_id)

    # -- patrols (一日两巡) ------------------------------------------------------------
    def _patrols(self, community_id) -> None:
        """One or two vulnerable residents per grid (some registered during the year, a few
        left), visited every morning and afternoon by one of the grid's workers; about one
        day in a hundred and one half-day in forty are missed."""
        rng, residents, visits = self.rng, self.w["vulnerable"], self.w["patrol"]
        last_day = AS_OF.date()
        for grid_id in self.grids[community_id]:
            workers = self.grid_workers[grid_id]
            addresses = self.grid_addresses[grid_id] or ["社区"]
            for number in range(1 + (rng.random() < 0.5)):
                group = rng.choice(list(VULNERABLE_NOTES))
                registered = (D(rng.randint(2021, 2025), rng.randint(1, 11), 1) if number == 0
                              else FIRST_MONTH + datetime.timedelta(days=rng.randint(0, 330)))
                left = None
                if rng.random() < 0.1:
                    first = max(registered, FIRST_MONTH)
                    left = first + datetime.timedelta(
                        days=rng.randint(0, (last_day - first).days - 1))
                resident_id = residents.next_id()
                residents.add(
                    id=resident_id, grid_id=grid_id, name=self._person(),
                    phone="" if rng.random() < 0.2 else self._mobile(),
                    address=f"{rng.choice(addresses)}{rng.randint(1, 3)}单元"
                            f"{rng.randint(1, 6)}0{rng.randint(1, 2)}",
                    group=group, note=VULNERABLE_NOTES[group], registered_on=registered,
                    left_on=left)
                day = max(registered, FIRST_MONTH)
                end = min(left or last_day, last_day)
                while day <= end:
                    if rng.random() >= 0.01:  # the whole day missed now and then
                        for half, hour, span in ((HalfDay.MORNING, 8, 210),
                                                 (HalfDay.AFTERNOON, 14, 240)):
                            if rng.random() < 0.025:
                                continue
                            at = _local(day, hour) + datetime.timedelta(
                                minutes=rng.randrange(span))
                            if at > AS_OF:
                                break
                            follow_up = rng.random() < 0.03
                            visits.add(
                                id=visits.next_id(), resident_id=resident_id, visited_at=at,
                                visit_date=day, half_day=half,
                                visitor_name=rng.choice(workers),
                                condition=rng.choice(PATROL_CONDITIONS) if follow_up
                                else "情况正常",
                                needs_follow_up=follow_up)
                    day += datetime.timedelta(days=1)

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
        self.buildings = []
        households = self._households(compound_id, place["size"], area_per_household, grid_ids)
        self._compound_organisations(compound_id, place, contracts, self.buildings, households)
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
            grid_id = grid_ids[building_no % len(grid_ids)]
            w["grid_building"].add(id=w["grid_building"].next_id(), grid_id=grid_id,
                                   building_id=building_id)
            self.buildings.append((building_id, f"{building_no}号楼", grid_id))
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
        for start in month_starts():
            contract = self._contract_on(contracts, start)
            if contract is None:
                continue
            end = month_end(start)
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
            deadline_provisional=deadline_is_provisional(received_at=received,
                                                         resolve_by=resolve_by),
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
