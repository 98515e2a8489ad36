"""Summaries the Party organisation ledgers add to the officials' dashboard: three-party
joint-meeting compliance, missed patrol half-days (一日两巡) and demonstration points by
review step (三审). Each reads in a fixed number of queries."""


from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access.scoping import scope_queryset
from communities.dashboard.panels import PanelTable, summary_panel
from communities.dashboard.selectors import LEVEL_LABELS
from communities.models import Compound, VulnerableResident
from communities.selectors import missed_patrol_counts
from core.timeutils import local_today, month_end

from .models import DemonstrationPoint, PointStatus
from .selectors import joint_meeting_compliance, points_by_review_step

ABOVE_COMPOUND = ("city", "district", "street", "community")


def _percent(part, whole) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else _("no data")


def _by_child_unit(unit, per_community: dict, fields: tuple[str, ...]) -> list[tuple]:
    """Per-community figures summed per child unit of ``unit`` (see
    ``Unit.community_breakdown``): (name, *sums), sorted by name."""
    names = unit.community_breakdown(per_community)
    sums: dict[str, list[int]] = {}
    for community_id, figures in per_community.items():
        total = sums.setdefault(names.get(community_id, ""), [0] * len(fields))
        for index, name in enumerate(fields):
            total[index] += figures[name]
    return [(name, *figures) for name, figures in sorted(sums.items())]


def _level_label(unit) -> str:
    return str(LEVEL_LABELS[unit.breakdown_level])


@summary_panel("joint-meetings", gettext_lazy("Three-party joint meetings"), order=10)
def joint_meetings(*, user, unit, period):
    """Co-building compounds with a three-party meeting in the month, per child unit."""
    compounds = scope_queryset(Compound.objects.filter(unit.compound_q()), user)
    by_community = joint_meeting_compliance(compounds=compounds, year=period.year,
                                            month=period.month)
    rows = [
        (name, total, met, total - met, _percent(met, total))
        for name, total, met in _by_child_unit(unit, by_community,
                                               ("compounds", "with_meeting"))
    ]
    total = sum(r[1] for r in rows)
    met = sum(r[2] for r in rows)
    return PanelTable(
        headers=[_level_label(unit), _("co-building compounds"), _("with a three-party meeting"),
                 _("without"), _("compliance")],
        rows=rows, numeric=(1, 2, 3, 4),
        note=_("%(met)s of %(total)s co-building compounds held their three-party meeting "
               "in %(month)s.") % {"met": met, "total": total, "month": f"{period:%Y-%m}"},
        empty=_("There is no co-building compound here."),
    )


@summary_panel("missed-patrols", gettext_lazy("Missed patrols of vulnerable residents"),
               levels=ABOVE_COMPOUND, order=20)
def missed_patrols(*, user, unit, period):
    """Half-days due, visited and missed in the month (to today), per child unit: counts
    only, no resident is named (officials do not see vulnerable residents)."""
    today = local_today()
    end = min(month_end(period), today)
    residents = VulnerableResident.objects.filter(unit.community_q("grid__community"))
    counts = missed_patrol_counts(residents=residents, start=period, end=end)
    rows = [
        (name, due, visited, missed, _percent(visited, due))
        for name, due, visited, missed in _by_child_unit(unit, counts,
                                                         ("due", "visited", "missed"))
    ]
    missed = sum(r[3] for r in rows)
    return PanelTable(
        headers=[_level_label(unit), _("half-days due"), _("visited"), _("missed"),
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
