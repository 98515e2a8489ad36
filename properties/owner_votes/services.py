"""Every write of owners' votes: create a vote, record or change a ballot (on paper by
staff, or online by the owner with a one-time SMS code), link the contract that followed;
and the one service that counts a vote from the register and its ballots."""

import hashlib
import hmac
import secrets
from collections import defaultdict

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import audit
from communities.access.scoping import scope_for_user
from communities.models import AuditAction, Compound, Household
from core.errors import ApplicationError
from core.services import save_validated
from core.sms import send_sms
from core.validators import MOBILE_RE, normalise_phone

from ..models import ServiceContract
from .count import Unit, VoteCount, count_vote
from .models import Ballot, BallotChannel, BallotChoice, OwnerVote, VoteKind

CODE_SECONDS = 10 * 60
CODE_RESEND_SECONDS = 60
CODE_ATTEMPTS = 5


def _require_community_staff(actor, compound: Compound) -> None:
    """Votes are run by the staff of the compound's community (or an administrator);
    ``actor`` None is the system (the demo, an import), never a page or the API."""
    if actor is None or actor.is_superuser:
        return
    scope = scope_for_user(actor)
    if scope.level != "community" or scope.node_id != compound.community_id:
        raise ApplicationError(
            _("Owners' votes of this compound are run by the staff of its community."),
            code="not_community_staff", status_code=403,
        )


# Votes --------------------------------------------------------------------------------


def check_owner_vote(*, compound, kind: str, motion: str, opens_at, closes_at) -> None:
    """The rules of a new vote that a form can show next to its inputs."""
    if kind not in VoteKind.values:
        raise ApplicationError(_("Choose the matter the owners vote on."), fields=("kind",))
    if not (motion or "").strip():
        raise ApplicationError(_("Write the motion the owners vote on."), fields=("motion",))
    for moment, field in ((opens_at, "opens_at"), (closes_at, "closes_at")):
        if moment is None or timezone.is_naive(moment):
            raise ApplicationError(
                _("Give the opening and closing time with a date and a time."), fields=(field,)
            )
    if closes_at <= opens_at:
        raise ApplicationError(_("A vote must close after it opens."), fields=("closes_at",))


@transaction.atomic
def owner_vote_create(*, actor, compound: Compound, kind: str, motion: str, opens_at,
                      closes_at) -> OwnerVote:
    _require_community_staff(actor, compound)
    check_owner_vote(compound=compound, kind=kind, motion=motion, opens_at=opens_at,
                     closes_at=closes_at)
    vote = save_validated(OwnerVote(
        compound=compound, kind=kind, motion=motion.strip(), opens_at=opens_at,
        closes_at=closes_at, created_by=actor if actor and actor.is_authenticated else None,
    ))
    audit.record(action=AuditAction.OWNER_VOTE_CREATED, obj=vote, actor=actor,
                 changes={"kind": kind, "opens_at": opens_at, "closes_at": closes_at})
    return vote


@transaction.atomic
def owner_vote_link_contract(*, actor, vote: OwnerVote, contract: ServiceContract,
                             now=None) -> OwnerVote:
    """Link a passed "select the firm" vote to the service contract that followed it."""
    vote = OwnerVote.objects.select_for_update().get(pk=vote.pk)
    _require_community_staff(actor, vote.compound)
    now = now or timezone.now()
    if vote.kind != VoteKind.FIRM:
        raise ApplicationError(
            _("Only a vote selecting the property firm is followed by a contract."))
    if not vote.is_closed_at(now) or not owner_vote_result(vote=vote).passed:
        raise ApplicationError(_("Only a closed vote that passed can be linked to a contract."))
    if contract.compound_id != vote.compound_id:
        raise ApplicationError(_("The contract is for another compound."),
                               fields=("contract",))
    old = vote.contract_id
    vote.contract = contract
    save_validated(vote, update_fields=["contract"])
    audit.record(action=AuditAction.OWNER_VOTE_CONTRACT_LINKED, obj=vote, actor=actor,
                 changes={"contract": [old, contract.pk]})
    return vote


# Ballots ------------------------------------------------------------------------------


def check_ballot(*, vote: OwnerVote, household: Household, choice: str, now) -> None:
    if choice not in BallotChoice.values:
        raise ApplicationError(_("Choose agree, disagree or abstain."), fields=("choice",))
    if household.compound_id != vote.compound_id:
        raise ApplicationError(
            _("This unit is not in the compound that is voting."), fields=("household",)
        )
    if now < vote.opens_at:
        raise ApplicationError(_("The vote has not opened yet."), code="vote_not_open")
    if vote.is_closed_at(now):
        raise ApplicationError(
            _("The vote has closed: ballots can no longer be cast or changed."),
            code="vote_closed",
        )


