"""Reads of owners' votes: scoped for staff, public for the notice board."""

from django.utils import timezone

from communities.access.scoping import get_scoped_object_or_404, scope_queryset
from communities.models import Compound, Household

from .models import Ballot, OwnerVote
from .services import owner_vote_results


def owner_vote_list(*, user):
    return scope_queryset(
        OwnerVote.objects.select_related("compound", "contract__firm"), user
    )


def ballot_list(*, user):
    return scope_queryset(
        Ballot.objects.select_related("vote__compound", "household__building"), user
    )


def owner_vote_for_staff(*, user, pk: int) -> OwnerVote:
    return get_scoped_object_or_404(owner_vote_list(user=user), user, pk=pk)


def vote_compounds(*, user):
    """The compounds a member of staff may open a vote for (those of their scope)."""
    return scope_queryset(Compound.objects.all(), user)


def board_votes(*, compound: Compound, now=None) -> dict:
    """A compound's votes for its public notice board: those open now (the motion and the
    time left), and those closed (with their published result). Votes not yet open are
    announced too."""
    now = now or timezone.now()
    votes = list(OwnerVote.objects.filter(compound=compound).select_related("contract__firm"))
    closed = [vote for vote in votes if vote.is_closed_at(now)]
    results = owner_vote_results(votes=closed) if closed else {}
    return {
        "open_votes": [vote for vote in votes if vote.is_open_at(now)],
        "upcoming_votes": [vote for vote in votes if now < vote.opens_at],
        "closed_votes": [(vote, results[vote.pk]) for vote in closed],
    }


def public_vote(*, compound_id: int, pk: int) -> OwnerVote | None:
    return (OwnerVote.objects.select_related("compound")
            .filter(compound_id=compound_id, pk=pk).first())


def ballot_household(*, vote: OwnerVote, building_id, unit: str, room: str):
    """The unit a resident names by building and room (None when there is none)."""
    return (Household.objects.filter(compound_id=vote.compound_id, building_id=building_id,
                                     unit=(unit or "").strip(), room=(room or "").strip())
            .first())


def vote_ledger_rows(*, vote: OwnerVote):
    """One row per unit of the register, with its ballot (if any)."""
    ballots = {b.household_id: b for b in Ballot.objects.filter(vote=vote)}
    for household in (Household.objects.filter(compound_id=vote.compound_id)
                      .select_related("building").order_by("building__name", "unit", "room")):
        yield household, ballots.get(household.pk)
