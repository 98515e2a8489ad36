"""Panels the property records add to the officials' dashboard: the renovation count of
any unit, and a compound's missing disclosures and latest inspection."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access.scoping import scope_queryset
from communities.dashboard.panels import PanelTable, compound_panel, summary_panel

from .models import Inspection, RenovationProject, RenovationStatus
from .selectors import notice_board


@summary_panel("renovation", gettext_lazy("Old-compound renovation"), order=40)
def renovation(*, user, unit, period):
    """Projects by year and status under the unit (完成老旧小区改造 …个)."""
    projects = scope_queryset(RenovationProject.objects.filter(unit.compound_q("compound")),
                              user)
    rows = [
        (row["year"], row["total"], row["completed"], row["in_progress"], row["planned"],
         row["budget"] or 0)
        for row in projects.values("year").annotate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(status=RenovationStatus.COMPLETED)),
            in_progress=Count("pk", filter=Q(status=RenovationStatus.IN_PROGRESS)),
            planned=Count("pk", filter=Q(status=RenovationStatus.PLANNED)),
            budget=Sum("budget"),
        ).order_by("-year")
    ]
    completed = sum(r[2] for r in rows)
    return PanelTable(
        headers=[_("year"), _("projects"), _("completed"), _("in progress"), _("planned"),
                 _("budget (yuan)")],
        rows=rows, numeric=(1, 2, 3, 4, 5),
        note=_("%(count)s old compounds renovated in all.") % {"count": completed},
        empty=_("No renovation project here."),
    )


@compound_panel("missing-disclosures", gettext_lazy("Missing disclosures"), order=20)
def missing_disclosures(*, user, unit, period):
    board = notice_board(compound=unit.obj)
    rows = [(label, _("never published")) for _value, label in board["missing"]]
    rows += [(label, _("expired")) for _value, label in board["expired"]]
    return PanelTable(
        headers=[_("required item"), _("state")], rows=rows,
        empty=_("All five required items are on the notice board."),
    )


@compound_panel("latest-inspection", gettext_lazy("Latest inspection"), order=30)
def latest_inspection(*, user, unit, period):
    inspection = (
        scope_queryset(Inspection.objects.filter(compound_id=unit.id), user)
        .select_related("inspector").prefetch_related("items").order_by("-date", "-pk").first()
    )
    if inspection is None:
        return PanelTable(headers=[_("clause"), _("result"), _("note")],
                          empty=_("This compound has not been inspected yet."))
    items = list(inspection.items.all())
    passed = sum(1 for item in items if item.passed)
    return PanelTable(
        headers=[_("clause"), _("result"), _("note")],
        rows=[(item.clause, _("passed") if item.passed else _("failed"), item.note)
              for item in items],
        note=_("Inspected on %(date)s: %(passed)s of %(total)s items passed.") % {
            "date": inspection.date.isoformat(), "passed": passed, "total": len(items)},
    )
