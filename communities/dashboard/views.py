"""The officials' dashboard: ``/dashboard/`` and its Excel exports. Thin: parse the
parameters, read the selectors of ``communities.dashboard.selectors``, render."""

import json
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from communities.dashboard import comparisons
from communities.dashboard import selectors as dashboard
from communities.dashboard.panels import panel_for, panels_for
from communities.metrics.api import parse_month
from communities.metrics.definitions import METRICS
from core.exports import xlsx_response
from core.timeutils import local_today

ORDER_LABELS = {
    "best": gettext_lazy("best first"), "worst": gettext_lazy("worst first"),
    "name": gettext_lazy("by name"), "sample": gettext_lazy("by sample size"),
}


class DashboardForm(forms.Form):
    level = forms.ChoiceField(
        required=False,
        choices=[("", "")] + [(lv, dashboard.LEVEL_LABELS[lv]) for lv in dashboard.LEVELS],
    )
    unit = forms.IntegerField(required=False, min_value=1)
    period = forms.CharField(required=False, label=gettext_lazy("month"))
    metric = forms.ChoiceField(
        required=False, label=gettext_lazy("metric"),
        choices=[(code, m.label) for code, m in METRICS.items()],
    )
    order = forms.ChoiceField(required=False, choices=list(ORDER_LABELS.items()))

    def clean_period(self):
        text = self.cleaned_data["period"].strip()
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-03."))
        if month > dashboard.current_month():
            raise forms.ValidationError(_("That month has not begun yet."))
        return month

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("level")) != bool(cleaned.get("unit")):
            raise forms.ValidationError(_("Choose a unit by its level and its id."))
        return cleaned


@dataclass
class Params:
    unit: dashboard.Unit
    period: date
    metric: str
    order: str
    errors: list

    def query(self, **changes) -> str:
        values = {"level": self.unit.level, "unit": self.unit.id,
                  "period": f"{self.period:%Y-%m}", "metric": self.metric, "order": self.order}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _params(request) -> Params:
    """The unit (in the user's scope, else 404), month, metric and order of a request; a
    bad value is reported and replaced by its default, never a 500."""
    form = DashboardForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    cleaned = form.cleaned_data if request.GET else {}
    errors = []
    if not valid:
        for field_errors in form.errors.values():
            errors.extend(field_errors)
        # Keep the fields that were fine.
        cleaned = {k: v for k, v in getattr(form, "cleaned_data", {}).items()
                   if k not in form.errors}
        if "__all__" in form.errors:
            cleaned.pop("level", None)
            cleaned.pop("unit", None)
    if cleaned.get("level") and cleaned.get("unit"):
        unit = dashboard.unit_get(user=request.user, level=cleaned["level"],
                                  unit_id=cleaned["unit"])
    else:
        ref = dashboard.default_unit_ref(request.user)
        if ref is None or ref[1] is None:
            raise Http404(_("There is no unit for you to see."))
        unit = dashboard.unit_get(user=request.user, level=ref[0], unit_id=ref[1])
    return Params(
        unit=unit, period=cleaned.get("period") or dashboard.last_complete_month(),
        metric=cleaned.get("metric") or next(iter(METRICS)),
        order=cleaned.get("order") or "best", errors=errors,
    )


def _chart_config(params: Params, comparison: dict) -> str:
    metrics = [
        {"code": code, "label": str(m.label), "percent": m.unit == "%",
         "unit": "" if m.unit == "%" else str(m.unit)}
        for code, m in METRICS.items()
    ]
    return json.dumps({
        "api": reverse("metrics-list"),
        "scope": params.unit.level, "scope_id": params.unit.id,
        "until": f"{params.period:%Y-%m}", "metric": params.metric, "metrics": metrics,
        "modes": comparisons.mode_chart(comparison, params.metric),
        "labels": {"value": _("value"), "no_data": _("no data"),
                   "load_error": _("The chart could not be loaded.")},
    }, ensure_ascii=False)


