"""The metric-definitions page (口径): how every figure of the dashboard is formed."""

from django.shortcuts import render

from communities.metrics.glossary import metric_glossary
from core.decorators import staff_view


@staff_view("communities.view_dashboard")
def metric_definitions(request):
    return render(request, "communities/metric_definitions.html", {"rows": metric_glossary()})
