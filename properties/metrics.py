"""Fee, disclosure and fulfilment families of DESIGN §5, and each compound's mode and
firm in a month (from the contract history), for the snapshot writer."""

import datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from communities.metrics.families import MetricFamily, register_compound_context, register_family
from communities.models import Compound, ManagementMode
from core.timeutils import month_end, next_month, start_of_day

from .models import Disclosure, DisclosureItem, ServiceContract
from .selectors import fee_collection_by_month, fulfilment_counts_by_month

REQUIRED_ITEMS = len(DisclosureItem.values)


def _last_day(period: datetime.date) -> datetime.date:
    return month_end(period)


def reference_moment(period: datetime.date, as_of: datetime.datetime) -> datetime.datetime:
    """When a month's state is read: its last moment, or ``as_of`` for a month not over."""
    return min(start_of_day(next_month(period)) - datetime.timedelta(microseconds=1), as_of)


def _contracts_on(day: datetime.date, compound_ids):
    contracts = ServiceContract.objects.filter(start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )
    if compound_ids is not None:
        contracts = contracts.filter(compound_id__in=compound_ids)
    return contracts


def fee_figures(periods, as_of, compound_ids=None) -> dict:
    rows = fee_collection_by_month(
        start=periods[0], end=_last_day(periods[-1]), compound_ids=compound_ids, as_of=as_of
    )
    result = {period: {} for period in periods}
    for (compound_id, month), sums in rows.items():
        result[month][(compound_id, "fee_collection_rate")] = (sums["paid"], sums["payable"])
    return result


def disclosure_figures(period, as_of, compound_ids=None) -> dict:
    """Compounds under a contract on the month's reference day, and whether all five
    required items were current then (published by then, not expired)."""
    moment = reference_moment(period, as_of)
    day = timezone.localtime(moment).date()
    under_contract = set(_contracts_on(day, compound_ids).values_list("compound_id", flat=True))
    current = Disclosure.objects.filter(
        compound_id__in=under_contract, published_at__lte=moment
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    complete = set(
        current.values("compound_id")
        .annotate(items=Count("item", distinct=True))
        .filter(items__gte=REQUIRED_ITEMS)
        .values_list("compound_id", flat=True)
    )
    return {
        (pk, "disclosure_rate"): (Decimal(pk in complete), Decimal(1)) for pk in under_contract
    }


def fulfilment_figures(periods, as_of, compound_ids=None) -> dict:
    rows = fulfilment_counts_by_month(
        start=periods[0], end=_last_day(periods[-1]), compound_ids=compound_ids
    )
    result = {period: {} for period in periods}
    for row in rows:
        result[row["month"]][(row["inspection__compound_id"], "fulfilment_rate")] = (
            Decimal(row["passed"]), Decimal(row["checked"])
        )
    return result


def compound_modes(period, compound_ids=None) -> dict:
    """Mode and firm of each compound's contract on the month's reference day; a compound
    without a contract then had no management ("none")."""
    day = min(_last_day(period), timezone.localdate())
    context = {}
    for compound_id, mode, firm_id in _contracts_on(day, compound_ids).values_list(
        "compound_id", "mode", "firm_id"
    ):
        context[compound_id] = (mode, firm_id)
    compounds = Compound.objects.all()
    if compound_ids is not None:
        compounds = compounds.filter(pk__in=compound_ids)
    for pk in compounds.exclude(pk__in=list(context)).values_list("pk", flat=True):
        context[pk] = (ManagementMode.NONE, None)
    return context


register_family(MetricFamily("fee", ("fee_collection_rate",), fee_figures))
register_family(MetricFamily.per_month("disclosure", ("disclosure_rate",), disclosure_figures))
register_family(MetricFamily("fulfilment", ("fulfilment_rate",), fulfilment_figures))
register_compound_context(compound_modes)
