"""The complaints panel of a compound's dashboard: its overdue complaints, now."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access.scoping import scope_queryset
from communities.dashboard.panels import Cell, PanelTable, compound_panel

from .models import Complaint
from .selectors import overdue_q

LIMIT = 50


@compound_panel("overdue-complaints", gettext_lazy("Overdue complaints"), order=10)
def overdue_complaints(*, user, unit, period):
    now = timezone.now()
    overdue = scope_queryset(
        Complaint.objects.filter(compound_id=unit.id).filter(overdue_q(now)), user
    ).select_related("category").order_by("resolve_deadline")
    rows = [
        (
            Cell(c.tracking_code, reverse("complaint-detail", args=[c.pk])),
            c.category.name, c.get_status_display(),
            timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(c.resolve_deadline).strftime("%Y-%m-%d %H:%M"),
        )
        for c in overdue[:LIMIT]
    ]
    return PanelTable(
        headers=[_("tracking code"), _("category"), _("status"), _("received at"),
                 _("resolve by")],
        rows=rows,
        note=_("The %(count)s most overdue are listed.") % {"count": LIMIT}
        if len(rows) == LIMIT else "",
        empty=_("No complaint of this compound is overdue."),
    )
