"""Demo data of the seed article: 古塔区's four-level structure (community Party committee →
8 grid branches → 23 building groups → 23 Party-member central households), firm and
owners'-committee organisations, the three-party monthly meetings of 2026, 12 Party-building
joint meetings with resident units, 18 demonstration points through the 三审 review with
their 五有 assessments and work reports, the three lists and 15万元 of funds.

Idempotent: everything is found by a natural key before it is created."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q

from communities.models import (
    Community,
    Compound,
    District,
    Grid,
    Household,
    ManagementMode,
    StaffRole,
    Street,
)
from communities.services import staff_assignment_create, staff_user_create
from core.timeutils import is_working_day, local_now, local_zone
from party_orgs import services
from party_orgs.models import (
    ActionItem,
    ActionStatus,
    DemonstrationPoint,
    FundAllocation,
    FundKind,
    FundSpending,
    Infrastructure,
    ItemStatus,
    JointMeeting,
    ListItem,
    ListKind,
    MeetingKind,
    MemberRole,
    OrgKind,
    OrgUnitType,
    PartyMember,
    PartyOrganization,
    PointStatus,
    ReportKind,
    ReviewDecision,
    WorkReport,
)
from properties.models import PropertyFirm

YEAR = 2026
GUTA = "古塔区"
PILOT = ("福德社区", "保安社区")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国玉红梅志海燕"
RESIDENT_UNITS = (
    ("福德社区", "国网锦州供电公司古塔分公司"), ("福德社区", "古塔区人民医院"),
    ("保安社区", "锦州银行古塔支行"), ("保安社区", "保安街道派出所"),
    ("北一里社区", "北街小学"), ("南街社区", "古塔区市场监管所"),
    ("士英社区", "锦州市第八中学"), ("民治社区", "古塔区消防救援站"),
)
# The 18 demonstration points: (community, name, where the 三审 review stands)
POINTS = (
    ("福德社区", "福德里幸福新社区", "approved"),
    ("福德社区", "天安小区红色网格", "approved"),
    ("保安社区", "保安里幸福新社区", "approved"),
    ("保安社区", "锦铁家属院邻里守望", "approved"),
    ("民治社区", "民治家园暖心驿站", "approved"),
    ("北一里社区", "北一里红色物业", "approved"),
    ("南街社区", "南街平安小区", "approved"),
    ("士英社区", "士英嘉园融合共建", "approved"),
    ("福德社区", "福德社区党群连心", "approved"),
    ("保安社区", "保安社区楼栋自治", "approved"),
    ("民治社区", "民治老旧小区改造", "awaiting_district"),
    ("北一里社区", "北一里邻里节", "awaiting_district"),
    ("士英社区", "士英社区志愿服务", "awaiting_district"),
    ("南街社区", "南街一老一小", "awaiting_street"),
    ("福德社区", "福德社区停车治理", "awaiting_street"),
    ("保安社区", "保安社区供暖保障", "resubmitted"),
    ("北一里社区", "北一里文体康养", "rejected"),
    ("士英社区", "士英社区矛盾调解", "rejected"),
)


def _name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < .6
                                                       else "")


def _phone(rng):
    return f"13{rng.randrange(10**9):09d}"


def _org(*, name, parent=None, **fields):
    """get-or-create on (parent, name)."""
    found = PartyOrganization.objects.filter(name=name, parent=parent).first()
    return found or services.party_org_create(name=name, parent=parent, **fields)


def _member(org, *, name, **fields):
    households = fields.pop("households", ())
    found = PartyMember.objects.filter(organization=org, role=fields.get("role", "member"),
                                       is_central_household=fields.get(
                                           "is_central_household", False)).first()
    if found:
        return found
    return services.party_member_create(organization=org, name=name, households=households,
                                        **fields)


def _system_user(username, full_name, role, node):
    """A seeded staff account (no usable password) that takes the demo review steps."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": full_name, "is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    current = user.staff_assignments.filter(ended_at__isnull=True).first()
    if current is None:
        staff_assignment_create(user=user, role=role, node=node, title=full_name)
    return user