def _record_ballot(*, actor, vote: OwnerVote, household: Household, choice: str,
                   channel: str, ballot_no: str, now) -> Ballot:
    vote = OwnerVote.objects.select_for_update().get(pk=vote.pk)
    check_ballot(vote=vote, household=household, choice=choice, now=now)
    ballot = (Ballot.objects.select_for_update()
              .filter(vote=vote, household=household).first())
    actor = actor if actor is not None and actor.is_authenticated else None
    if ballot is None:
        ballot = Ballot(vote=vote, household=household, choice=choice, channel=channel,
                        ballot_no=ballot_no, recorded_by=actor, cast_at=now, changed_at=now)
        try:
            with transaction.atomic():
                save_validated(ballot)
        except IntegrityError:
            raise ApplicationError(
                _("This unit has already voted on this matter."), code="conflict",
                status_code=409,
            ) from None
        audit.record(action=AuditAction.BALLOT_CAST, obj=ballot, actor=actor,
                     place=vote.compound,
                     changes={"vote": vote.pk, "household": household.pk, "choice": choice,
                              "channel": channel, "ballot_no": ballot_no})
        return ballot
    old = {"choice": ballot.choice, "channel": ballot.channel, "ballot_no": ballot.ballot_no}
    ballot.choice, ballot.channel, ballot.ballot_no = choice, channel, ballot_no
    ballot.recorded_by, ballot.changed_at = actor, now
    save_validated(ballot, update_fields=["choice", "channel", "ballot_no", "recorded_by",
                                          "changed_at"])
    audit.record(action=AuditAction.BALLOT_CHANGED, obj=ballot, actor=actor,
                 place=vote.compound,
                 changes={"vote": vote.pk, "household": household.pk,
                          **{k: [v, getattr(ballot, k)] for k, v in old.items()}})
    return ballot


@transaction.atomic
def ballot_enter_paper(*, actor, vote: OwnerVote, household: Household, choice: str,
                       ballot_no: str, now=None) -> Ballot:
    """Staff enter (or correct) a unit's paper ballot, with its ballot number."""
    _require_community_staff(actor, vote.compound)
    ballot_no = (ballot_no or "").strip()
    if not ballot_no:
        raise ApplicationError(_("A paper ballot needs its ballot number."),
                               fields=("ballot_no",))
    return _record_ballot(actor=actor, vote=vote, household=household, choice=choice,
                          channel=BallotChannel.PAPER, ballot_no=ballot_no,
                          now=now or timezone.now())


def _code_key(vote: OwnerVote, household: Household) -> str:
    return f"owner-vote-code:{vote.pk}:{household.pk}"


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def ballot_code_send(*, vote: OwnerVote, household: Household, now=None) -> None:
    """Text a one-time code to the unit's registered phone (one a minute at most)."""
    now = now or timezone.now()
    check_ballot(vote=vote, household=household, choice=BallotChoice.ABSTAIN, now=now)
    phone = normalise_phone(household.phone)
    if not MOBILE_RE.match(phone):
        raise ApplicationError(
            _("This unit has no registered mobile number: vote on a paper ballot with the "
              "community."), code="no_phone",
        )
    key = _code_key(vote, household)
    if not cache.add(f"{key}:sent", 1, CODE_RESEND_SECONDS):
        raise ApplicationError(
            _("A code was sent less than a minute ago: wait for it, then try again."),
            code="code_recently_sent", status_code=429,
        )
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(key, {"digest": _digest(code), "attempts": 0}, CODE_SECONDS)
    send_sms(phone=phone, message=_(
        "Your code for the owners' vote of %(compound)s is %(code)s (valid for 10 minutes)."
    ) % {"compound": vote.compound.name, "code": code})


@transaction.atomic
def ballot_cast_online(*, vote: OwnerVote, household: Household, code: str, choice: str,
                       now=None) -> Ballot:
    """The owner casts (or changes) the unit's ballot with the code texted to them."""
    now = now or timezone.now()
    check_ballot(vote=vote, household=household, choice=choice, now=now)
    key = _code_key(vote, household)
    entry = cache.get(key)
    if entry is None or entry["attempts"] >= CODE_ATTEMPTS:
        raise ApplicationError(_("The code has expired: ask for a new one."),
                               code="code_expired", fields=("code",))
    if not hmac.compare_digest(entry["digest"], _digest((code or "").strip())):
        entry["attempts"] += 1
        cache.set(key, entry, CODE_SECONDS)
        raise ApplicationError(_("The code is not right."), code="wrong_code",
                               fields=("code",))
    cache.delete(key)
    return _record_ballot(actor=None, vote=vote, household=household, choice=choice,
                          channel=BallotChannel.ONLINE, ballot_no="", now=now)


# The count ----------------------------------------------------------------------------


def owner_vote_result(*, vote: OwnerVote) -> VoteCount:
    """Count the vote from the compound's register and the ballots, as they are now."""
    return owner_vote_results(votes=[vote])[vote.pk]


def owner_vote_results(*, votes) -> dict[int, VoteCount]:
    """Count several votes in two queries (the registers, the ballots): vote id → count."""
    votes = list(votes)
    units_by_compound: dict[int, list[Unit]] = defaultdict(list)
    for row in Household.objects.filter(
        compound_id__in={vote.compound_id for vote in votes}
    ).values("pk", "compound_id", "floor_area", "owner_key", "developer_held"):
        units_by_compound[row["compound_id"]].append(Unit(
            id=row["pk"], area=row["floor_area"], owner_key=row["owner_key"],
            developer_held=row["developer_held"]))
    ballots: dict[int, dict[int, str]] = defaultdict(dict)
    for vote_id, household_id, choice in Ballot.objects.filter(
        vote__in=[vote.pk for vote in votes]
    ).values_list("vote_id", "household_id", "choice"):
        ballots[vote_id][household_id] = choice
    return {
        vote.pk: count_vote(kind=vote.kind, units=units_by_compound[vote.compound_id],
                            ballots=ballots[vote.pk])
        for vote in votes
    }
