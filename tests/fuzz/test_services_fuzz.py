"""The write services under arbitrary values: each either saves a valid row or refuses
with a message (ApplicationError / ValidationError) and saves nothing; never an
unhandled exception."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communities.models import Household
from communities.services import household_create
from complaints.models import Complaint
from complaints.services import complaint_create
from core.errors import ApplicationError
from properties.models import Payment
from properties.services import payment_record

from .strategies import any_text, phone_like

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
REFUSALS = (ApplicationError, ValidationError)

amounts = st.one_of(
    st.none(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2),
    st.sampled_from([Decimal("0"), Decimal("0.001"), Decimal("30.00"), Decimal("1e40")]),
)


def _refused_or_saved(call, model, before):
    """Run ``call`` in a savepoint (as a request would); returns the saved row or None."""
    try:
        with transaction.atomic():
            saved = call()
    except REFUSALS as refusal:
        message = getattr(refusal, "message", None) or getattr(refusal, "messages", None)
        assert message, "a refusal carries a message for the user"
        assert model.objects.count() == before
        return None
    assert model.objects.count() == before + 1
    return saved




@FUZZ
@given(description=any_text, name=any_text, phone=phone_like, address=any_text,
       ref=any_text)
def test_complaint_create(cw, description, name, phone, address, ref):
    before = Complaint.objects.count()
    saved = _refused_or_saved(lambda: complaint_create(
        compound=cw.compounds["A1a-c-p"], category=cw.categories["elevator"],
        description=description, reporter_name=name, reporter_phone=phone,
        address_string=address, external_ref=ref), Complaint, before)
    if saved is not None:
        saved.refresh_from_db()
        assert saved.description == description.strip() and saved.description


@FUZZ
@given(amount=amounts, receipt=any_text, channel=st.one_of(any_text, st.just("cash")),
       day=st.integers(min_value=-400, max_value=400))
def test_payment_record(bill, amount, receipt, channel, day):
    before = Payment.objects.count()
    paid_at = datetime.datetime(2026, 5, 5, 10, tzinfo=datetime.UTC) + datetime.timedelta(days=day)
    saved = _refused_or_saved(lambda: payment_record(
        bill=bill, amount=amount, paid_at=paid_at, channel=channel, receipt_no=receipt),
        Payment, before)
    if saved is not None:
        assert Decimal("0") < saved.amount <= Decimal("30.00")
        saved.delete()  # keep the bill payable for the next example


@FUZZ
@given(room=any_text, unit=any_text, owner=any_text, phone=phone_like, area=amounts)
def test_household_create(world, room, unit, owner, phone, area):
    before = Household.objects.count()
    _refused_or_saved(lambda: household_create(
        building=world.buildings["A1a-c-p-b1"], room=room, unit=unit, floor_area=area,
        owner_name=owner, phone=phone), Household, before)