def seed_party_orgs(log):
    rng = random.Random(20261126)
    _seed_four_levels(rng)
    _seed_other_organisations(rng)
    _seed_meetings(rng)
    _seed_points(rng)
    _seed_lists()
    _seed_funds()
    log(
        f"party organisations: {PartyOrganization.objects.count()} organisations, "
        f"{PartyMember.objects.count()} members, {JointMeeting.objects.count()} joint "
        f"meetings, {ActionItem.objects.count()} decisions, "
        f"{DemonstrationPoint.objects.count()} demonstration points, "
        f"{WorkReport.objects.count()} reports, {FundAllocation.objects.count()} allocations"
    )


def _seed_four_levels(rng):
    """社区党委 — 网格党支部 — 楼栋党小组 — 党员中心户 in the two pilot communities."""
    for community in Community.objects.filter(name__in=PILOT, street__district__name=GUTA):
        committee = _org(name=f"{community.name}党委", kind=OrgKind.COMMITTEE,
                         unit_type=OrgUnitType.COMMUNITY, community=community,
                         secretary_name=_name(rng))
        _member(committee, name=committee.secretary_name, role=MemberRole.SECRETARY,
                phone=_phone(rng), shows_identity=True)
        grids = Grid.objects.filter(community=community).prefetch_related(
            "buildings__compound"
        ).order_by("name")
        for grid in grids:
            secretary = _name(rng)
            branch = _org(name=f"{community.name}{grid.name}党支部", parent=committee,
                          kind=OrgKind.BRANCH, unit_type=OrgUnitType.GRID, grid=grid,
                          secretary_name=secretary)
            _member(branch, name=branch.secretary_name, role=MemberRole.SECRETARY,
                    phone=_phone(rng), shows_identity=True,
                    public_commitment="网格事网格办，群众诉求24小时内回应")
            for building in sorted(grid.buildings.all(), key=lambda b: (b.compound.name,
                                                                         b.name)):
                leader = _name(rng)
                group = _org(name=f"{building.compound.name}{building.name}党小组",
                             parent=branch, kind=OrgKind.GROUP,
                             unit_type=OrgUnitType.BUILDING, building=building, grid=grid,
                             secretary_name=leader)
                _member(group, name=group.secretary_name, role=MemberRole.GROUP_LEADER,
                        phone=_phone(rng), shows_identity=True)
                households = list(Household.objects.filter(building=building)
                                  .order_by("unit", "room")[:12])
                _member(group, name=_name(rng), phone=_phone(rng), is_central_household=True,
                        households=households, shows_identity=True,
                        public_commitment="联系本楼栋住户，收集民情民意")


def _seed_other_organisations(rng):

    # Community committees elsewhere, and a branch in each compound of 铜川市.
    for community in Community.objects.exclude(name__in=PILOT).select_related(
        "street__district__city"
    ).order_by("pk"):
        committee = _org(name=f"{community.name}党委", kind=OrgKind.COMMITTEE,
                         unit_type=OrgUnitType.COMMUNITY, community=community,
                         secretary_name=_name(rng))
        if community.street.district.city.name != "铜川市":
            continue
        for compound in community.compounds.order_by("name"):
            _org(name=f"{compound.name}党支部", parent=committee, kind=OrgKind.BRANCH,
                 unit_type=OrgUnitType.COMPOUND, compound=compound, secretary_name=_name(rng))
    # Owners' committee Party groups of the co-building compounds (by compound + kind).
    for compound in Compound.objects.filter(management_mode=ManagementMode.CO_BUILDING):
        committee = PartyOrganization.objects.get(name=f"{compound.community.name}党委",
                                                  parent=None)
        _org(name=f"{compound.name}业委会党小组", parent=committee, kind=OrgKind.GROUP,
             unit_type=OrgUnitType.OWNERS_COMMITTEE, compound=compound,
             secretary_name=_name(rng))
    # Resident units (驻区单位) of 古塔区.
    for community_name, unit in RESIDENT_UNITS:
        community = Community.objects.filter(name=community_name,
                                             street__district__name=GUTA).first()
        if community:
            _org(name=f"{unit}党支部", kind=OrgKind.BRANCH,
                 unit_type=OrgUnitType.RESIDENT_UNIT, community=community, unit_name=unit,
                 secretary_name=_name(rng))
    # A Party organisation in every property firm present, with a model post.
    for firm in PropertyFirm.objects.order_by("pk"):
        org = _org(name=f"{firm.name}党支部", kind=OrgKind.BRANCH,
                   unit_type=OrgUnitType.FIRM, firm=firm, secretary_name=_name(rng))
        _member(org, name=org.secretary_name, role=MemberRole.SECRETARY, phone=_phone(rng),
                model_post="物业服务窗口党员示范岗", shows_identity=True,
                public_commitment="亮身份、亮承诺：接诉即办，当日回复")


