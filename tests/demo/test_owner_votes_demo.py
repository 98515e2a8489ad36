"""The demo's owners' votes: 林园小区's 2026 vote bringing in the state-owned firm passed
and is linked to its contract; 塔坡新村's vote on common parts fails its quorum."""

import io

import pytest
from django.core.management import call_command

from properties.owner_votes import services
from properties.owner_votes.models import OwnerVote

pytestmark = pytest.mark.django_db


def test_seed_demo_owner_votes():
    call_command("seed_demo", stdout=io.StringIO())
    linyuan = OwnerVote.objects.get(compound__name="林园小区", kind="firm")
    result = services.owner_vote_result(vote=linyuan)
    assert result.quorum_met and result.passed
    assert linyuan.opens_at.year == 2026
    assert linyuan.contract.firm.name == "城鑫城市综合服务有限责任公司"
    assert linyuan.contract.firm.ownership == "state_owned"
    # Two owners with two flats each: four units, two heads.
    assert result.total_owners == linyuan.compound.households.count() - 2

    tapo = OwnerVote.objects.get(compound__name="塔坡新村", kind="common_use")
    result = services.owner_vote_result(vote=tapo)
    assert not result.quorum_met and not result.passed
    # The developer's twelve unsold flats are one owner.
    assert result.total_owners == tapo.compound.households.count() - 11

    # Idempotent.
    call_command("seed_demo", stdout=io.StringIO())
    assert OwnerVote.objects.count() == 2
