"""Metric families register here; the snapshot writer runs them.

A family (fee, complaints, disclosure, fulfilment) lives in the app that owns its data
and computes, for a run of months, each compound's numerator and denominator of its
metrics with set-based SQL: one grouped query over the whole range where it can, so a
twelve-month recompute reads each row once. ``communities`` never imports those apps:
they register at start-up (their ``metrics.py`` is auto-discovered).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

# (compound_id, metric code) -> (numerator, denominator); a dict, or an iterable of
# (key, value) pairs produced only when the writer reaches the month.
Figures = dict[tuple[int, str], tuple[Decimal, Decimal]]
# Months (first days, ascending), as_of, compound ids or None for all -> {month: Figures}
RangeCompute = Callable[[Sequence[date], datetime, Iterable[int] | None], dict[date, Figures]]
MonthCompute = Callable[[date, datetime, Iterable[int] | None], Figures]


@dataclass(frozen=True)
class MetricFamily:
    name: str
    metrics: tuple[str, ...]
    compute: RangeCompute

    @classmethod
    def per_month(cls, name: str, metrics: tuple[str, ...],
                  compute_month: MonthCompute) -> "MetricFamily":
        """A family whose figures are computed month by month (small tables only)."""

        def compute(periods, as_of, compound_ids):
            return {period: compute_month(period, as_of, compound_ids) for period in periods}

        return cls(name, metrics, compute)


_FAMILIES: dict[str, MetricFamily] = {}
_CONTEXT: list[Callable] = []


def register_family(family: MetricFamily) -> MetricFamily:
    _FAMILIES[family.name] = family
    return family


def families() -> list[MetricFamily]:
    return list(_FAMILIES.values())


def register_compound_context(func: Callable) -> Callable:
    """func(period, compound_ids or None) -> {compound_id: (mode, firm_id or None)}: the
    management mode and firm of each compound in that month (from contract history)."""
    if func not in _CONTEXT:
        _CONTEXT.append(func)
    return func


def compound_context(period: date, compound_ids) -> dict[int, tuple[str, int | None]]:
    context: dict[int, tuple[str, int | None]] = {}
    for func in _CONTEXT:
        context.update(func(period, compound_ids))
    return context
