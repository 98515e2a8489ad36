"""Reads of the Party organisation ledgers, always through the user's scope, and the
set-based counts the dashboard will use (compliance, flags, coverage)."""

from datetime import date, timedelta

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth

from communities.access.scoping import get_scoped_object_or_404, scope_queryset
from communities.models import Compound, ManagementMode
from core.timeutils import (
    days,
    is_working_day,
    local_today,
    local_zone,
    month_bounds,
    months_ended,
    start_of_day,
)

from .models import (
    ActionItem,
    ActionStatus,
    DemonstrationAssessment,
    DemonstrationPoint,
    DemonstrationReview,
    FundAllocation,
    FundSpending,
    JointMeeting,
    ListItem,
    MeetingKind,
    MemberRole,
    OrgUnitType,
    PartyMember,
    PartyOrganization,
    PointStatus,
    ReportKind,
    WorkReport,
)

# ---------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------


def organization_list(*, user, filters: dict | None = None) -> QuerySet[PartyOrganization]:
    filters = filters or {}
    qs = scope_queryset(
        PartyOrganization.objects.select_related("community", "firm", "parent"), user
    ).annotate(member_count=Count("members", distinct=True))
    for key in ("kind", "unit_type", "community"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs.order_by("path")


def organization_get(*, user, pk: int) -> PartyOrganization:

    return get_scoped_object_or_404(
        PartyOrganization.objects.select_related("community", "firm", "parent", "grid",
                                                 "building__compound", "compound"),
        user, pk=pk,
    )


def organization_subtree(*, user, org: PartyOrganization) -> QuerySet[PartyOrganization]:
    """The organisation and everything under it: one query on the materialised path."""
    return (
        scope_queryset(
            PartyOrganization.objects.select_related("grid", "building__compound", "firm"),
            user,
        )
        .filter(org.subtree_q())
        .annotate(member_count=Count("members", distinct=True))
        .order_by("path")
    )


def subtree_members(*, user, org: PartyOrganization) -> QuerySet[PartyMember]:
    return (
        scope_queryset(PartyMember.objects.select_related("organization"), user)
        .filter(
            Q(organization__path=org.path) | Q(organization__path__startswith=f"{org.path}.")
        )
        .annotate(household_count=Count("households", distinct=True))
        .order_by("organization__path", "name")
    )


def four_level_counts(*, organizations: QuerySet[PartyOrganization]) -> dict:
    """The community committee → grid branch → building group → central household structure,
    counted in one query (the article: 8 branch secretaries, 23 group leaders, 23 households)."""

    members = PartyMember.objects.filter(organization__in=organizations.values("pk"))
    return members.aggregate(
        grid_branch_secretaries=Count(
            "pk", filter=Q(organization__unit_type=OrgUnitType.GRID, role=MemberRole.SECRETARY)
        ),
        building_group_leaders=Count(
            "pk",
            filter=Q(organization__unit_type=OrgUnitType.BUILDING,
                     role=MemberRole.GROUP_LEADER),
        ),
        central_households=Count("pk", filter=Q(is_central_household=True)),
        model_posts=Count("pk", filter=~Q(model_post="")),
    )


def firm_party_coverage(*, firms) -> dict:
    """Property firms with a Party organisation, and model / benchmark firms: one query."""
    return firms.aggregate(
        firms=Count("pk"),
        with_party_organisation=Count(
            "pk", filter=Q(Exists(PartyOrganization.objects.filter(firm=OuterRef("pk"))))
        ),
        model_firms=Count("pk", filter=Q(red_standing="model")),
        benchmark_firms=Count("pk", filter=Q(red_standing="benchmark")),
    )


# ---------------------------------------------------------------------------
# Joint meetings and action items
# ---------------------------------------------------------------------------


def meeting_list(*, user, filters: dict | None = None) -> QuerySet[JointMeeting]:
    filters = filters or {}
    qs = scope_queryset(
        JointMeeting.objects.select_related("community").prefetch_related("compounds"), user
    ).annotate(
        item_count=Count("action_items", distinct=True),
        open_count=Count("action_items", filter=~Q(action_items__status=ActionStatus.DONE),
                         distinct=True),
    )
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("community"):
        qs = qs.filter(community_id=filters["community"])
    if filters.get("year"):
        start = start_of_day(date(filters["year"], 1, 1))
        end = start_of_day(date(filters["year"] + 1, 1, 1))
        qs = qs.filter(held_at__gte=start, held_at__lt=end)
    return qs.order_by("-held_at", "-pk")


def meeting_get(*, user, pk: int) -> JointMeeting:

    return get_scoped_object_or_404(
        JointMeeting.objects.select_related("community", "recorded_by").prefetch_related(
            "compounds", "organizations", "action_items__compounds"
        ),
        user, pk=pk,
    )


def action_item_list(*, user, overdue_only: bool = False, today: date | None = None):
    qs = scope_queryset(
        ActionItem.objects.select_related("meeting__community").prefetch_related("compounds"),
        user,
    )
    if overdue_only:
        qs = overdue_action_items(qs, today=today)
    return qs.order_by("due_date", "pk")


def overdue_action_items(items: QuerySet[ActionItem], *, today: date | None = None):
    """Past their due date (a local day) and not done: due today is not overdue yet."""
    today = today or local_today()
    return items.filter(due_date__lt=today).exclude(status=ActionStatus.DONE)


def three_party_meeting_gaps(*, user, year: int, now=None, community_id=None) -> list[dict]:
    """Co-building compounds in the user's scope without a three-party meeting in a calendar
    month of ``year`` that is over (Asia/Shanghai). Two queries."""
    months = months_ended(year, now)
    compounds = scope_queryset(
        Compound.objects.filter(management_mode=ManagementMode.CO_BUILDING).select_related(
            "community"
        ),
        user,
    )
    if community_id:
        compounds = compounds.filter(community_id=community_id)
    compounds = list(compounds.order_by("community__name", "name"))
    if not months or not compounds:
        return []
    held = set(
        JointMeeting.objects.filter(
            kind=MeetingKind.THREE_PARTY,
            compounds__in=[c.pk for c in compounds],
            held_at__gte=start_of_day(date(year, 1, 1)),
            held_at__lt=start_of_day(date(year + 1, 1, 1)),
        )
        .annotate(month=TruncMonth("held_at", tzinfo=local_zone()))
        .values_list("compounds", "month")
        .distinct()
    )
    held = {(compound_id, month.month if hasattr(month, "month") else month)
            for compound_id, month in held}
    return [
        {"compound": c, "year": year, "month": m}
        for m in months
        for c in compounds
        if (c.pk, m) not in held
    ]


def joint_meeting_compliance(*, compounds: QuerySet[Compound], year: int, month: int) -> dict:
    """For the dashboard: per community, co-building compounds and those with a three-party
    meeting in the month. One grouped query. {community id: {"compounds", "with_meeting"}}."""
    start, end = month_bounds(year, month)
    met = JointMeeting.objects.filter(
        kind=MeetingKind.THREE_PARTY, compounds=OuterRef("pk"), held_at__gte=start,
        held_at__lt=end,
    )
    rows = (
        compounds.filter(management_mode=ManagementMode.CO_BUILDING)
        .annotate(met=Exists(met))
        .values("community_id")
        .annotate(total=Count("pk"), with_meeting=Count("pk", filter=Q(met=True)))
        .order_by()
    )
    return {
        r["community_id"]: {"compounds": r["total"], "with_meeting": r["with_meeting"]}
        for r in rows
    }


# ---------------------------------------------------------------------------
# Demonstration points
# ---------------------------------------------------------------------------


def point_list(*, user, filters: dict | None = None) -> QuerySet[DemonstrationPoint]:
    filters = filters or {}
    qs = scope_queryset(
        DemonstrationPoint.objects.select_related(
            "community__street__district", "organization", "cadre"
        ),
        user,
    )
    for key in ("status", "year", "community"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs.order_by("-year", "community__name", "name")


def point_get(*, user, pk: int) -> DemonstrationPoint:

    return get_scoped_object_or_404(
        DemonstrationPoint.objects.select_related(
            "community__street__district", "organization", "cadre"
        ),
        user, pk=pk,
    )


def point_reviews(*, point: DemonstrationPoint) -> QuerySet[DemonstrationReview]:
    return point.reviews.select_related("reviewer").order_by("decided_at", "pk")


def review_list(*, user) -> QuerySet[DemonstrationReview]:
    return scope_queryset(
        DemonstrationReview.objects.select_related("point__community", "reviewer"), user
    ).order_by("point__community__name", "point__name", "decided_at", "pk")


def assessment_list(*, user) -> QuerySet[DemonstrationAssessment]:
    return scope_queryset(
        DemonstrationAssessment.objects.select_related("point__community"), user
    ).order_by("-year", "point__name")


def points_by_review_step(*, points: QuerySet[DemonstrationPoint]) -> dict:
    """How many points wait at each step of 三审: one grouped query."""
    counts = dict.fromkeys(PointStatus.values, 0)
    for row in points.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


# ---------------------------------------------------------------------------
# Work ledger
# ---------------------------------------------------------------------------


def report_list(*, user, point_id: int | None = None) -> QuerySet[WorkReport]:
    qs = scope_queryset(
        WorkReport.objects.select_related("point__community", "author"), user
    )
    if point_id:
        qs = qs.filter(point_id=point_id)
    return qs.order_by("-period_start", "point__name", "kind")


def missing_reports(*, user, start: date, end: date | None = None, now=None,
                    points: QuerySet[DemonstrationPoint] | None = None) -> list[dict]:
    """Approved points' missing daily reports (a past working day with none) and weekly
    summaries (a week that has ended with none), from ``start`` (or the approval) to
    ``end``. Two queries."""
    today = local_today(now)
    yesterday = today - timedelta(days=1)
    end = min(end or yesterday, yesterday)
    if points is None:
        points = point_list(user=user)
    points = list(points.filter(status=PointStatus.APPROVED))
    if not points or end < start:
        return []
    filed = set(
        WorkReport.objects.filter(
            point__in=[p.pk for p in points],
            period_start__gte=start - timedelta(days=6), period_start__lte=end,
        ).values_list("point_id", "kind", "period_start")
    )
    working = [d for d in days(start, end) if is_working_day(d)]
    missing = []
    for point in points:
        first = max(start, point.approved_on)
        for day in working:
            if day >= first and (point.pk, ReportKind.DAILY, day) not in filed:
                missing.append({"point": point, "kind": ReportKind.DAILY, "period": day})
        monday = first - timedelta(days=first.weekday())
        while monday + timedelta(days=6) <= end:
            if monday >= point.approved_on - timedelta(days=point.approved_on.weekday()) and (
                point.pk, ReportKind.WEEKLY, monday
            ) not in filed:
                missing.append({"point": point, "kind": ReportKind.WEEKLY, "period": monday})
            monday += timedelta(days=7)
    missing.sort(key=lambda m: (m["period"], m["point"].name), reverse=True)
    return missing


def list_item_list(*, user, filters: dict | None = None) -> QuerySet[ListItem]:
    filters = filters or {}
    qs = scope_queryset(ListItem.objects.select_related("community"), user)
    for key in ("year", "list_kind", "status", "community"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs.order_by("-year", "community__name", "list_kind", "title")


# ---------------------------------------------------------------------------
# Funds
# ---------------------------------------------------------------------------


def allocation_list(*, user, year: int | None = None) -> QuerySet[FundAllocation]:
    zero = Value(0, output_field=DecimalField(max_digits=12, decimal_places=2))
    qs = scope_queryset(FundAllocation.objects.select_related("community"), user).annotate(
        spent=Coalesce(Sum("spendings__amount"), zero)
    ).annotate(remaining=ExpressionWrapper(
        F("amount") - F("spent"), output_field=DecimalField(max_digits=12, decimal_places=2)
    ))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "community__name", "kind")


def spending_list(*, user, year: int | None = None) -> QuerySet[FundSpending]:
    qs = scope_queryset(
        FundSpending.objects.select_related("allocation__community", "recorded_by"), user
    )
    if year:
        qs = qs.filter(allocation__year=year)
    return qs.order_by("-spent_on", "-pk")