@never_cache
@login_required
@permission_required("communities.view_dashboard", raise_exception=True)
def dashboard_page(request):
    params = _params(request)
    unit, period = params.unit, params.period
    months = dashboard.trend_months(period)
    series = dashboard.unit_series(user=request.user, unit=unit, months=months)
    partial = dashboard.is_partial(period)
    cards = dashboard.metric_cards(series=series, period=period, partial=partial)
    children = dashboard.unit_children(user=request.user, unit=unit)
    ranking = comparisons.ranking(user=request.user, unit=unit, period=period,
                                code=params.metric, order=params.order, children=children)
    comparison = comparisons.mode_comparison(user=request.user, unit=unit, period=period)
    # Both grow with the unit (its firms, its compounds): kept like the summaries.
    firms = dashboard.cached_summary(
        "firms", user=request.user, unit=unit, parts=(period, params.metric),
        build=lambda: comparisons.firm_ranking(user=request.user, unit=unit, period=period,
                                             code=params.metric),
    )
    changes, changes_total = dashboard.cached_summary(
        "mode-changes", user=request.user, unit=unit, parts=(period, params.metric),
        build=lambda: comparisons.mode_changes(user=request.user, unit=unit, months=months,
                                             metric=params.metric),
    )
    panels = []
    for panel in panels_for(unit.level):
        table = dashboard.cached_summary(
            f"panel-{panel.key}", user=request.user, unit=unit, parts=(period,),
            build=lambda panel=panel: panel.build(user=request.user, unit=unit, period=period),
        )
        if table is not None:
            panels.append((panel, table))
    definition = METRICS[params.metric]
    context = {
        "params": params,
        "unit": unit,
        "period": period,
        "is_provisional": partial,
        "today": local_today(),
        "computed_at": dashboard.computed_at(series, period),
        "stale_changes": dashboard.stale_changes(unit=unit),
        "stale_after_seconds": settings.METRICS_STALE_AFTER_SECONDS,
        "cards": cards,
        "two_up_one_down": dashboard.two_up_one_down(cards),
        "definition": definition,
        "trend": dashboard.metric_trend(series=series, months=months, code=params.metric),
        "children": children,
        "ranking": ranking,
        "orders": [(key, label, params.query(order=key)) for key, label in ORDER_LABELS.items()],
        "comparison": comparison,
        "firms": firms,
        "changes": [(c, c.for_metric(params.metric)) for c in changes],
        "changes_total": changes_total,
        "panels": panels,
        "cities": dashboard.city_choices(user=request.user) if request.user.is_superuser
        else [],
        "metrics": [(code, m.label) for code, m in METRICS.items()],
        "chart_config": _chart_config(params, comparison),
        "query": params.query(),
        "child_level_label": dashboard.LEVEL_LABELS.get(ranking["level"] or "", ""),
    }
    return render(request, "communities/dashboard.html", context)


# ---------------------------------------------------------------------------
# Excel exports: every table of the page, same parameters, same scope
# ---------------------------------------------------------------------------

EXPORTS = ("cards", "trend", "ranking", "modes", "before-after", "firms")


@never_cache
@login_required
@permission_required("communities.view_dashboard", raise_exception=True)
def dashboard_export(request, table: str):
    params = _params(request)
    unit, period = params.unit, params.period
    stamp = f"{period:%Y-%m}"
    if table.startswith("panel-"):
        panel = panel_for(unit.level, table[len("panel-"):])
        if panel is None:
            raise Http404(_("No such table."))
        built = panel.build(user=request.user, unit=unit, period=period)
        if built is None:
            raise Http404(_("No such table."))
        return _xlsx(unit, stamp, str(panel.title), built.headers, built.export_rows())
    builder = {
        "cards": _cards_table, "trend": _trend_table, "ranking": _ranking_table,
        "modes": _modes_table, "before-after": _before_after_table, "firms": _firms_table,
    }.get(table)
    if builder is None:
        raise Http404(_("No such table."))
    title, headers, rows = builder(request, params)
    return _xlsx(unit, stamp, title, headers, rows)


def _xlsx(unit, stamp, title, headers, rows):
    return xlsx_response(
        filename=f"{unit.name}-{title}-{stamp}.xlsx", sheet_title=title,
        headers=headers, rows=rows,
    )


