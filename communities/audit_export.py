"""The audit trail as an Excel ledger: /staff/audit/export.xlsx (officials, their area)."""

import json

from django.utils.translation import gettext as _

from communities.access.scoping import scope_queryset
from communities.models import AuditEvent
from communities.selectors import scope_node
from core.decorators import staff_view
from core.exports import xlsx_response

CHUNK = 2000


@staff_view("communities.view_auditevent")
def audit_log_export(request):
    events = scope_queryset(
        AuditEvent.objects.select_related("district", "community", "compound"), request.user
    ).order_by("-at", "-pk")
    rows = (
        (e.at, e.get_action_display(), e.actor_label, e.object_type, e.object_id,
         e.district.name if e.district_id else "", e.community.name if e.community_id else "",
         e.compound.name if e.compound_id else "",
         json.dumps(e.changes, ensure_ascii=False, sort_keys=True), e.ip_address or "")
        for e in events.iterator(chunk_size=CHUNK)
    )
    headers = [_("when"), _("action"), _("actor (as recorded)"), _("object type"),
               _("object id"), _("district"), _("community"), _("compound"), _("changes"),
               _("IP address")]
    node = scope_node(user=request.user)
    return xlsx_response(filename=_("audit log"), sheet_title=_("audit log"), headers=headers,
                         rows=rows, unit=node.name if node else "")
