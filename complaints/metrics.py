"""The complaint family of DESIGN §5: one aggregate query per month, grouped by compound."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum

from communities.metric_families import MetricFamily, register_family
from communities.models import Compound
from communities.timeutils import month_bounds

from .models import Complaint, Satisfaction, Status

VALID = ~Q(status=Status.REJECTED)
RESOLVED = VALID & Q(status__in=[Status.RESOLVED, Status.CLOSED], resolved_at__isnull=False)
METRIC_CODES = (
    "complaint_response_rate", "complaint_closure_rate", "complaint_resolution_rate",
    "complaint_ontime_rate", "complaint_satisfaction_rate", "complaint_rate",
    "resolution_hours_avg",
)


def complaint_figures(period: date, as_of: datetime, compound_ids=None) -> dict:
    start, end = month_bounds(period.year, period.month)
    complaints = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    compounds = Compound.objects.all()
    if compound_ids is not None:
        complaints = complaints.filter(compound_id__in=compound_ids)
        compounds = compounds.filter(pk__in=compound_ids)
    rows = (
        complaints.values("compound_id")
        .annotate(
            valid=Count("pk", filter=VALID),
            responded=Count(
                "pk", filter=VALID & Q(accepted_at__lte=F("response_deadline"))
            ),
            closed=Count("pk", filter=VALID & Q(status__in=[Status.RESOLVED, Status.CLOSED])),
            answered=Count("pk", filter=Q(resident_resolved__isnull=False)),
            fixed=Count("pk", filter=Q(resident_resolved=True)),
            resolved=Count("pk", filter=RESOLVED),
            ontime=Count("pk", filter=RESOLVED & Q(resolved_at__lte=F("resolve_deadline"))),
            rated=Count("pk", filter=~Q(satisfaction="")),
            satisfied=Count(
                "pk",
                filter=Q(satisfaction__in=[Satisfaction.SATISFIED,
                                           Satisfaction.BASICALLY_SATISFIED]),
            ),
            duration=Sum(
                ExpressionWrapper(F("resolved_at") - F("received_at"),
                                  output_field=DurationField()),
                filter=RESOLVED,
            ),
        )
        .order_by()
    )
    figures = {}
    for row in rows:
        pk = row["compound_id"]
        hours = Decimal(row["duration"].total_seconds()) / 3600 if row["duration"] else Decimal(0)
        figures[(pk, "complaint_response_rate")] = (row["responded"], row["valid"])
        figures[(pk, "complaint_closure_rate")] = (row["closed"], row["valid"])
        figures[(pk, "complaint_resolution_rate")] = (row["fixed"], row["answered"])
        figures[(pk, "complaint_ontime_rate")] = (row["ontime"], row["resolved"])
        figures[(pk, "complaint_satisfaction_rate")] = (row["satisfied"], row["rated"])
        figures[(pk, "resolution_hours_avg")] = (hours.quantize(Decimal("0.0001")),
                                                 row["resolved"])
        figures[(pk, "complaint_rate")] = (row["valid"], 0)
    # The complaint rate's denominator is every compound's declared households.
    for pk, households in compounds.values_list("pk", "declared_households"):
        valid = figures.get((pk, "complaint_rate"), (0, 0))[0]
        figures[(pk, "complaint_rate")] = (valid, households)
    return {key: (Decimal(n), Decimal(d)) for key, (n, d) in figures.items()}


register_family(MetricFamily("complaints", METRIC_CODES, complaint_figures))
