"""Demo data of the seed article for the properties app: the firms (城鑫 for 林园小区's
public-welfare trusteeship, the co-building firms of 铁诺社区 …), contracts with their mode
history, twelve months of bills and payments (林园小区's collection rises from under 40%
before the trusteeship to over 90% after), disclosures with some items missing,
fulfilment inspections, owners' committees and old-compound renovation projects.

Idempotent: each part is skipped for a compound that already has it."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from communities.models import Compound, Household, ManagementMode, StaffRole
from communities.services import staff_user_create
from core.timeutils import month_end, months_from
from properties import services
from properties.credit_code import check_character
from properties.models import (
    CommitteeKind,
    Disclosure,
    DisclosureItem,
    FeeBill,
    FirmOwnership,
    Inspection,
    Payment,
    PaymentChannel,
    PropertyFirm,
    RedPropertyStanding,
    RenovationProject,
    RenovationStatus,
    ServiceContract,
)

M = ManagementMode
D = datetime.date
CHENGXIN = "城鑫城市综合服务有限责任公司"

# name: (ownership, standing, standing year, contact, phone, address, division code)
FIRMS = {
    CHENGXIN: (FirmOwnership.STATE_OWNED, RedPropertyStanding.PARTICIPATING, 2026, "王建军",
               "0919-6112345", "铜川市耀州区永安路", "610204"),
    "铜川铁诺物业服务有限公司": (FirmOwnership.PRIVATE, RedPropertyStanding.MODEL, 2026,
                                 "李红梅", "13991900101", "铜川市新区咸丰路", "610271"),
    "铜川咸丰物业管理有限公司": (FirmOwnership.PRIVATE, RedPropertyStanding.PARTICIPATING, 2026,
                                 "赵志强", "13991900202", "铜川市新区咸丰路", "610271"),
    "陕西锦阳物业服务有限公司": (FirmOwnership.PRIVATE, RedPropertyStanding.PARTICIPATING, 2025,
                                 "陈静", "13991900303", "铜川市耀州区天宝路", "610204"),
    "铜川安居物业服务有限公司": (FirmOwnership.PRIVATE, RedPropertyStanding.NONE, None,
                                 "刘洋", "13991900404", "铜川市王益区七一路", "610202"),
    "锦州古塔城市服务有限公司": (FirmOwnership.STATE_OWNED, RedPropertyStanding.PARTICIPATING,
                                 2025, "孙丽", "0416-2112345", "锦州市古塔区保安街道", "210702"),
    "锦州福德物业服务有限公司": (FirmOwnership.PRIVATE, RedPropertyStanding.BENCHMARK, 2025,
                                 "周海燕", "13904160505", "锦州市古塔区天安街道", "210702"),
    "锦州士英物业管理有限公司": (FirmOwnership.PRIVATE, RedPropertyStanding.MODEL, 2026,
                                 "吴磊", "13904160606", "锦州市古塔区士英街道", "210702"),
    "锦州天合物业有限公司": (FirmOwnership.PRIVATE, RedPropertyStanding.NONE, None,
                             "郑伟", "13904160707", "锦州市古塔区南街街道", "210702"),
}

# compound: [(firm or None, mode, start, end or None, fee standard yuan/m²/month)]
CONTRACTS = {
    "川口小区": [(None, M.COMMUNITY_LED, D(2024, 6, 1), None, "0.30")],
    "七一路小区": [("铜川安居物业服务有限公司", M.MARKET, D(2022, 1, 1), None, "1.00")],
    # Before the trusteeship nobody served 林园小区; the community collected a sanitation fee.
    "林园小区": [
        (None, M.NONE, D(2023, 1, 1), D(2026, 3, 31), "0.30"),
        (CHENGXIN, M.PUBLIC_TRUSTEESHIP, D(2026, 4, 1), None, "0.60"),
    ],
    "塔坡新村": [("铜川安居物业服务有限公司", M.MARKET, D(2021, 7, 1), None, "1.10")],
    "锦阳花园": [
        ("陕西锦阳物业服务有限公司", M.MARKET, D(2020, 1, 1), D(2025, 6, 30), "1.20"),
        ("陕西锦阳物业服务有限公司", M.CO_BUILDING, D(2025, 7, 1), None, "1.20"),
    ],
    "铁诺佳苑": [
        ("铜川铁诺物业服务有限公司", M.MARKET, D(2021, 3, 1), D(2026, 2, 28), "1.30"),
        ("铜川铁诺物业服务有限公司", M.CO_BUILDING, D(2026, 3, 1), None, "1.30"),
    ],
    "咸丰苑": [
        ("铜川咸丰物业管理有限公司", M.MARKET, D(2020, 9, 1), D(2026, 2, 28), "1.10"),
        ("铜川咸丰物业管理有限公司", M.CO_BUILDING, D(2026, 3, 1), None, "1.10"),
    ],
    "金谟小区": [("铜川安居物业服务有限公司", M.MARKET, D(2023, 1, 1), None, "1.00")],
    "福德里小区": [("锦州福德物业服务有限公司", M.CO_BUILDING, D(2025, 5, 1), None, "1.00")],
    "天安小区": [("锦州天合物业有限公司", M.MARKET, D(2022, 1, 1), None, "0.90")],
    "民治家园": [(None, M.COMMUNITY_LED, D(2025, 1, 1), None, "0.25")],
    "保安里": [("锦州古塔城市服务有限公司", M.PUBLIC_TRUSTEESHIP, D(2025, 3, 1), None, "0.50")],
    "北一里小区": [("锦州福德物业服务有限公司", M.CO_BUILDING, D(2025, 6, 1), None, "0.95")],
    "南街小区": [("锦州天合物业有限公司", M.MARKET, D(2021, 1, 1), None, "0.90")],
    "士英嘉园": [("锦州士英物业管理有限公司", M.CO_BUILDING, D(2024, 10, 1), None, "1.20")],
}

CENT = Decimal("0.01")
ZERO = Decimal("0")
FIRST_MONTH = D(2025, 12, 1)
MONTHS = 12
# The demo's "now": rows are stamped with it (payments fall on days 1–20 of the month).
DEMO_NOW = datetime.datetime(2026, 11, 24, 18, 0)

# Share of bills paid, by the mode of the contract in force in the bill's month.
COLLECTION = {
    M.PUBLIC_TRUSTEESHIP: 0.94,
    M.CO_BUILDING: 0.91,
    M.MARKET: 0.79,
    M.COMMUNITY_LED: 0.72,
    M.NONE: 0.34,
}
CHANNELS = [(PaymentChannel.WECHAT, 45), (PaymentChannel.ALIPAY, 25),
            (PaymentChannel.CASH, 20), (PaymentChannel.BANK, 10)]

# Items a compound has not put on its board (and items whose notice has expired).
MISSING_ITEMS = {
    "七一路小区": {DisclosureItem.PUBLIC_REVENUE, DisclosureItem.MAINTENANCE_FUND},
    "金谟小区": {DisclosureItem.MAINTENANCE_FUND},
    "天安小区": {DisclosureItem.FEE_STANDARDS},
    "川口小区": {DisclosureItem.PUBLIC_REVENUE},
}
EXPIRED_ITEMS = {"天安小区": {DisclosureItem.SERVICE_STANDARDS}}

COMMITTEES = {
    # compound: (kind, term start, term end, members, Party members)
    "铁诺佳苑": (CommitteeKind.OWNERS_COMMITTEE, D(2025, 6, 1), D(2030, 5, 31), 9, 5),
    "咸丰苑": (CommitteeKind.OWNERS_COMMITTEE, D(2024, 9, 1), D(2029, 8, 31), 7, 4),
    "锦阳花园": (CommitteeKind.MANAGEMENT_COMMITTEE, D(2025, 7, 1), D(2027, 6, 30), 7, 3),
    "福德里小区": (CommitteeKind.OWNERS_COMMITTEE, D(2025, 4, 1), D(2030, 3, 31), 9, 5),
    "北一里小区": (CommitteeKind.OWNERS_COMMITTEE, D(2025, 5, 1), D(2030, 4, 30), 7, 3),
    "士英嘉园": (CommitteeKind.OWNERS_COMMITTEE, D(2024, 9, 1), D(2029, 8, 31), 9, 4),
    "林园小区": (CommitteeKind.MANAGEMENT_COMMITTEE, D(2026, 5, 15), D(2028, 5, 14), 5, 3),
    # An owners' committee whose term has run out: no owners' organisation now.
    "七一路小区": (CommitteeKind.OWNERS_COMMITTEE, D(2020, 1, 1), D(2025, 12, 31), 7, 1),
}

RENOVATIONS = {
    # compound: [(year, works, budget yuan, status, completion date)]
    "川口小区": [(2024, ["water", "power", "roads", "facades"], "3860000",
                  RenovationStatus.COMPLETED, D(2024, 11, 20))],
    "电厂家属院": [(2026, ["heating", "gas", "roads"], "1250000",
                    RenovationStatus.IN_PROGRESS, None)],
    "林园小区": [
        (2025, ["water", "power", "parking", "facades"], "2980000",
         RenovationStatus.COMPLETED, D(2025, 10, 30)),
        (2026, ["lifts", "barrier_free"], "1600000", RenovationStatus.PLANNED, None),
    ],
    "药王巷家属楼": [(2026, ["water", "gas", "security"], "860000",
                      RenovationStatus.PLANNED, None)],
    "民治家园": [(2025, ["heating", "facades", "greening"], "2150000",
                  RenovationStatus.COMPLETED, D(2025, 9, 28))],
    "保安里": [(2026, ["water", "power", "roads", "parking"], "2400000",
                RenovationStatus.IN_PROGRESS, None)],
    "锦铁家属院": [(2026, ["heating", "roads", "barrier_free"], "980000",
                    RenovationStatus.PLANNED, None)],
}

INSPECTION_CLAUSES = [
    "公共区域每日清扫两次，垃圾日产日清",
    "门岗24小时值守，外来车辆登记",
    "报修30分钟内响应，24小时内处理完毕",
    "公共设施设备按月巡检并留有记录",
    "收费项目和标准在公示栏公开",
]
PASS_RATE = {
    M.PUBLIC_TRUSTEESHIP: 0.86, M.CO_BUILDING: 0.90, M.MARKET: 0.72, M.COMMUNITY_LED: 0.80,
}


def credit_code(division: str, index: int) -> str:
    first17 = f"91{division}MA6{index:02d}XK{index * 3 % 100:02d}"
    return first17 + check_character(first17)


def _month_starts():
    for start in months_from(FIRST_MONTH, MONTHS):
        yield start, month_end(start)


def seed_properties(log):
    firms = _seed_firms()
    compounds = {c.name: c for c in Compound.objects.filter(name__in=CONTRACTS)}
    _seed_contracts(compounds, firms)
    _seed_committees()
    bills, payments = _seed_fees(compounds)
    _seed_disclosures(compounds)
    _seed_inspections(compounds)
    _seed_renovations()
    log(
        f"properties: {PropertyFirm.objects.count()} firms, "
        f"{ServiceContract.objects.count()} contracts, {FeeBill.objects.count()} bills "
        f"({bills} new), {Payment.objects.count()} payments ({payments} new), "
        f"{Disclosure.objects.count()} disclosures, {Inspection.objects.count()} inspections, "
        f"{RenovationProject.objects.count()} renovation projects"
    )


def _seed_firms() -> dict[str, PropertyFirm]:
    firms = {}
    for index, (name, spec) in enumerate(FIRMS.items(), start=1):
        ownership, standing, year, person, phone, address, division = spec
        firm = PropertyFirm.objects.filter(name=name).first()
        if firm is None:
            firm = services.firm_create(
                name=name, credit_code=credit_code(division, index), ownership=ownership,
                contact_person=person, contact_phone=phone, address=address,
                red_standing=standing, red_standing_year=year,
            )
        firms[name] = firm
    return firms


def _seed_contracts(compounds, firms):
    for name, history in CONTRACTS.items():
        compound = compounds.get(name)
        if compound is None or compound.service_contracts.exists():
            continue
        for firm_name, mode, start, end, fee in history:
            contract = services.contract_start(
                compound=compound, firm=firms[firm_name] if firm_name else None, mode=mode,
                start_date=start, fee_standard=Decimal(fee),
            )
            if end is not None:
                services.contract_end(contract=contract, end_date=end)


def _seed_committees():
    for name, (kind, start, end, members, party) in COMMITTEES.items():
        compound = Compound.objects.filter(name=name).first()
        if compound is None or compound.owners_committees.exists():
            continue
        services.owners_committee_create(
            compound=compound, kind=kind, term_start=start, term_end=end, members=members,
            party_members=party,
        )


def _contract_on(contracts, day):
    for contract in contracts:
        if contract.start_date <= day and (contract.end_date is None or day <= contract.end_date):
            return contract
    return None


def _insert_rows(model, columns: list[str], rows) -> None:
    """Plain multi-row INSERT for the demo's ~100,000 fee rows: bulk_create spends most
    of its time preparing values one field at a time; these are adapted up front."""
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(model._meta.get_field(c).column) for c in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _seed_fees(compounds) -> tuple[int, int]:
    """Twelve monthly bills per household; payments by the mode in force that month."""
    ops = connection.ops
    new_bills = new_payments = 0
    tz = timezone.get_default_timezone()
    demo_now = timezone.make_aware(DEMO_NOW, tz)
    created = ops.adapt_datetimefield_value(demo_now)
    channels = [c for c, weight in CHANNELS for _ in range(weight)]
    months = list(_month_starts())
    for name in CONTRACTS:
        compound = compounds.get(name)
        if compound is None or FeeBill.objects.filter(compound=compound).exists():
            continue
        rng = random.Random(f"fees-{name}")
        contracts = list(compound.service_contracts.order_by("start_date"))
        month_contract = {start: _contract_on(contracts, start) for start, _end in months}
        households = list(
            Household.objects.filter(compound=compound).order_by("pk").values_list(
                "pk", "floor_area"
            )
        )
        rows = []
        for start, end in months:
            contract = month_contract[start]
            if contract is None:
                continue
            halve = contract.mode in (M.COMMUNITY_LED, M.PUBLIC_TRUSTEESHIP)
            for index, (household_id, area) in enumerate(households):
                due = (area * contract.fee_standard).quantize(CENT)
                # 低保户 (every 40th household) pay half under the community and trusteeship.
                waived = (due / 2).quantize(CENT) if halve and index % 40 == 0 else ZERO
                rows.append((
                    household_id, compound.pk, ops.adapt_datefield_value(start),
                    ops.adapt_datefield_value(end), ops.adapt_decimalfield_value(due),
                    ops.adapt_decimalfield_value(waived), created,
                ))
        _insert_rows(FeeBill, ["household", "compound", "period_start", "period_end",
                               "amount_due", "amount_waived", "created_at"], rows)
        new_bills += len(rows)
        by_month: dict = {}
        for bill in (
            FeeBill.objects.filter(compound=compound)
            .order_by("pk").values_list("pk", "period_start", "amount_due", "amount_waived")
        ):
            by_month.setdefault(bill[1], []).append(bill)
        payments = []
        for period_start, bills in by_month.items():
            contract = month_contract[period_start]
            # Exactly this share of the month's bills is paid, so every month shows it.
            paid = rng.sample(bills, round(COLLECTION[contract.mode] * len(bills)))
            for pk, _start, due, waived in sorted(paid):
                paid_at = timezone.make_aware(
                    datetime.datetime.combine(
                        period_start + datetime.timedelta(days=rng.randrange(0, 20)),
                        datetime.time(rng.randrange(8, 19), rng.randrange(0, 60)),
                    ),
                    tz,
                )
                payments.append((
                    pk, compound.pk, contract.firm_id,
                    ops.adapt_decimalfield_value(due - waived),
                    ops.adapt_datetimefield_value(paid_at), rng.choice(channels),
                    f"SJ{pk:09d}", created, "",
                ))
        _insert_rows(Payment, ["bill", "compound", "firm", "amount", "paid_at", "channel",
                               "receipt_no", "created_at", "void_reason"], payments)
        new_payments += len(payments)
    return new_bills, new_payments


DISCLOSURE_TEXT = {
    DisclosureItem.FIRM_AND_MANAGER: (
        "物业服务企业及项目负责人",
        "服务单位：{firm}\n项目负责人：{manager}（中共党员）\n服务电话：{phone}\n"
        "服务窗口设“党员示范岗”，工作日 8:00—18:00 接待业主。",
    ),
    DisclosureItem.SERVICE_STANDARDS: (
        "物业服务内容与标准",
        "保洁：公共区域每日清扫两次，垃圾日产日清；\n秩序维护：门岗24小时值守；\n"
        "维修：接报后30分钟内响应，一般维修24小时内完成；\n绿化：按季节修剪养护。",
    ),
    DisclosureItem.FEE_STANDARDS: (
        "收费项目及标准",
        "物业服务费：{fee} 元/平方米·月（按建筑面积计收）；\n"
        "低保户等困难家庭按规定减免；\n收费依据：物业服务合同及价格主管部门备案。",
    ),
    DisclosureItem.PUBLIC_REVENUE: (
        "公共收益收支情况（2026年第三季度）",
        "收入：电梯广告位 6,300 元，公共停车位 12,800 元；\n"
        "支出：公共照明维修 4,200 元，绿化补植 3,600 元；\n结余 11,300 元，纳入公共收益账户。",
    ),
    DisclosureItem.MAINTENANCE_FUND: (
        "专项维修资金使用情况",
        "2026年使用专项维修资金 86,000 元，用于屋面防水维修（3号楼、5号楼），"
        "经业主大会表决通过，施工单位已完工验收。",
    ),
}
MANAGERS = [
    "张建华", "李晓梅", "王志刚", "刘秀英", "陈国强", "杨丽娟",
    "赵海涛", "黄明超", "周玉兰", "吴建国", "徐红梅", "孙志海",
]


def _seed_disclosures(compounds):
    tz = timezone.get_default_timezone()
    for index, name in enumerate(CONTRACTS):
        compound = compounds.get(name)
        if compound is None or compound.disclosures.exists():
            continue
        contract = services.active_contract(compound.pk)
        if contract is None:
            continue
        firm_name = (
            contract.firm.name if contract.firm_id else f"{compound.community.name}物业服务中心"
        )
        phone = contract.firm.contact_phone if contract.firm_id else compound.community.phone
        start = max(contract.start_date, D(2026, 3, 1)) + datetime.timedelta(days=1)
        for offset, (item, (title, text)) in enumerate(DISCLOSURE_TEXT.items()):
            if item in MISSING_ITEMS.get(name, set()):
                continue
            expired = item in EXPIRED_ITEMS.get(name, set())
            published = timezone.make_aware(
                datetime.datetime.combine(start + datetime.timedelta(days=offset),
                                          datetime.time(9, 0)), tz,
            )
            services.disclosure_publish(
                compound=compound, item=item, title=title,
                text=text.format(firm=firm_name, manager=MANAGERS[index % len(MANAGERS)],
                                 phone=phone or "12345", fee=contract.fee_standard),
                actor=None, published_at=published,
                valid_until=D(2026, 6, 30) if expired else D(2027, 3, 31),
            )


def _inspector():
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username="demo_inspector", defaults={"first_name": "履约检查员"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _seed_inspections(compounds):
    inspector = None
    for name in CONTRACTS:
        compound = compounds.get(name)
        if compound is None or compound.inspections.exists():
            continue
        contract = services.active_contract(compound.pk)
        if contract is None or contract.mode not in PASS_RATE:
            continue
        inspector = inspector or _inspector()
        rng = random.Random(f"inspections-{name}")
        for step, month in enumerate(range(6, 12)):
            day = D(2026, month, 15)
            if day < contract.start_date:
                continue
            rate = min(PASS_RATE[contract.mode] + step * 0.02, 0.98)
            items = [
                {"clause": clause, "passed": rng.random() < rate,
                 "note": "" if rng.random() < 0.7 else "已当场反馈，限期整改"}
                for clause in INSPECTION_CLAUSES
            ]
            services.inspection_record(
                contract=contract, date=day, inspector=inspector, items=items,
                note=f"{month}月例行履约检查",
            )


def _seed_renovations():
    for name, projects in RENOVATIONS.items():
        compound = Compound.objects.filter(name=name).first()
        if compound is None or compound.renovation_projects.exists():
            continue
        for year, works, budget, status, completed in projects:
            services.renovation_project_create(
                compound=compound, year=year, works=works, budget=Decimal(budget),
                status=status, completion_date=completed,
            )


def firm_demo_accounts(password: str):
    firm = PropertyFirm.objects.filter(name=CHENGXIN).first()
    if firm is None:
        return []
    staff_user_create(
        username="demo_firm", password=password, full_name="城鑫物业项目经理",
        role=StaffRole.FIRM_STAFF, node=firm,
    )
    return [("demo_firm", "城鑫物业项目经理", str(StaffRole.FIRM_STAFF.label), firm.name)]