def _cards_table(request, params):
    months = dashboard.trend_months(params.period)[-2:]
    series = dashboard.unit_series(user=request.user, unit=params.unit, months=months)
    cards = dashboard.metric_cards(series=series, period=params.period,
                                   partial=dashboard.is_partial(params.period))
    targets = {"up": _("up"), "down": _("down")}
    headers = [_("metric"), _("value"), _("numerator"), _("denominator"), _("last month"),
               _("change on last month"), _("两升一降 target"), _("rating"), _("computed at")]
    rows = [
        (c.label, dashboard.export_value(c.definition, c.value), c.numerator, c.denominator,
         dashboard.export_value(c.definition, c.previous),
         dashboard.export_change(c.definition, c.change),
         targets.get(c.target, ""), c.rating_label, c.computed_at)
        for c in cards
    ]
    return _("Metric cards"), headers, rows


def _trend_table(request, params):
    months = dashboard.trend_months(params.period)
    series = dashboard.unit_series(user=request.user, unit=params.unit, months=months)
    headers = [_("month"), _("metric"), _("value"), _("numerator"), _("denominator")]
    rows = []
    for code in METRICS:
        for point in dashboard.metric_trend(series=series, months=months, code=code):
            rows.append((f"{point.period:%Y-%m}", METRICS[code].label,
                         dashboard.export_value(METRICS[code], point.value),
                         point.numerator, point.denominator))
    return _("12-month trends"), headers, rows


def _ranking_table(request, params):
    result = comparisons.ranking(user=request.user, unit=params.unit, period=params.period,
                               code=params.metric, order=params.order)
    headers = [_("rank"), _("unit"), _("metric"), _("value"), _("numerator"),
               _("denominator (sample)"), _("rating"), _("ranked")]
    definition = METRICS[params.metric]
    label = definition.label
    ratings = {"green": _("good"), "amber": _("fair"), "red": _("poor")}
    rows = [
        (r.rank, r.name, label, dashboard.export_value(definition, r.value), r.numerator,
         r.denominator, ratings.get(r.rating, ""), True)
        for r in result["ranked"]
    ] + [
        (None, r.name, label, dashboard.export_value(definition, r.value), r.numerator,
         r.denominator, ratings.get(r.rating, ""), False)
        for r in result["below_sample"]
    ]
    return _("Ranking"), headers, rows


def _modes_table(request, params):
    comparison = comparisons.mode_comparison(user=request.user, unit=params.unit,
                                           period=params.period)
    headers = [_("metric")]
    for _key, label in comparison["groups"]:
        headers += [str(label), _("%(mode)s sample") % {"mode": label}]
    rows = []
    for row in comparison["rows"]:
        cells = [row["definition"].label]
        for cell in row["cells"]:
            cells += [dashboard.export_value(row["definition"], cell.value), cell.denominator]
        rows.append(cells)
    return _("Management modes compared"), headers, rows


def _before_after_table(request, params):
    months = dashboard.trend_months(params.period)
    changes, _total = comparisons.mode_changes(user=request.user, unit=params.unit,
                                             months=months, metric=params.metric, limit=None)
    headers = [_("compound"), _("community"), _("previous mode"), _("new mode"),
               _("new mode since"), _("metric"), _("before"), _("after"), _("change"),
               _("sample before"), _("sample after")]
    rows = []
    for change in changes:
        for code, definition in METRICS.items():
            figures = change.for_metric(code)
            rows.append((change.name, change.community, change.from_mode, change.to_mode,
                         f"{change.changed_in:%Y-%m}", definition.label,
                         figures["before_value"], figures["after_value"],
                         figures["change_value"], figures["before_sample"],
                         figures["after_sample"]))
    return _("Before and after a change of mode"), headers, rows


def _firms_table(request, params):
    firms = comparisons.firm_ranking(user=request.user, unit=params.unit, period=params.period,
                                   code=params.metric, shown=None)
    if firms is None:
        raise Http404(_("No such table."))
    headers = [_("rank"), _("property firm"), _("metric"), _("value"), _("numerator"),
               _("denominator (sample)"), _("compounds served here"), _("rating"),
               _("ranked")]
    definition = METRICS[params.metric]
    label = definition.label
    ratings = {"green": _("good"), "amber": _("fair"), "red": _("poor")}
    rows = [
        (f.rank, f.name, label, dashboard.export_value(definition, f.value), f.numerator,
         f.denominator, f.compounds,
         ratings.get(f.rating, ""), f.rank is not None)
        for f in firms["best"] + firms["below_sample"]
    ]
    return _("Property firms compared"), headers, rows
