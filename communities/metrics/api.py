"""``/api/v1/metrics/``: one metric of one unit, month by month, read from the snapshots
and scoped like everything else (a unit outside the user's scope is a 404). The
dashboard's trend chart reads it."""

import re
from datetime import date

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.response import Response

from communities.access.second_factor import SecondFactorPassed
from communities.dashboard import selectors as dashboard
from communities.metrics.definitions import METRICS

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date | None:
    """``YYYY-MM`` → the first day of that month, or None when it is not a month."""
    match = _MONTH.match(text or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 2000:
        return None
    return date(year, month, 1)


class MonthField(serializers.CharField):
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, e.g. 2026-03.")}

    def to_internal_value(self, data):
        month = parse_month(str(data).strip())
        if month is None:
            self.fail("invalid")
        return month


class MetricQuerySerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=list(METRICS), help_text=_("Metric code."))
    scope = serializers.ChoiceField(choices=list(dashboard.LEVELS),
                                    help_text=_("Level of the unit."))
    scope_id = serializers.IntegerField(min_value=1, help_text=_("Id of the unit."))
    period = MonthField(
        required=False,
        help_text=_("One month (YYYY-MM); omitted: the 12 months ending with `until`."),
    )
    until = MonthField(
        required=False,
        help_text=_("Last month of the 12-month series (YYYY-MM); default the last complete "
                    "month."),
    )

    def validate(self, attrs):
        for key in ("period", "until"):
            if attrs.get(key) and attrs[key] > dashboard.current_month():
                raise serializers.ValidationError({key: [_("That month has not begun yet.")]})
        return attrs


class MetricPointSerializer(serializers.Serializer):
    period = serializers.CharField(help_text=_("Month, YYYY-MM."))
    numerator = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    denominator = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    value = serializers.DecimalField(
        max_digits=18, decimal_places=4, allow_null=True,
        help_text=_("Empty when the denominator is 0 or the month is not computed: no data."),
    )
    display = serializers.CharField(help_text=_("The value as the dashboard shows it."))
    chart = serializers.FloatField(allow_null=True,
                                   help_text=_("The value as plotted (rates in per cent)."))
    computed_at = serializers.DateTimeField(allow_null=True)


class MetricSeriesSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    higher_is_better = serializers.BooleanField()
    scope = serializers.CharField()
    scope_id = serializers.IntegerField()
    scope_name = serializers.CharField()
    results = MetricPointSerializer(many=True)


class _ErrorBody(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ApiErrorSerializer(serializers.Serializer):
    error = _ErrorBody()


class CanViewDashboard(permissions.BasePermission):
    message = _("You do not have permission to view the dashboard.")

    def has_permission(self, request, view):
        return request.user.has_perm("communities.view_dashboard")


class MetricSeriesViewSet(viewsets.ViewSet):
    """Numerator, denominator and value of one metric for one unit, per month."""

    permission_classes = [permissions.IsAuthenticated, SecondFactorPassed, CanViewDashboard]
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        operation_id="metrics_list",
        parameters=[MetricQuerySerializer],
        responses={
            200: MetricSeriesSerializer,
            400: OpenApiResponse(ApiErrorSerializer, description=_("Bad metric, scope or month.")),
            403: OpenApiResponse(ApiErrorSerializer, description=_("No dashboard permission.")),
            404: OpenApiResponse(ApiErrorSerializer, description=_("Unit outside your scope.")),
        },
    )
    def list(self, request):
        query = MetricQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        unit = dashboard.unit_get(user=request.user, level=params["scope"],
                                  unit_id=params["scope_id"])
        if params.get("period"):
            months = [params["period"]]
        else:
            months = dashboard.trend_months(params.get("until")
                                            or dashboard.last_complete_month())
        code = params["metric"]
        definition = METRICS[code]
        series = dashboard.unit_series(user=request.user, unit=unit, months=months)
        results = []
        for month in months:
            row = series.get((code, month))
            value = row["value"] if row else None
            results.append({
                "period": f"{month:%Y-%m}",
                "numerator": row["numerator"] if row else None,
                "denominator": row["denominator"] if row else None,
                "value": value,
                "display": dashboard.format_value(definition, value),
                "chart": dashboard.chart_number(definition, value),
                "computed_at": row["computed_at"] if row else None,
            })
        data = {
            "metric": code, "label": str(definition.label), "unit": str(definition.unit),
            "higher_is_better": definition.higher_is_better, "scope": unit.level,
            "scope_id": unit.id, "scope_name": unit.name, "results": results,
        }
        return Response(MetricSeriesSerializer(data).data)


def register(router):
    router.register("metrics", MetricSeriesViewSet, basename="metrics")
