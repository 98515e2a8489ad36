"""/staff/inbox/: the signed-in user's notifications (and, for officials, the text
messages of their area that reached nobody)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.errors import ApplicationError

from . import selectors, services
from .models import Notification, NotificationKind

PAGE_SIZE = 25
# Where a notification about another ledger item opens ("app_label.model" → URL name).
ITEM_URLS = {
    "party_orgs.demonstrationpoint": "party-point-detail",
    "party_orgs.jointmeeting": "party-meeting-detail",
}


@never_cache
@login_required
def inbox(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in NotificationKind.values else ""
    page = Paginator(selectors.inbox(user=request.user, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/inbox.html", {
        "page": page, "kind": kind, "kinds": NotificationKind.choices,
        "undeliverable": selectors.undeliverable_messages(user=request.user),
    })


@never_cache
@login_required
@require_POST
def open_notification(request, pk):
    """Mark one notification read and go to what it is about."""
    try:
        services.notification_mark_read(actor=request.user, notification_id=pk)
    except ApplicationError:
        raise Http404 from None
    notification = (Notification.objects.select_related("content_type")
                    .filter(user=request.user, pk=pk).first())
    if notification and notification.complaint_id:
        return redirect("complaint-detail", notification.complaint_id)
    if notification and notification.content_type_id:
        url_name = ITEM_URLS.get(
            f"{notification.content_type.app_label}.{notification.content_type.model}")
        if url_name:
            return redirect(url_name, notification.object_id)
    return redirect("notification-inbox")


@never_cache
@login_required
@require_POST
def mark_all_read(request):
    kind = request.POST.get("kind", "")
    count = services.notification_mark_all_read(
        actor=request.user, kind=kind if kind in NotificationKind.values else "")
    messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
    url = reverse("notification-inbox")
    return redirect(f"{url}?kind={kind}" if kind in NotificationKind.values else url)
