"""The administrators' page of the retention policy: /staff/retention/."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communities import retention, tasks
from communities.models import AuditAction, AuditEvent
from core.decorators import staff_view


@staff_view("communities.apply_retention")
def retention_page(request):
    if request.method == "POST":
        tasks.apply_retention.delay(actor_id=request.user.pk)
        messages.success(request, _("Anonymisation of what is due has started."))
        return redirect("retention")
    events = AuditEvent.objects.filter(action=AuditAction.RETENTION_APPLIED)[:20]
    return render(request, "communities/retention.html",
                  {"due": retention.due_counts(), "events": events})
