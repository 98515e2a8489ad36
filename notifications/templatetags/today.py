"""``{% today_panel %}``: the "today" workbench counts on /staff/, each linking to the
filtered complaint queue (two queries whatever the number of complaints)."""

from django import template

from complaints.selectors import today_counts

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_today.html", takes_context=True)
def today_panel(context):
    user = context["user"]
    show = user.has_perm("complaints.view_complaint")
    return {
        "show": show,
        "counts": today_counts(user=user) if show else {},
        "unread": unread_count(user=user),
    }