def _local(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone())


def _seed_meetings(rng):
    """Monthly three-party meetings of the co-building compounds in 2026 (咸丰苑 misses
    June, so the flag shows) and 12 Party-building joint meetings in 古塔区."""
    now = local_now()
    months = [m for m in range(1, 13) if _local(date(YEAR, m, 15), 9, 30) < now]
    co_building = Compound.objects.filter(management_mode=ManagementMode.CO_BUILDING)
    communities = Community.objects.filter(pk__in=co_building.values("community")).order_by(
        "pk"
    )
    for community in communities:
        compounds = list(co_building.filter(community=community).order_by("name"))
        orgs = list(PartyOrganization.objects.filter(
            Q(name=f"{community.name}党委", parent=None)
            | Q(unit_type=OrgUnitType.OWNERS_COMMITTEE, compound__in=compounds)
            | Q(firm__contracts__compound__in=compounds, firm__contracts__status="active")
        ).distinct())
        for month in months:
            title = f"{YEAR}年{month}月三方联席会议"
            if JointMeeting.objects.filter(community=community, title=title).exists():
                continue
            held = [c for c in compounds if not (c.name == "咸丰苑" and month == 6)]
            held_at = _local(date(YEAR, month, 15), 9, 30)
            overdue = month == months[-1] and community.name == "铁诺社区"
            services.joint_meeting_record(
                community=community, kind=MeetingKind.THREE_PARTY, held_at=held_at,
                title=title, topics="停车秩序、垃圾分类、公共收益公示、维修资金使用",
                minutes="社区党组织、物业企业党组织、业委会（物管会）三方共同研究小区重点难点问题。",
                attendees="社区党委书记\n物业项目经理（党员）\n业委会主任",
                owners_committee_present=True, organizations=orgs, compounds=held,
                action_items=[
                    {"description": "清理楼道堆放杂物", "owner": "物业服务企业",
                     "due_date": date(YEAR, month, 25)},
                    {"description": "公示上月公共收益收支", "owner": "业委会",
                     "due_date": date(YEAR, month, 28) + (timedelta(days=20) if overdue
                                                          else timedelta())},
                ],
            )
            meeting = JointMeeting.objects.get(community=community, title=title)
            for item in meeting.action_items.all():
                if not (overdue and item.owner == "业委会") and item.due_date < now.date():
                    services.action_item_set_status(item=item, status=ActionStatus.DONE,
                                                    done_on=item.due_date)
    guta = list(Community.objects.filter(street__district__name=GUTA).order_by("pk"))
    for number in range(1, 13):
        community = guta[(number - 1) % len(guta)]
        title = f"古塔区党建联席会议（第{number}次）"
        if JointMeeting.objects.filter(title=title).exists():
            continue
        day = now.date() - timedelta(days=(13 - number) * 26)
        units = PartyOrganization.objects.filter(unit_type=OrgUnitType.RESIDENT_UNIT,
                                                 community=community)
        meeting = services.joint_meeting_record(
            community=community, kind=MeetingKind.PARTY_BUILDING, held_at=_local(day, 14, 30),
            title=title, topics="整合驻区单位资源，推动各领域党建互联互通互动",
            attendees="社区党委\n驻区单位党组织负责人", organizations=list(units),
            action_items=[{"description": "驻区单位认领民生项目", "owner": "驻区单位党组织",
                           "due_date": day + timedelta(days=30)}],
        )
        if number < 11:  # the older decisions are done; the last two still run
            for item in meeting.action_items.all():
                services.action_item_set_status(item=item, status=ActionStatus.DONE,
                                                done_on=item.due_date)


