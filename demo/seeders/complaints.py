"""Demo data: the complaint categories and a year of complaints (Dec 2025 … Nov 2026).

Deterministic (seeded random) and idempotent. Shaped so the dashboards tell the seed
article's story: 林园小区 (public-welfare trusteeship from 2026-04-01) and the
co-building compounds of 铁诺社区 (铁诺佳苑, 咸丰苑, from 2026-03-01) respond faster,
resolve more, satisfy more and receive fewer complaints per household after they join.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from bench.categories import category_weights, seed_categories
from communities.models import RED_PROPERTY_MODES, Compound, Grid
from complaints.deadlines import deadlines_for
from complaints.models import (
    TRACKING_ALPHABET,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    EventKind,
    FeedbackSource,
    HandlerKind,
    RejectionKind,
    Satisfaction,
    Status,
)
from core.timeutils import next_month
from properties.models import ContractStatus, ServiceContract

TZ = ZoneInfo("Asia/Shanghai")
START = datetime.date(2025, 12, 1)
TODAY = datetime.datetime(2026, 11, 24, 18, 0, tzinfo=TZ)

DESCRIPTIONS = {
    "sanitation": ["垃圾桶满了两天没人清运，味道很大", "楼道里堆放杂物无人清理",
                   "小区门口垃圾散落，希望及时打扫"],
    "repair-utilities": ["单元楼道水管漏水，地面全是水", "家里突然停电，楼里其他住户也停了",
                         "暖气不热，室温只有十几度", "燃气表附近有异味，请尽快检查"],
    "repair-elevator": ["电梯停在三楼不动，老人上下楼很困难", "电梯运行时有异响",
                        "电梯按钮失灵"],
    "repair-access": ["单元门禁坏了，门一直关不上", "门禁卡刷不开"],
    "repair-streetlight": ["小区主路路灯不亮，晚上很黑", "楼前路灯一闪一闪"],
    "greening": ["树枝太长挡住窗户", "草坪很久没修剪了", "绿化带里的树被虫蛀"],
    "parking": ["有车长期占用消防通道", "外来车辆乱停，出不去车", "僵尸车停了半年没人管"],
    "safety": ["楼道里电动车充电，存在火灾隐患", "消防栓没有水", "小区后门常开，有陌生人出入"],
    "fees": ["物业费收费标准没有公示", "想了解公共收益的使用情况", "停车费收费是否合理"],
    "noise": ["楼上装修晚上十点还在施工", "广场舞音乐声太大", "夜间有人在楼下喧哗"],
    "neighbours": ["邻居在公共楼道堆放杂物，协商无果", "楼上漏水到我家，邻居不配合维修"],
    "attitude": ["物业前台态度不好", "报修后维修人员不回电话"],
    "other": ["希望小区增加快递柜", "建议增设休息座椅", "想咨询老旧小区改造的安排"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国玉红梅志海燕"

# The compounds whose join date is told by the seed article, if no contract says otherwise.
JOIN_DEFAULTS = {
    "林园小区": datetime.date(2026, 4, 1),
    "铁诺佳苑": datetime.date(2026, 3, 1),
    "咸丰苑": datetime.date(2026, 3, 1),
}


def seed_complaints(log):
    categories = seed_categories()
    created = _seed_year(categories)
    log(f"complaints: {Category.objects.count()} categories, {Complaint.objects.count()} "
        f"complaints ({created} new), {ComplaintEvent.objects.count()} timeline events")


def _join_date(compound, contracts) -> datetime.date | None:
    """When the compound joined Red Property (its red-mode contract's start)."""
    red = [c for c in contracts if c.mode in RED_PROPERTY_MODES]
    if red:
        return min(c.start_date for c in red)
    if compound.name in JOIN_DEFAULTS:
        return JOIN_DEFAULTS[compound.name]
    if compound.management_mode in RED_PROPERTY_MODES:
        return datetime.date(2024, 1, 1)
    return None


def _profile(compound, join: datetime.date | None, day: datetime.date) -> dict:
    """How well the compound is served on ``day``: complaints per 100 households a
    month, response / resolve speed factors, chance of resolved and satisfied."""
    if join is not None and day >= join:
        months_in = (day.year - join.year) * 12 + day.month - join.month
        settle = min(1.0, months_in / 4)  # improves over the first months
        return {"rate": 3.2 - 1.6 * settle, "respond": 0.6 - 0.35 * settle,
                "resolve": 0.8 - 0.35 * settle, "resolved": 0.82 + 0.12 * settle,
                "satisfied": 0.78 + 0.15 * settle}
    if join is not None:  # before joining
        return {"rate": 3.4, "respond": 1.6, "resolve": 1.5, "resolved": 0.62,
                "satisfied": 0.52}
    return {"rate": 2.6, "respond": 1.0, "resolve": 1.1, "resolved": 0.74, "satisfied": 0.68}


def _tracking_code(rng: random.Random) -> str:
    return "".join(rng.choice(TRACKING_ALPHABET) for _ in range(12))


def _seed_year(categories: dict[str, Category]) -> int:
    codes, weights = category_weights()
    compounds = list(Compound.objects.select_related("community").order_by("pk"))
    contracts = {}
    for contract in ServiceContract.objects.order_by("start_date"):
        contracts.setdefault(contract.compound_id, []).append(contract)
    grids = {}
    for grid in Grid.objects.order_by("name"):
        grids.setdefault(grid.community_id, []).append(grid)
    created = 0
    for compound in compounds:
        first_code = _tracking_code(random.Random(f"first-{compound.name}"))
        if Complaint.objects.filter(tracking_code=first_code).exists():
            continue
        compound_rng = random.Random(f"complaints-{compound.name}")
        compound_contracts = contracts.get(compound.pk, [])
        active_firm = next(
            (c.firm for c in compound_contracts
             if c.status == ContractStatus.ACTIVE and c.firm_id), None
        )
        created += _seed_compound(
            compound, compound_rng, first_code, codes, weights, categories,
            _join_date(compound, compound_contracts), active_firm,
            grids.get(compound.community_id, []),
        )
    return created


def _seed_compound(compound, rng, first_code, codes, weights, categories, join, firm,
                   grids) -> int:
    complaints, timelines = [], []
    month = START
    while month <= TODAY.date():
        following = next_month(month)
        profile = _profile(compound, join, month)
        expected = compound.declared_households * profile["rate"] / 100
        count = max(0, round(rng.gauss(expected, max(1.0, expected * 0.15))))
        days_in_month = (min(following, (TODAY + datetime.timedelta(days=1)).date())
                         - month).days
        for _ in range(count):
            day = month + datetime.timedelta(days=rng.randrange(days_in_month))
            received = datetime.datetime.combine(
                day, datetime.time(rng.randint(7, 21), rng.randrange(60)), tzinfo=TZ
            )
            if received > TODAY:
                continue
            category = categories[rng.choices(codes, weights)[0]]
            complaint, events = _simulate(
                compound, category, received, _profile(compound, join, day), rng, firm, grids
            )
            complaint.tracking_code = first_code if not complaints else _tracking_code(rng)
            complaints.append(complaint)
            timelines.append(events)
        month = following
    order = sorted(range(len(complaints)), key=lambda i: complaints[i].received_at)
    complaints = [complaints[i] for i in order]
    timelines = [timelines[i] for i in order]
    _force_every_state(complaints, timelines)
    originals = _find_originals(complaints, timelines)
    Complaint.objects.bulk_create(complaints, batch_size=500)
    events = []
    for complaint, timeline in zip(complaints, timelines, strict=True):
        for event in timeline:
            event.complaint = complaint
            events.append(event)
    ComplaintEvent.objects.bulk_create(events, batch_size=1000)
    for duplicate, original in originals:
        duplicate.duplicate_of = original
    if originals:
        Complaint.objects.bulk_update([d for d, _o in originals], ["duplicate_of"],
                                      batch_size=500)
    return len(complaints)


def _person(rng):
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6
                                                       else "")
    return name, f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def _handler(category, firm, grids, rng):
    kind = category.default_handler
    if kind == HandlerKind.FIRM and firm is None:
        kind = HandlerKind.COMMUNITY
    if kind == HandlerKind.GRID and not grids:
        kind = HandlerKind.COMMUNITY
    if kind == HandlerKind.FIRM:
        return kind, firm, None, "firm_staff"
    if kind == HandlerKind.GRID:
        return kind, None, rng.choice(grids), "grid_worker"
    return HandlerKind.COMMUNITY, None, None, "community_staff"


