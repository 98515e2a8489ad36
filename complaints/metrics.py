"""The complaint family of DESIGN §5: one aggregate query over the months asked for,
grouped by compound and local calendar month of receipt."""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, DateField, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth

from communities.metrics.definitions import round_half_up
from communities.metrics.families import MetricFamily, register_family
from communities.models import Compound
from core.timeutils import next_month, start_of_day

from .models import Complaint, Satisfaction, Status

ZERO = Decimal(0)
VALID = ~Q(status=Status.REJECTED)
RESOLVED = VALID & Q(status__in=[Status.RESOLVED, Status.CLOSED], resolved_at__isnull=False)
METRIC_CODES = (
    "complaint_response_rate", "complaint_closure_rate", "complaint_resolution_rate",
    "complaint_ontime_rate", "complaint_satisfaction_rate", "complaint_rate",
    "resolution_hours_avg",
)


def complaint_figures(periods, as_of: datetime, compound_ids=None) -> dict[date, dict]:
    start, end = start_of_day(periods[0]), start_of_day(next_month(periods[-1]))
    complaints = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    compounds = Compound.objects.all()
    if compound_ids is not None:
        complaints = complaints.filter(compound_id__in=compound_ids)
        compounds = compounds.filter(pk__in=compound_ids)
    rows = (
        complaints.annotate(month=TruncMonth("received_at", output_field=DateField()))
        .values("compound_id", "month")
        .annotate(
            valid=Count("pk", filter=VALID),
            responded=Count(
                "pk", filter=VALID & Q(accepted_at__lte=F("response_deadline"))
            ),
            closed=Count("pk", filter=VALID & Q(status__in=[Status.RESOLVED, Status.CLOSED])),
            fixed=Count("pk", filter=Q(resident_resolved=True)),
            answered=Count("pk", filter=Q(resident_resolved__isnull=False)),
            ontime=Count("pk", filter=RESOLVED & Q(resolved_at__lte=F("resolve_deadline"))),
            resolved=Count("pk", filter=RESOLVED),
            satisfied=Count(
                "pk",
                filter=Q(satisfaction__in=[Satisfaction.SATISFIED,
                                           Satisfaction.BASICALLY_SATISFIED]),
            ),
            rated=Count("pk", filter=~Q(satisfaction="")),
            duration=Sum(
                ExpressionWrapper(F("resolved_at") - F("received_at"),
                                  output_field=DurationField()),
                filter=RESOLVED,
            ),
        )
        .values_list("month", "compound_id", "valid", "responded", "closed", "fixed",
                     "answered", "ontime", "resolved", "satisfied", "rated", "duration")
        .order_by()
    )
    # Compact tuples per month, turned into figures only when the writer reaches the month
    # (a city's twelve months of figures at once would dominate the task's memory).
    by_month: dict[date, list[tuple]] = defaultdict(list)
    for month, *counts in rows:
        by_month[month].append(tuple(counts))
    households = list(compounds.values_list("pk", "declared_households"))
    return {period: _figures(by_month.pop(period, []), households) for period in periods}


def _figures(rows, households):
    """Yields ((compound id, metric), (numerator, denominator)) for one month."""
    valid_of = {}
    for (pk, valid, responded, closed, fixed, answered, ontime, resolved, satisfied, rated,
         duration) in rows:
        valid_of[pk] = valid
        hours = Decimal(duration.total_seconds()) / 3600 if duration else ZERO
        yield (pk, "complaint_response_rate"), (Decimal(responded), Decimal(valid))
        yield (pk, "complaint_closure_rate"), (Decimal(closed), Decimal(valid))
        yield (pk, "complaint_resolution_rate"), (Decimal(fixed), Decimal(answered))
        yield (pk, "complaint_ontime_rate"), (Decimal(ontime), Decimal(resolved))
        yield (pk, "complaint_satisfaction_rate"), (Decimal(satisfied), Decimal(rated))
        yield (pk, "resolution_hours_avg"), (round_half_up(hours), Decimal(resolved))
    # The complaint rate: valid complaints per declared household, for every compound.
    for pk, declared in households:
        yield (pk, "complaint_rate"), (Decimal(valid_of.get(pk, 0)), Decimal(declared))


register_family(MetricFamily("complaints", METRIC_CODES, complaint_figures))