def _seed_points(rng):
    district = District.objects.filter(name=GUTA).first()
    if district is None:
        return
    district_user = _system_user("seed_gt_district", "古塔区委组织部", StaffRole.DISTRICT_OFFICIAL,
                                 district)
    street_users = {
        street.pk: _system_user(f"seed_gt_street_{street.pk}", f"{street.name}党工委",
                                StaffRole.STREET_STAFF, street)
        for street in Street.objects.filter(district=district)
    }
    community_users = {}
    today = local_now().date()
    for community_name, name, stage in POINTS:
        community = Community.objects.filter(name=community_name, street__district=district
                                             ).first()
        if community is None:
            continue
        if DemonstrationPoint.objects.filter(community=community, name=name, year=YEAR).exists():
            continue
        if community.pk not in community_users:
            community_users[community.pk] = _system_user(
                f"seed_gt_community_{community.pk}", f"{community.name}党委",
                StaffRole.COMMUNITY_STAFF, community,
            )
        applicant = community_users[community.pk]
        street_user = street_users[community.street_id]
        branch = PartyOrganization.objects.filter(community=community, depth=0).first()
        point = services.demonstration_point_apply(
            actor=applicant, organization=branch, name=name, year=YEAR,
            goals="按照组织有力、治理有效、服务有质、邻里有爱、平安有序“五有”标准创建示范点。",
            cadre=street_user,
        )
        if stage == "awaiting_street":
            continue
        if stage in ("rejected", "resubmitted"):
            services.demonstration_point_review(
                actor=street_user, point=point, decision=ReviewDecision.REJECTED,
                comment="创建目标不够具体，请细化工作台账后重新申报。",
            )
            if stage == "resubmitted":
                services.demonstration_point_resubmit(
                    actor=applicant, point=point,
                    goals=point.goals + "细化：供暖季前完成管网改造，建立住户回访台账。",
                    comment="已细化目标和台账",
                )
            continue
        services.demonstration_point_review(actor=street_user, point=point,
                                            decision=ReviewDecision.APPROVED,
                                            comment="同意推荐，报区委组织部审定。")
        if stage == "awaiting_district":
            continue
        services.demonstration_point_review(actor=district_user, point=point,
                                            decision=ReviewDecision.APPROVED,
                                            comment="审定为幸福新社区示范点。")
        # Approved in spring; the ledger (日汇报、周总结) runs since then.
        DemonstrationPoint.objects.filter(pk=point.pk).update(approved_on=date(YEAR, 4, 1))
        point.refresh_from_db()
        scores = {code: 15 + rng.randrange(6) for code in
                  ("organisation", "governance", "service", "neighbourliness", "safety")}
        services.demonstration_assessment_record(
            point=point, year=YEAR, scores=scores,
            evidence=dict.fromkeys(scores, "现场查看台账、走访居民"),
        )
    _seed_reports(today)


def _seed_reports(today):
    """Daily reports for the last 30 days' working days (a few missing, so the flag shows)
    and the weekly summaries of the last four weeks."""
    points = DemonstrationPoint.objects.filter(status=PointStatus.APPROVED, year=YEAR,
                                               cadre__isnull=False).order_by("pk")
    existing = set(WorkReport.objects.filter(point__in=points).values_list(
        "point_id", "kind", "period_start"))
    rows = []
    for number, point in enumerate(points):
        for offset in range(30, 0, -1):
            day = today - timedelta(days=offset)
            if not is_working_day(day) or (point.pk, ReportKind.DAILY, day) in existing:
                continue
            if (number + offset) % 13 == 5:
                continue  # missed on purpose
            rows.append(WorkReport(point=point, kind=ReportKind.DAILY, period_start=day,
                                   content="走访住户，督办网格事项，更新工作台账。",
                                   author_id=point.cadre_id))
        monday = today - timedelta(days=today.weekday())
        for weeks in range(1, 5):
            start = monday - timedelta(days=7 * weeks)
            if (point.pk, ReportKind.WEEKLY, start) in existing or (number == 2 and weeks == 1):
                continue
            rows.append(WorkReport(point=point, kind=ReportKind.WEEKLY, period_start=start,
                                   content="本周完成示范点创建任务，下周重点推进民生项目。",
                                   author_id=point.cadre_id))
    WorkReport.objects.bulk_create(rows)


