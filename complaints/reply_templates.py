"""Ready-made notes for each staff action (reply templates per state)."""

from django.utils.translation import gettext_lazy as _

TEMPLATES = {
    "accept": [
        ("accept_normal", _("Your request has been accepted; we will arrange for it to be "
                            "handled as soon as possible.")),
        ("accept_visit", _("Accepted. Staff will come to look at the problem on site.")),
    ],
    "dispatch": [
        ("dispatch_firm", _("Passed to the property firm; please deal with it within the "
                            "time limit and report back.")),
        ("dispatch_grid", _("Passed to the grid worker for on-site coordination.")),
    ],
    "start": [
        ("start_onsite", _("Staff are on site and have started work.")),
        ("start_parts", _("Work has started; parts have been ordered.")),
    ],
    "progress": [
        ("progress_waiting", _("Waiting for parts; work will continue as soon as they arrive.")),
        ("progress_contacted", _("We have contacted the resident to agree a time.")),
    ],
    "resolve": [
        ("resolve_fixed", _("The problem has been fixed; please check and give us your view.")),
        ("resolve_explained", _("We have explained the rules and the situation to the "
                                "resident; the matter is settled.")),
    ],
    "reject": [
        ("reject_scope", _("This is not a property or community matter; please contact the "
                           "competent department.")),
        ("reject_unclear", _("The description is not enough to act on and the resident "
                             "could not be reached.")),
    ],
    "close": [
        ("close_confirmed", _("Resident confirmed by phone; closed.")),
    ],
    "reopen": [
        ("reopen_call", _("On the follow-up call the resident said the problem persists.")),
    ],
}


def templates_for(action: str) -> list[tuple[str, str]]:
    return [(key, str(text)) for key, text in TEMPLATES.get(action, [])]
