"""Demo owners' votes (Civil Code art. 278): 林园小区's March 2026 vote to bring in the
state-owned firm 城鑫 under a public-welfare trusteeship (passed, linked to the contract
that began on 1 April), and 塔坡新村's vote on charging piles in common parts that fails
its quorum. Paper ballots, entered through the services; idempotent (skipped when the
compound already has the vote)."""

import datetime
import random

from communities.models import Compound, Household
from communities.owner_identity import owner_key_for
from communities.services import household_update
from properties.models import ServiceContract
from properties.owner_votes import services
from properties.owner_votes.models import BallotChoice, OwnerVote, VoteKind

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

LINYUAN_MOTION = (
    "关于选聘城鑫城市综合服务有限责任公司以公益托管方式为林园小区提供物业服务的议案："
    "基础服务保本运行，增值服务微利；收费标准每月每平方米0.60元；托管期自2026年4月1日起。"
)
TAPO_MOTION = (
    "关于利用小区共有部分（地面停车区）设置电动自行车充电桩并委托经营的议案，"
    "经营收益纳入业主共有资金。"
)


def _at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def _cast(vote, households, *, share_voting, share_agreeing, rng, during):
    """Paper ballots for a share of ``households``; of those, a share agrees and the rest
    disagree or abstain."""
    for number, household in enumerate(households, start=1):
        if rng.random() >= share_voting:
            continue
        roll = rng.random()
        choice = (BallotChoice.AGREE if roll < share_agreeing
                  else BallotChoice.DISAGREE if roll < (1 + share_agreeing) / 2
                  else BallotChoice.ABSTAIN)
        services.ballot_enter_paper(actor=None, vote=vote, household=household,
                                    choice=choice, ballot_no=f"{vote.opens_at:%Y}-{number:04d}",
                                    now=during)


def _seed_linyuan(log):
    compound = Compound.objects.filter(name="林园小区").first()
    if compound is None or OwnerVote.objects.filter(compound=compound,
                                                    kind=VoteKind.FIRM).exists():
        return
    households = list(Household.objects.filter(compound=compound)
                      .order_by("building__name", "unit", "room"))
    # Two retired teachers own two flats each: one owner each in the count.
    for first, second in ((0, 1), (10, 11)):
        key = owner_key_for(name=households[first].owner_name, phone=households[first].phone)
        for household in (households[first], households[second]):
            household_update(household=household, owner_key=key)
    vote = services.owner_vote_create(
        actor=None, compound=compound, kind=VoteKind.FIRM, motion=LINYUAN_MOTION,
        opens_at=_at(2026, 3, 1, 9), closes_at=_at(2026, 3, 20, 18),
    )
    _cast(vote, households, share_voting=0.86, share_agreeing=0.82, rng=random.Random(278),
          during=_at(2026, 3, 10, 10))
    contract = (ServiceContract.objects.filter(compound=compound, firm__isnull=False,
                                               start_date=datetime.date(2026, 4, 1)).first())
    result = services.owner_vote_result(vote=vote)
    if contract is not None and result.passed:
        services.owner_vote_link_contract(actor=None, vote=vote, contract=contract,
                                          now=_at(2026, 3, 21, 9))
    log(f"owner votes: 林园小区 {vote.get_kind_display()} — "
        f"{'passed' if result.passed else 'NOT passed'}")


def _seed_tapo(log):
    compound = Compound.objects.filter(name="塔坡新村").first()
    if compound is None or OwnerVote.objects.filter(compound=compound,
                                                    kind=VoteKind.COMMON_USE).exists():
        return
    households = list(Household.objects.filter(compound=compound)
                      .order_by("building__name", "unit", "room"))
    # The developer still holds the unsold flats of building 5's second entrance.
    for household in households[-12:]:
        if not household.developer_held:
            household_update(household=household, developer_held=True)
    vote = services.owner_vote_create(
        actor=None, compound=compound, kind=VoteKind.COMMON_USE, motion=TAPO_MOTION,
        opens_at=_at(2026, 10, 8, 9), closes_at=_at(2026, 10, 31, 18),
    )
    _cast(vote, households, share_voting=0.45, share_agreeing=0.9, rng=random.Random(279),
          during=_at(2026, 10, 15, 19))
    result = services.owner_vote_result(vote=vote)
    log(f"owner votes: 塔坡新村 {vote.get_kind_display()} — "
        f"{'quorum met' if result.quorum_met else 'no quorum'}")


def seed_owner_votes(log):
    _seed_linyuan(log)
    _seed_tapo(log)