def _seed_lists():
    items = (
        (ListKind.PARTY_BUILDING, "楼栋党小组全覆盖", "", ItemStatus.DONE),
        (ListKind.PARTY_BUILDING, "党员亮身份、亮承诺", "", ItemStatus.IN_PROGRESS),
        (ListKind.CO_GOVERNANCE, "驻区单位资源共享清单", "", ItemStatus.IN_PROGRESS),
        (ListKind.CO_GOVERNANCE, "网格职责准入制度", "", ItemStatus.DONE),
        (ListKind.LIVELIHOOD, "老旧供水管网改造", Infrastructure.WATER, ItemStatus.DONE),
        (ListKind.LIVELIHOOD, "楼道照明线路改造", Infrastructure.POWER, ItemStatus.IN_PROGRESS),
        (ListKind.LIVELIHOOD, "燃气管道安全检查", Infrastructure.GAS, ItemStatus.DONE),
        (ListKind.LIVELIHOOD, "供暖管网保温", Infrastructure.HEATING, ItemStatus.PLANNED),
        (ListKind.LIVELIHOOD, "小区道路硬化", Infrastructure.ROADS, ItemStatus.DONE),
        (ListKind.LIVELIHOOD, "新增停车位", Infrastructure.PARKING, ItemStatus.IN_PROGRESS),
    )
    for community in Community.objects.filter(name__in=PILOT, street__district__name=GUTA):
        for list_kind, title, infrastructure, status in items:
            if not ListItem.objects.filter(community=community, year=YEAR, list_kind=list_kind,
                                           title=title).exists():
                services.list_item_create(community=community, year=YEAR, list_kind=list_kind,
                                          title=title, infrastructure=infrastructure,
                                          status=status, due_date=date(YEAR, 12, 31))


def _seed_funds():
    """社区办公经费、党建工作经费、服务群众专项经费 totalling 15万元 for the two pilots."""
    amounts = {FundKind.OFFICE: Decimal("20000"), FundKind.PARTY_BUILDING: Decimal("25000"),
               FundKind.SERVICE: Decimal("30000")}
    spending = {
        FundKind.OFFICE: [("办公用品采购", "3200"), ("网格服务站水电", "4100")],
        FundKind.PARTY_BUILDING: [("党员教育培训", "6800"), ("“党建领航暖民心”主题活动", "5200")],
        FundKind.SERVICE: [("居民会客厅设施", "12600"), ("独居老人助餐", "7400")],
    }
    for community in Community.objects.filter(name__in=PILOT, street__district__name=GUTA):
        for kind, amount in amounts.items():
            allocation = FundAllocation.objects.filter(community=community, year=YEAR,
                                                       kind=kind).first()
            if allocation is None:
                allocation = services.fund_allocation_create(community=community, year=YEAR,
                                                             kind=kind, amount=amount)
            for month, (purpose, value) in enumerate(spending[kind], start=3):
                if not FundSpending.objects.filter(allocation=allocation,
                                                   purpose=purpose).exists():
                    services.fund_spend(allocation=allocation, amount=Decimal(value),
                                        spent_on=date(YEAR, month, 10), purpose=purpose)


def guta_demo_accounts(password):
    """古塔区 logins to try the 三审 review, the ledgers and the patrols."""
    specs = [
        ("demo_gt_street", "天安街道干部", StaffRole.STREET_STAFF,
         Street.objects.filter(name="天安街道").first()),
        ("demo_gt_community", "福德社区工作者", StaffRole.COMMUNITY_STAFF,
         Community.objects.filter(name="福德社区").first()),
        ("demo_gt_grid", "福德社区网格员", StaffRole.GRID_WORKER,
         Grid.objects.filter(community__name="福德社区").order_by("name").first()),
    ]
    rows = []
    for username, full_name, role, node in specs:
        if node is None:
            continue
        staff_user_create(username=username, password=password, full_name=full_name,
                          role=role, node=node)
        rows.append((username, full_name, str(StaffRole(role).label), str(node)))
    return rows
