"""Funds cannot be overspent: sequentially, through the page and the API, and with two
spends at once (PostgreSQL, row lock on the allocation)."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from communities.models import StaffRole
from core.errors import ApplicationError
from party_orgs import services
from party_orgs.models import FundKind, FundSpending
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def allocation(world):
    return services.fund_allocation_create(
        community=world.communities["A1a-c"], year=2026, kind=FundKind.SERVICE,
        amount=Decimal("1000.00"),
    )


def test_spending_up_to_the_allocation_and_not_a_cent_more(world, allocation):
    user = world.users["community_staff"]
    services.fund_spend(actor=user, allocation=allocation, amount=Decimal("600"),
                        spent_on=date(2026, 3, 1), purpose="会客厅桌椅")
    services.fund_spend(actor=user, allocation=allocation, amount=Decimal("400"),
                        spent_on=date(2026, 3, 2), purpose="助餐")
    with pytest.raises(ApplicationError) as refused:
        services.fund_spend(actor=user, allocation=allocation, amount=Decimal("0.01"),
                            spent_on=date(2026, 3, 3), purpose="超支")
    assert refused.value.code == "overspent"
    assert "剩余0.00元" in refused.value.message
    assert FundSpending.objects.count() == 2


def test_spending_outside_the_year_or_scope_is_refused(world, allocation):
    with pytest.raises(ApplicationError):
        services.fund_spend(actor=world.users["community_staff"], allocation=allocation,
                            amount=Decimal("1"), spent_on=date(2025, 12, 31), purpose="x")

    other = staff_user("community_b", StaffRole.COMMUNITY_STAFF, world.communities["B1a-c"])
    with pytest.raises(ApplicationError):
        services.fund_spend(actor=other, allocation=allocation, amount=Decimal("1"),
                            spent_on=date(2026, 1, 5), purpose="x")
    assert not FundSpending.objects.exists()


def test_overspend_on_the_page_is_a_chinese_error_and_saves_nothing(client, world, allocation):
    client.force_login(world.users["community_staff"])
    response = client.post(reverse("party-funds"), {
        "allocation": allocation.pk, "spent_on": "2026-05-01", "amount": "1000.01",
        "purpose": "超支",
    })
    assert response.status_code == 400
    assert "超出经费余额" in response.content.decode()
    assert not FundSpending.objects.exists()
    response = client.post(reverse("party-funds"), {
        "allocation": allocation.pk, "spent_on": "2026-05-01", "amount": "abc", "purpose": "",
    })
    assert response.status_code == 400 and not FundSpending.objects.exists()


def test_overspend_through_the_api_is_a_structured_400(client, world, allocation):
    client.force_login(world.users["community_staff"])
    ok = client.post("/api/v1/fund-spendings/", {
        "allocation": allocation.pk, "spent_on": "2026-05-01", "amount": "999.99",
        "purpose": "设施",
    }, content_type="application/json")
    assert ok.status_code == 201
    refused = client.post("/api/v1/fund-spendings/", {
        "allocation": allocation.pk, "spent_on": "2026-05-02", "amount": "0.02",
        "purpose": "超支",
    }, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "overspent"
    client.force_login(world.users["street_staff"])
    denied = client.post("/api/v1/fund-spendings/", {
        "allocation": allocation.pk, "spent_on": "2026-05-02", "amount": "0.01",
        "purpose": "x",
    }, content_type="application/json")
    assert denied.status_code == 403
    listed = client.get("/api/v1/fund-allocations/").json()["results"]
    assert listed[0]["spent"] == "999.99"


@pytest.mark.django_db(transaction=True)
def test_two_spends_at_once_cannot_both_pass(postgres, world):
    allocation = services.fund_allocation_create(
        community=world.communities["A1a-c"], year=2026, kind=FundKind.OFFICE,
        amount=Decimal("1000.00"),
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def spend():
        try:
            barrier.wait(timeout=10)
            services.fund_spend(allocation=allocation, amount=Decimal("700"),
                                spent_on=date(2026, 6, 1), purpose="并发")
            outcomes.append("ok")
        except ApplicationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=spend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ok", "overspent"]
    assert FundSpending.objects.filter(allocation=allocation).count() == 1
