"""Summaries the Party organisation ledgers add to the officials' dashboard: three-party
joint-meeting compliance, missed patrol half-days (一日两巡) and demonstration points by
review step (三审). Each reads in a fixed number of queries."""

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.dashboard_panels import PanelTable, summary_panel
from communities.models import Community, Compound, VulnerableResident
from communities.scoping import scope_queryset
from communities.selectors import missed_patrol_counts
from communities.timeutils import local_today, next_month

from .models import DemonstrationPoint, PointStatus
from .selectors import joint_meeting_compliance, points_by_review_step

ABOVE_COMPOUND = ("city", "district", "street", "community")


def _percent(part, whole) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else _("no data")


def _community_names(ids) -> dict:
    return dict(Community.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


@summary_panel("joint-meetings", gettext_lazy("Three-party joint meetings"), order=10)
def joint_meetings(*, user, unit, period):
    """Co-building compounds with a three-party meeting in the month, per community."""
    compounds = scope_queryset(Compound.objects.filter(unit.compound_q()), user)
    by_community = joint_meeting_compliance(compounds=compounds, year=period.year,
                                            month=period.month)
    names = _community_names(by_community)
    rows = []
    for community_id, figures in sorted(by_community.items(),
                                        key=lambda item: names.get(item[0], "")):
        total, met = figures["compounds"], figures["with_meeting"]
        rows.append((names.get(community_id, ""), total, met, total - met,
                     _percent(met, total)))
    total = sum(r[1] for r in rows)
    met = sum(r[2] for r in rows)
    return PanelTable(
        headers=[_("community"), _("co-building compounds"), _("with a three-party meeting"),
                 _("without"), _("compliance")],
        rows=rows, numeric=(1, 2, 3, 4),
        note=_("%(met)s of %(total)s co-building compounds held their three-party meeting "
               "in %(month)s.") % {"met": met, "total": total, "month": f"{period:%Y-%m}"},
        empty=_("There is no co-building compound here."),
    )


@summary_panel("missed-patrols", gettext_lazy("Missed patrols of vulnerable residents"),
               levels=ABOVE_COMPOUND, order=20)
def missed_patrols(*, user, unit, period):
    """Half-days due, visited and missed in the month (to today), per community: counts
    only, no resident is named (officials do not see vulnerable residents)."""
    today = local_today()
    end = min(next_month(period) - timedelta(days=1), today)
    residents = VulnerableResident.objects.filter(unit.community_q("grid__community"))
    counts = missed_patrol_counts(residents=residents, start=period, end=end)
    names = _community_names(counts)
    rows = [
        (names.get(community_id, ""), figures["due"], figures["visited"], figures["missed"],
         _percent(figures["visited"], figures["due"]))
        for community_id, figures in sorted(counts.items(),
                                            key=lambda item: names.get(item[0], ""))
    ]
    missed = sum(r[3] for r in rows)
    return PanelTable(
        headers=[_("community"), _("half-days due"), _("visited"), _("missed"),
                 _("visited share")],
        rows=rows, numeric=(1, 2, 3, 4),
        note=_("%(missed)s half-day patrols missed from %(start)s to %(end)s.") % {
            "missed": missed, "start": f"{period:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"},
        empty=_("No vulnerable resident is registered here."),
    )


@summary_panel("demonstration-points", gettext_lazy("Demonstration points by review step"),
               levels=ABOVE_COMPOUND, order=30)
def demonstration_points(*, user, unit, period):
    """Applications of the month's year at each step of the three reviews."""
    points = scope_queryset(
        DemonstrationPoint.objects.filter(unit.community_q("community"), year=period.year),
        user,
    )
    counts = points_by_review_step(points=points)
    labels = dict(PointStatus.choices)
    rows = [(str(labels[status]), counts.get(status, 0)) for status in PointStatus.values]
    return PanelTable(
        headers=[_("review step"), _("points")], rows=rows, numeric=(1,),
        note=_("Applications for %(year)s.") % {"year": period.year},
    )