def _simulate(compound, category, received, profile, rng, firm, grids):
    """One complaint's life up to TODAY, with its timeline."""
    name, phone = _person(rng)
    respond_by, resolve_by = deadlines_for(category=category, received_at=received)
    channel = rng.choices(
        [Channel.WEB, Channel.PHONE, Channel.WINDOW, Channel.HOTLINE, Channel.GRID_PATROL],
        [45, 25, 10, 15, 5],
    )[0]
    c = Complaint(
        compound=compound, category=category, channel=channel,
        description=rng.choice(DESCRIPTIONS.get(category.code, DESCRIPTIONS["other"])),
        reporter_name=name, reporter_phone=phone, received_at=received,
        response_deadline=respond_by, resolve_deadline=resolve_by, status=Status.SUBMITTED,
        external_ref=f"12345-{received:%Y%m%d}{rng.randrange(10000):04d}"
        if channel == Channel.HOTLINE else "",
    )
    events = [_ev(EventKind.CREATED, received, "resident" if channel == Channel.WEB
                  else "community_staff", to_status=Status.SUBMITTED)]
    if rng.random() < 0.07:  # rejected: invalid or duplicate
        at = received + datetime.timedelta(hours=rng.uniform(0.5, category.hours_to_respond))
        if at > TODAY:
            return c, events
        duplicate = rng.random() < 0.5
        c.status, c.rejected_at = Status.REJECTED, at
        c.rejection_kind = RejectionKind.DUPLICATE if duplicate else RejectionKind.INVALID
        c.rejection_reason = "与此前诉求重复" if duplicate else (
            "不属于物业和社区管理范围，已告知居民向相关部门反映"
        )
        events.append(_ev(EventKind.DUPLICATE if duplicate else EventKind.REJECTED, at,
                          "community_staff", c.rejection_reason, Status.SUBMITTED,
                          Status.REJECTED))
        return c, events

    # The last fortnight's complaints are still moving: slow some down so that the
    # workbench shows every state.
    slow = rng.uniform(1, 12) if TODAY - received < datetime.timedelta(days=14) else 1
    waiting = slow if TODAY - received < datetime.timedelta(days=1) else 1
    hours = category.hours_to_respond * profile["respond"] * rng.lognormvariate(0, 0.5) * waiting
    accepted = received + datetime.timedelta(hours=max(0.2, hours))
    if accepted > TODAY:
        return c, events
    c.status, c.accepted_at = Status.ACCEPTED, accepted
    events.append(_ev(EventKind.ACCEPTED, accepted, "community_staff", "已受理，尽快安排处理。",
                      Status.SUBMITTED, Status.ACCEPTED))

    dispatched = accepted + datetime.timedelta(minutes=rng.randint(10, 180) * slow)
    if dispatched > TODAY:
        return c, events
    kind, handler_firm, handler_grid, role = _handler(category, firm, grids, rng)
    c.status, c.dispatched_at = Status.DISPATCHED, dispatched
    c.handler_kind, c.handler_firm, c.handler_grid = kind, handler_firm, handler_grid
    events.append(_ev(EventKind.DISPATCHED, dispatched, "community_staff", "",
                      Status.ACCEPTED, Status.DISPATCHED))

    started = dispatched + datetime.timedelta(hours=rng.uniform(0.5, 12) * slow)
    if started > TODAY:
        return c, events
    c.status, c.started_at = Status.IN_PROGRESS, started
    events.append(_ev(EventKind.STARTED, started, role, "已到现场处理。",
                      Status.DISPATCHED, Status.IN_PROGRESS))

    span = (resolve_by - received) * profile["resolve"] * rng.lognormvariate(0, 0.4)
    resolved = max(started + datetime.timedelta(hours=1), received + span)
    if resolved > TODAY:
        if rng.random() < 0.5:
            events.append(_ev(EventKind.PROGRESS, started + (TODAY - started) / 2, role,
                              "配件已订购，到货后继续维修。"))
        return c, events
    c.status, c.resolved_at = Status.RESOLVED, resolved
    events.append(_ev(EventKind.RESOLVED, resolved, role, "问题已处理，请您查看并评价。",
                      Status.IN_PROGRESS, Status.RESOLVED))

    answer_at = resolved + datetime.timedelta(hours=rng.uniform(2, 120) * slow)
    answered = rng.random() < 0.85
    if not answered:
        close_at = resolved + datetime.timedelta(days=7, minutes=15)
        if close_at <= TODAY:
            c.status, c.closed_at = Status.CLOSED, close_at
            events.append(_ev(EventKind.CLOSED, close_at, "system",
                              "居民7天内未评价，系统自动结案。", Status.RESOLVED, Status.CLOSED))
        return c, events
    if answer_at > TODAY:
        return c, events
    is_resolved = rng.random() < profile["resolved"]
    _feedback(c, events, answer_at, is_resolved, profile, rng)
    if is_resolved:
        c.status, c.closed_at = Status.CLOSED, answer_at
        events.append(_ev(EventKind.CLOSED, answer_at, events[-1].actor_role,
                          "居民确认问题已解决。", Status.RESOLVED, Status.CLOSED))
        return c, events
    # Not resolved: reopened, worked again, resolved, confirmed.
    c.status, c.reopen_count = Status.REOPENED, 1
    events.append(_ev(EventKind.REOPENED, answer_at, events[-1].actor_role,
                      "居民反映问题未解决。", Status.RESOLVED, Status.REOPENED))
    restarted = answer_at + datetime.timedelta(hours=rng.uniform(2, 24))
    if restarted > TODAY:
        return c, events
    c.status = Status.IN_PROGRESS
    events.append(_ev(EventKind.STARTED, restarted, role, "重新安排维修。",
                      Status.REOPENED, Status.IN_PROGRESS))
    again = restarted + datetime.timedelta(days=rng.uniform(1, 4))
    if again > TODAY:
        return c, events
    c.status, c.resolved_at = Status.RESOLVED, again
    events.append(_ev(EventKind.RESOLVED, again, role, "已彻底修复。",
                      Status.IN_PROGRESS, Status.RESOLVED))
    second = again + datetime.timedelta(hours=rng.uniform(2, 48))
    if second > TODAY:
        return c, events
    if rng.random() < 0.5:
        # No second answer: closed after 7 days, the "not resolved" answer stands.
        close_at = again + datetime.timedelta(days=7, minutes=15)
        if close_at <= TODAY:
            c.status, c.closed_at = Status.CLOSED, close_at
            events.append(_ev(EventKind.CLOSED, close_at, "system",
                              "居民7天内未评价，系统自动结案。", Status.RESOLVED, Status.CLOSED))
        return c, events
    _feedback(c, events, second, True, profile, rng)
    c.status, c.closed_at = Status.CLOSED, second
    events.append(_ev(EventKind.CLOSED, second, events[-1].actor_role, "居民确认问题已解决。",
                      Status.RESOLVED, Status.CLOSED))
    return c, events


