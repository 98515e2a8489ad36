"""The definition (口径) of each metric as a reader needs it: what is counted above and
below the line, over which compounds, which month, the smallest sample that is ranked and
the rating thresholds. The formulas are DESIGN §5; ``definitions.py`` holds the codes."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.metrics.definitions import METRICS, MetricDefinition, min_sample, thresholds


@dataclass(frozen=True)
class Explanation:
    numerator: str
    denominator: str
    sample_unit: str


EXPLANATIONS = {
    "fee_collection_rate": Explanation(
        _("Payments made (by the time of the figure) on the bills whose period starts in "
          "the month"),
        _("Amount due on those bills, less the amounts waived"),
        pgettext_lazy("sample unit", "yuan due")),
    "complaint_response_rate": Explanation(
        _("Valid complaints received in the month and accepted no later than their "
          "response deadline"),
        _("Valid complaints received in the month"), pgettext_lazy("sample unit", "complaints")),
    "complaint_closure_rate": Explanation(
        _("Valid complaints received in the month that are now resolved or closed"),
        _("Valid complaints received in the month"), pgettext_lazy("sample unit", "complaints")),
    "complaint_resolution_rate": Explanation(
        _("Complaints received in the month whose resident answered the follow-up "
          "\u201cresolved\u201d"),
        _("Complaints received in the month whose resident answered that question"),
        pgettext_lazy("sample unit", "complaints")),
    "complaint_ontime_rate": Explanation(
        _("Resolved complaints resolved no later than their resolve deadline"),
        _("Resolved complaints received in the month"), pgettext_lazy("sample unit", "complaints")),
    "complaint_satisfaction_rate": Explanation(
        _("Ratings \u201csatisfied\u201d or \u201cbasically satisfied\u201d"),
        _("Complaints of the month that were rated"), pgettext_lazy("sample unit", "complaints")),
    "complaint_rate": Explanation(
        _("Valid complaints received in the month, times 100"),
        _("Households declared by the compounds in the scope"),
        pgettext_lazy("sample unit", "households")),
    "resolution_hours_avg": Explanation(
        _("Sum of the hours from receipt to resolution"),
        _("Resolved complaints received in the month"), pgettext_lazy("sample unit", "complaints")),
    "disclosure_rate": Explanation(
        _("Compounds under an active service contract with all five required notices "
          "current in the month"),
        _("Compounds under an active service contract"), pgettext_lazy("sample unit", "compounds")),
    "fulfilment_rate": Explanation(
        _("Contract-fulfilment inspection items passed in the month"),
        _("Inspection items checked in the month"), pgettext_lazy("sample unit", "items")),
}


@dataclass(frozen=True)
class MetricGlossaryRow:
    definition: MetricDefinition
    explanation: Explanation
    min_sample: Decimal
    good: str
    fair: str

    @property
    def code(self) -> str:
        return self.definition.code


def _threshold(definition: MetricDefinition, value: Decimal | None) -> str:
    if value is None:
        return ""
    if definition.unit == "%":
        return f"{(value * 100).normalize():f} %"
    return f"{value.normalize():f} {definition.unit}"


def metric_glossary() -> list[MetricGlossaryRow]:
    """Every metric with its definition, in the dashboard's order."""
    rows = []
    for code, definition in METRICS.items():
        good, fair = thresholds(definition)
        rows.append(MetricGlossaryRow(
            definition=definition, explanation=EXPLANATIONS[code],
            min_sample=min_sample(code), good=_threshold(definition, good),
            fair=_threshold(definition, fair),
        ))
    return rows
