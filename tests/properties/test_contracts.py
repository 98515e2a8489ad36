"""Service contracts: one active per compound (under concurrency too), history kept, the
compound's mode follows the active contract."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connections, transaction
from django.urls import reverse

from communities.models import AuditAction, AuditEvent, Compound
from core.errors import ApplicationError, ConflictError
from properties import services
from properties.models import ServiceContract

pytestmark = pytest.mark.django_db

D = datetime.date


def test_start_ends_the_active_contract_and_keeps_it(fw):
    compound = fw.compounds["A1a-c-p"]
    new = services.contract_start(
        compound=compound, firm=fw.firms["乙"], mode="co_building", start_date=D(2026, 6, 1),
        fee_standard=Decimal("1.20"),
    )
    old = fw.contracts["A1a-c-p"]
    old.refresh_from_db()
    assert old.status == "ended" and old.end_date == D(2026, 5, 31)
    assert new.status == "active"
    compound.refresh_from_db()
    assert compound.management_mode == "co_building"
    history = list(
        ServiceContract.objects.filter(compound=compound).order_by("start_date")
        .values_list("mode", "status")
    )
    assert history == [("public_trusteeship", "ended"), ("co_building", "active")]


def test_end_without_successor_leaves_no_management(fw):
    contract = fw.contracts["B1a-c-p"]
    services.contract_end(contract=contract, end_date=D(2026, 10, 31))
    compound = Compound.objects.get(pk=fw.compounds["B1a-c-p"].pk)
    assert compound.management_mode == "none"
    with pytest.raises(ConflictError):
        services.contract_end(contract=contract, end_date=D(2026, 11, 30))


def test_new_contract_cannot_start_before_the_current_one(fw):
    with pytest.raises(ApplicationError):
        services.contract_start(
            compound=fw.compounds["A1a-c-p"], firm=fw.firms["乙"], mode="market",
            start_date=D(2025, 12, 31), fee_standard=Decimal("1"),
        )
    assert ServiceContract.objects.filter(compound=fw.compounds["A1a-c-p"]).count() == 1


def test_community_led_has_no_firm_and_firm_modes_need_one(fw):
    with pytest.raises(ApplicationError):
        services.contract_start(
            compound=fw.compounds["A2a-c-p"], firm=fw.firms["甲"], mode="community_led",
            start_date=D(2026, 1, 1), fee_standard=Decimal("0.3"),
        )
    with pytest.raises(Exception) as caught:
        services.contract_start(
            compound=fw.compounds["A2a-c-p"], firm=None, mode="market",
            start_date=D(2026, 1, 1), fee_standard=Decimal("1"),
        )
    assert "物业企业" in str(caught.value) or "property firm" in str(caught.value)
    assert not ServiceContract.objects.filter(compound=fw.compounds["A2a-c-p"]).exists()


def test_database_refuses_a_second_active_contract(fw):
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceContract.objects.create(
            compound=fw.compounds["A1a-c-p"], firm=fw.firms["乙"], mode="market",
            start_date=D(2026, 2, 1), fee_standard=Decimal("1"),
        )


def test_integrity_error_becomes_a_clear_conflict(fw, monkeypatch):
    """If the lock were bypassed, the constraint still holds and the user gets a 409."""
    class NoCurrent:
        def select_for_update(self):
            return self

        def filter(self, **kwargs):
            return ServiceContract.objects.none()

    monkeypatch.setattr(ServiceContract.objects, "active", lambda: NoCurrent())
    with pytest.raises(ConflictError) as caught:
        services.contract_start(
            compound=fw.compounds["A1a-c-p"], firm=fw.firms["乙"], mode="market",
            start_date=D(2026, 2, 1), fee_standard=Decimal("1"),
        )
    assert caught.value.status_code == 409
    monkeypatch.undo()
    assert ServiceContract.objects.filter(compound=fw.compounds["A1a-c-p"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_starts_leave_exactly_one_active_contract(postgres, fw):
    compound = fw.compounds["A2a-c-p"]
    barrier = threading.Barrier(2)
    outcomes = []

    def start(firm, mode, day):
        try:
            barrier.wait(timeout=10)
            contract = services.contract_start(
                compound=compound, firm=firm, mode=mode, start_date=D(2026, 3, day),
                fee_standard=Decimal("1.00"),
            )
            outcomes.append(("ok", contract.pk))
        except ApplicationError as exc:
            outcomes.append(("refused", exc.message))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=start, args=(fw.firms["甲"], "public_trusteeship", 1)),
        threading.Thread(target=start, args=(fw.firms["乙"], "market", 2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2
    active = list(ServiceContract.objects.active().filter(compound=compound))
    assert len(active) == 1
    compound.refresh_from_db()
    assert compound.management_mode == active[0].mode
    # The one that went second either replaced the first (ended, kept) or was refused.
    assert ServiceContract.objects.filter(compound=compound).count() == sum(
        1 for outcome, _ in outcomes if outcome == "ok"
    )


def test_admin_starts_a_contract_through_the_service(client, fw):
    client.force_login(fw.users["superuser"])
    response = client.post(reverse("admin:properties_servicecontract_add"), {
        "compound": fw.compounds["A1a-c-p"].pk, "firm": fw.firms["乙"].pk, "mode": "market",
        "start_date": "2026-07-01", "fee_standard": "1.10",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    compound = Compound.objects.get(pk=fw.compounds["A1a-c-p"].pk)
    assert compound.management_mode == "market"
    assert ServiceContract.objects.filter(compound=compound, status="ended").count() == 1


def test_admin_shows_refusal_on_the_form(client, fw):
    client.force_login(fw.users["superuser"])
    response = client.post(reverse("admin:properties_servicecontract_add"), {
        "compound": fw.compounds["A1a-c-p"].pk, "firm": fw.firms["乙"].pk, "mode": "market",
        "start_date": "2025-01-01", "fee_standard": "1.10",
    })
    assert response.status_code == 200
    assert "新合同" in response.content.decode() or "must start after" in (
        response.content.decode()
    )
    assert ServiceContract.objects.filter(compound=fw.compounds["A1a-c-p"]).count() == 1


def test_admin_ends_a_contract_by_setting_its_end_date(client, fw):
    contract = fw.contracts["B1a-c-p"]
    client.force_login(fw.users["superuser"])
    response = client.post(
        reverse("admin:properties_servicecontract_change", args=[contract.pk]),
        {"end_date": "2026-09-30"},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == "ended"
    assert Compound.objects.get(pk=contract.compound_id).management_mode == "none"


def test_starting_and_ending_contracts_is_audited(fw):
    """Who changed a compound's management, when, and to what: in the audit trail, with
    the compound's place (so a district official sees it)."""
    compound, actor = fw.compounds["A1a-c-p"], fw.users["district_official"]
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    new = services.contract_start(
        compound=compound, firm=fw.firms["乙"], mode="co_building", start_date=D(2026, 6, 1),
        fee_standard=Decimal("1.20"), actor=actor,
    )
    services.contract_end(contract=new, end_date=D(2026, 9, 30), actor=actor)
    events = list(AuditEvent.objects.filter(object_type="properties.servicecontract",
                                            pk__gt=before).order_by("pk"))
    assert [(e.action, e.object_id) for e in events] == [
        (AuditAction.CONTRACT_ENDED, str(fw.contracts["A1a-c-p"].pk)),
        (AuditAction.CONTRACT_STARTED, str(new.pk)),
        (AuditAction.CONTRACT_ENDED, str(new.pk)),
    ]
    assert all(e.actor == actor and e.compound_id == compound.pk
               and e.district_id == compound.community.street.district_id for e in events)
    assert events[1].changes["mode"] == [None, "co_building"]
    assert events[2].changes["end_date"] == [None, "2026-09-30"]