def _feedback(c, events, at, is_resolved, profile, rng):
    by_call = rng.random() < 0.4
    roll = rng.random()
    if roll < profile["satisfied"] * (1.0 if is_resolved else 0.4):
        satisfaction = rng.choice([Satisfaction.SATISFIED, Satisfaction.SATISFIED,
                                   Satisfaction.BASICALLY_SATISFIED])
    else:
        satisfaction = Satisfaction.DISSATISFIED
    c.resident_resolved, c.satisfaction = is_resolved, satisfaction
    c.satisfaction_comment = "" if satisfaction != Satisfaction.DISSATISFIED else "处理太慢"
    c.feedback_at = at
    c.feedback_source = FeedbackSource.CALL if by_call else FeedbackSource.RESIDENT
    answer = "已解决" if is_resolved else "未解决"
    events.append(_ev(EventKind.FEEDBACK, at, "community_staff" if by_call else "resident",
                      f"{answer}；{Satisfaction(satisfaction).label}"))


def _ev(kind, at, role, note="", from_status="", to_status=""):
    return ComplaintEvent(kind=kind, created_at=at, actor_role=role, note=note,
                          from_status=from_status, to_status=to_status)


def _force_every_state(complaints, timelines):
    """The demo must show every state: if the simulation left none waiting for
    dispatch, the latest dispatched complaint goes back to "accepted"; if none was
    reopened, the latest resolved one is reopened by its resident."""
    if not complaints:
        return
    if not any(c.status == Status.ACCEPTED for c in complaints):
        for c, events in zip(reversed(complaints), reversed(timelines), strict=True):
            if c.status == Status.DISPATCHED:
                c.status, c.dispatched_at = Status.ACCEPTED, None
                c.handler_kind, c.handler_firm, c.handler_grid = "", None, None
                events[:] = [e for e in events if e.kind != EventKind.DISPATCHED]
                break
    if any(c.status == Status.REOPENED for c in complaints):
        return
    for c, events in zip(reversed(complaints), reversed(timelines), strict=True):
        if c.status == Status.RESOLVED and c.feedback_at is None:
            at = min(TODAY, c.resolved_at + datetime.timedelta(hours=3))
            c.status, c.reopen_count = Status.REOPENED, c.reopen_count + 1
            c.resident_resolved, c.satisfaction = False, Satisfaction.DISSATISFIED
            c.feedback_at, c.feedback_source = at, FeedbackSource.RESIDENT
            events.append(_ev(EventKind.FEEDBACK, at, "resident", "未解决；不满意"))
            events.append(_ev(EventKind.REOPENED, at, "resident", "居民反映问题未解决。",
                              Status.RESOLVED, Status.REOPENED))
            return


def _find_originals(complaints, timelines):
    """Pair each duplicate with the latest earlier complaint of the same category; a
    "duplicate" with nothing earlier becomes an invalid one."""
    latest, pairs = {}, []
    for c, events in zip(complaints, timelines, strict=True):
        if c.rejection_kind == RejectionKind.DUPLICATE:
            original = latest.get(c.category_id)
            if original is not None:
                c.rejection_reason = f"与诉求 {original.tracking_code} 重复"
                pairs.append((c, original))
            else:
                c.rejection_kind = RejectionKind.INVALID
                c.rejection_reason = "描述不清且无法联系到居民"
            events[-1].kind = (EventKind.DUPLICATE if original is not None
                               else EventKind.REJECTED)
            events[-1].note = c.rejection_reason
        elif c.status != Status.REJECTED:
            latest[c.category_id] = c
    return pairs
