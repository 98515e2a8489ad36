"""seed_demo loads the article's firms, contracts with mode history, twelve months of fees
(林园小区: under 40% collected before the trusteeship, over 90% after), disclosures with
gaps, inspections, committees and renovation projects; and a demo firm login."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from communities.access.scoping import scope_queryset
from communities.models import Compound, ManagementMode
from properties import selectors
from properties.credit_code import is_valid_credit_code
from properties.models import (
    FeeBill,
    Inspection,
    Payment,
    PropertyFirm,
    RenovationProject,
    ServiceContract,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_seed_demo_properties(settings, capsys):
    call_command("seed_demo", stdout=io.StringIO())

    chengxin = PropertyFirm.objects.get(name="城鑫城市综合服务有限责任公司")
    assert chengxin.ownership == "state_owned" and chengxin.red_standing == "participating"
    assert all(is_valid_credit_code(code)
               for code in PropertyFirm.objects.values_list("credit_code", flat=True))

    linyuan = Compound.objects.get(name="林园小区")
    history = list(ServiceContract.objects.filter(compound=linyuan).order_by("start_date")
                   .values_list("mode", "firm__name", "start_date", "end_date", "status"))
    assert history == [
        ("none", None, D(2023, 1, 1), D(2026, 3, 31), "ended"),
        ("public_trusteeship", "城鑫城市综合服务有限责任公司", D(2026, 4, 1), None, "active"),
    ]
    for name in ("铁诺佳苑", "咸丰苑"):
        modes = list(ServiceContract.objects.filter(compound__name=name)
                     .order_by("start_date").values_list("mode", "end_date", "status"))
        assert modes[-2:] == [("market", D(2026, 2, 28), "ended"), ("co_building", None, "active")]

    # Every compound's mode is its active contract's; firm modes have a firm.
    for compound in Compound.objects.all():
        active = ServiceContract.objects.filter(compound=compound, status="active").first()
        if compound.management_mode == ManagementMode.NONE:
            assert active is None, compound.name
            continue
        assert active is not None and active.mode == compound.management_mode, compound.name
        assert (active.firm_id is None) == (active.mode == "community_led"), compound.name

    # 林园小区's collection: under 40% each month before, over 90% each month after.
    rates = selectors.fee_collection_by_month(start=D(2025, 12, 1), end=D(2026, 11, 30),
                                              compound_ids=[linyuan.pk])
    assert len(rates) == 12
    for (_compound, month), figures in rates.items():
        rate = figures["paid"] / figures["payable"]
        if month < D(2026, 4, 1):
            assert rate < 0.4, (month, rate)
        else:
            assert rate > 0.9, (month, rate)
    # Bills are floor area × fee standard (0.60 yuan/m²/month under the trusteeship).
    bill = FeeBill.objects.filter(compound=linyuan, period_start=D(2026, 5, 1)).select_related(
        "household").first()
    assert bill.amount_due == (bill.household.floor_area * Decimal("0.60")).quantize(
        Decimal("0.01"))
    assert Payment.objects.filter(firm=chengxin).exists()

    # Disclosures: some compounds miss items.
    board = selectors.notice_board(compound=Compound.objects.get(name="天安小区"))
    assert [v for v, _ in board["missing"]] == ["fee_standards"]
    assert [v for v, _ in board["expired"]] == ["service_standards"]
    assert selectors.notice_board(compound=linyuan)["complete"]

    assert Inspection.objects.filter(compound=linyuan).exists()
    assert RenovationProject.objects.filter(compound__is_old_compound=True).count() >= 7
    assert Compound.objects.get(name="铁诺佳苑").has_owners_organisation
    assert not Compound.objects.get(name="七一路小区").has_owners_organisation

    counts = (FeeBill.objects.count(), Payment.objects.count(), ServiceContract.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (FeeBill.objects.count(), Payment.objects.count(),
            ServiceContract.objects.count()) == counts

    settings.DEBUG = True
    call_command("create_demo_users")
    assert "demo_firm" in capsys.readouterr().out
    demo_firm = get_user_model().objects.get(username="demo_firm")
    assert list(scope_queryset(Compound.objects.all(), demo_firm)) == [linyuan]
