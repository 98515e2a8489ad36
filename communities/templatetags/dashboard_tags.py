"""``{% headline_cards as headline %}``: the dashboard's cards of the user's own unit for
the current month (the Django admin's index shows them)."""

from django import template

from communities.dashboard import selectors as dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def headline_cards(context):
    request = context.get("request")
    if request is None:
        return None
    return dashboard.headline(user=request.user)
