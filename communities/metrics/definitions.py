"""The metrics of DESIGN §5: codes, labels, how a value is formed from its sums, and
which direction is good. Figures are computed by the apps that own the data
(``properties.metrics``, ``complaints.metrics``); this module only describes them."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

FOUR_PLACES = Decimal("0.0001")


def round_half_up(number) -> Decimal:
    """Four places, half up (四舍五入, DESIGN §5)."""
    return Decimal(number).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MetricDefinition:
    code: str
    label: str
    family: str
    # value = numerator × scale / denominator; rates have scale 1 and show as percentages
    scale: int = 1
    unit: str = "%"
    higher_is_better: bool = True
    # red/amber/green: a value at or beyond `good` is green, beyond `fair` amber, else red
    good: Decimal | None = None
    fair: Decimal | None = None

    def value(self, numerator, denominator) -> Decimal | None:
        if not denominator:
            return None
        # DESIGN §5: four places, half up (四舍五入), not Python's half-even default.
        return round_half_up(Decimal(numerator) * self.scale / Decimal(denominator))


FEE = "fee"
COMPLAINTS = "complaints"
DISCLOSURE = "disclosure"
FULFILMENT = "fulfilment"

METRICS: dict[str, MetricDefinition] = {
    m.code: m
    for m in (
        MetricDefinition("fee_collection_rate", _("Fee collection rate"), FEE,
                         good=Decimal("0.9"), fair=Decimal("0.7")),
        MetricDefinition("complaint_response_rate", _("Response rate"), COMPLAINTS,
                         good=Decimal("0.95"), fair=Decimal("0.8")),
        MetricDefinition("complaint_closure_rate", _("Closure rate"), COMPLAINTS,
                         good=Decimal("0.9"), fair=Decimal("0.75")),
        MetricDefinition("complaint_resolution_rate", _("Resolution rate"), COMPLAINTS,
                         good=Decimal("0.85"), fair=Decimal("0.7")),
        MetricDefinition("complaint_ontime_rate", _("On-time closure rate"), COMPLAINTS,
                         good=Decimal("0.9"), fair=Decimal("0.75")),
        MetricDefinition("complaint_satisfaction_rate", _("Satisfaction rate"), COMPLAINTS,
                         good=Decimal("0.9"), fair=Decimal("0.75")),
        MetricDefinition("complaint_rate", _("Complaint rate"), COMPLAINTS, scale=100,
                         unit=_("per 100 households"), higher_is_better=False,
                         good=Decimal("2"), fair=Decimal("5")),
        MetricDefinition("resolution_hours_avg", _("Average hours to resolve"), COMPLAINTS,
                         unit=_("hours"), higher_is_better=False,
                         good=Decimal("48"), fair=Decimal("120")),
        MetricDefinition("disclosure_rate", _("Disclosure rate"), DISCLOSURE,
                         good=Decimal("0.9"), fair=Decimal("0.7")),
        MetricDefinition("fulfilment_rate", _("Contract fulfilment rate"), FULFILMENT,
                         good=Decimal("0.9"), fair=Decimal("0.75")),
    )
}

# "两升一降": disclosure and fulfilment up, complaint rate down (month on month).
TWO_UP_ONE_DOWN = {"disclosure_rate": "up", "fulfilment_rate": "up", "complaint_rate": "down"}


# The smallest denominator a unit needs to be ranked (DESIGN §5: one lucky complaint
# cannot top the table). Counted in the metric's denominator: complaints for the complaint
# rates, households for the complaint rate, compounds for disclosure, items for fulfilment,
# yuan due for the fee collection rate. ``settings.METRIC_MIN_SAMPLE`` overrides these.
DEFAULT_MIN_SAMPLE = {
    "fee_collection_rate": 1,
    "complaint_response_rate": 10,
    "complaint_closure_rate": 10,
    "complaint_resolution_rate": 10,
    "complaint_ontime_rate": 10,
    "complaint_satisfaction_rate": 10,
    "complaint_rate": 100,
    "resolution_hours_avg": 10,
    "disclosure_rate": 1,
    "fulfilment_rate": 5,
}


def thresholds(definition: MetricDefinition) -> tuple[Decimal | None, Decimal | None]:
    """(good, fair) for a metric: ``settings.METRIC_THRESHOLDS[code]`` if set, else the
    defaults above. Read at call time, so an override applies without a restart of code."""

    override = getattr(settings, "METRIC_THRESHOLDS", {}).get(definition.code)
    if override:
        good, fair = override
        return Decimal(str(good)), Decimal(str(fair))
    return definition.good, definition.fair


def min_sample(code: str) -> Decimal:
    """The minimum denominator for a unit to be ranked on metric ``code``."""

    configured = getattr(settings, "METRIC_MIN_SAMPLE", {})
    return Decimal(str(configured.get(code, DEFAULT_MIN_SAMPLE.get(code, 1))))


def rating(definition: MetricDefinition, value: Decimal | None) -> str:
    """"green", "amber", "red" or "" (no data)."""
    good, fair = thresholds(definition)
    if value is None or good is None:
        return ""
    if definition.higher_is_better:
        if value >= good:
            return "green"
        return "amber" if value >= fair else "red"
    if value <= good:
        return "green"
    return "amber" if value <= fair else "red"
