"""Pages of owners' votes: the resident's ballot page (no login, a one-time code to the
unit's registered phone) and the vote's ledger (Excel) for staff."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from communities.models import Building
from core.decorators import staff_view
from core.errors import ApplicationError
from core.exports import xlsx_response
from core.forms import add_service_error
from core.validators import mask_phone

from . import selectors, services
from .forms import OnlineBallotForm


@never_cache
def vote_ballot(request, compound_id: int, vote_id: int):
    """One vote of the compound: the motion, the time left, the result once closed, and
    the form to vote online."""
    vote = selectors.public_vote(compound_id=compound_id, pk=vote_id)
    if vote is None:
        raise Http404(_("No such vote on this compound's board."))
    now = timezone.now()
    form = OnlineBallotForm(request.POST or None,
                            buildings=Building.objects.filter(compound_id=compound_id))
    if request.method == "POST" and vote.is_open_at(now) and form.is_valid():
        data = form.cleaned_data
        household = selectors.ballot_household(vote=vote, building_id=data["building"].pk,
                                               unit=data["unit"], room=data["room"])
        try:
            if household is None:
                raise ApplicationError(_("There is no such room in the register of this "
                                         "building."), fields=("room",))
            if request.POST.get("step") == "code":
                services.ballot_code_send(vote=vote, household=household, now=now)
                messages.info(request, _("A code was sent to %(phone)s.")
                              % {"phone": mask_phone(household.phone)})
            else:
                if not data["choice"]:
                    raise ApplicationError(_("Choose agree, disagree or abstain."),
                                           fields=("choice",))
                services.ballot_cast_online(vote=vote, household=household,
                                            code=data["code"], choice=data["choice"], now=now)
                messages.success(request, _("Your ballot is recorded. You can change it "
                                            "until the vote closes."))
                return redirect("owner-vote-ballot", compound_id=compound_id, vote_id=vote.pk)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
    result = services.owner_vote_result(vote=vote) if vote.is_closed_at(now) else None
    return render(request, "properties/owner_votes/ballot.html", {
        "vote": vote, "compound": vote.compound, "form": form, "result": result,
        "is_open": vote.is_open_at(now), "not_yet_open": now < vote.opens_at,
    })


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


@staff_view("properties.view_ballot")
def vote_ledger(request, pk: int):
    """The vote's ledger: the count against each threshold, then every unit's ballot."""
    vote = selectors.owner_vote_for_staff(user=request.user, pk=pk)
    count = services.owner_vote_result(vote=vote)
    summary = [
        (_("Motion"), vote.motion, "", "", "", "", ""),
        (_("Matter"), vote.get_kind_display(), "", "", "", "", ""),
        (_("Total area (m²)"), count.total_area, "", "", "", "", ""),
        (_("Total owners"), count.total_owners, "", "", "", "", ""),
        (_("Participating area (m²)"), count.participating_area, "", "", "", "", ""),
        (_("Participating owners"), count.participating_owners, "", "", "", "", ""),
        (_("Agreeing area (m²)"), count.agreeing_area, "", "", "", "", ""),
        (_("Agreeing owners"), count.agreeing_owners, "", "", "", "", ""),
        (_("Quorum met"), _yes(count.quorum_met), "", "", "", "", ""),
        (_("Passed"), _yes(count.passed), "", "", "", "", ""),
        ("", "", "", "", "", "", ""),
    ]
    units = (
        (str(household), household.floor_area,
         _("developer") if household.developer_held else "",
         ballot.get_choice_display() if ballot else _("did not vote"),
         ballot.ballot_no if ballot else "",
         ballot.get_channel_display() if ballot else "",
         timezone.localtime(ballot.changed_at).strftime("%Y-%m-%d %H:%M") if ballot else "")
        for household, ballot in selectors.vote_ledger_rows(vote=vote)
    )
    return xlsx_response(
        filename=f"{vote.compound.name}-{_('owners vote')}-{vote.pk}.xlsx",
        sheet_title=_("Owners' vote"),
        headers=[_("Unit"), _("Area (m²)"), _("Held by"), _("Choice"), _("Ballot number"),
                 _("Cast"), _("Last changed")],
        rows=[*summary, *units],
    )
