"""Retention of residents' personal data (issue 15, item 4; PIPL: the shortest period
necessary).

The policy is ``settings.RETENTION_POLICY`` (days; documented there). Each app registers
its rules here from its own ``retention.py`` (``register``): what is due on a day, and how
to anonymise a batch of due records. ``apply_retention`` — run nightly by the beat task
``communities.tasks.apply_retention`` and by ``python manage.py apply_retention`` — blanks
the personal fields (names, phones, and runs of 7 or more digits in free text) of every
due record, batch by batch, each batch in one transaction with one audit event. Records
are kept: nothing a metric counts (statuses, times, amounts, answers) is touched.

This app's own rules: households whose owner left (``Household.left_on``) and vulnerable
residents who left (``VulnerableResident.left_on``), after the grace period.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from communities import audit
from communities.access.scoping import is_in_scope
from communities.models import AuditAction, Household, VulnerableResident
from core.errors import ApplicationError
from core.services import save_validated
from core.timeutils import local_today

# What a required name or address becomes (an empty optional field stays empty).
ANONYMISED = "—"
LONG_DIGIT_RUN = re.compile(r"\d{7,}")

DEFAULT_POLICY = {
    "complaints_withdrawn_or_rejected_days": 365,
    "complaints_other_days": 5 * 365,
    "households_after_leaving_days": 30,
    "vulnerable_residents_after_leaving_days": 30,
}


def policy() -> dict:
    """The policy in force: ``settings.RETENTION_POLICY`` over the defaults."""
    return {**DEFAULT_POLICY, **(getattr(settings, "RETENTION_POLICY", {}) or {})}


def scrub_digits(text: str) -> str:
    """Replace every run of 7 or more digits (a phone number, an ID number) by asterisks."""
    return LONG_DIGIT_RUN.sub(lambda m: "*" * len(m.group(0)), text or "")


@dataclass(frozen=True)
class RetentionRule:
    name: str
    label: object
    model_label: str
    period_key: str
    # today → the records due (not yet anonymised)
    due: Callable[[date], QuerySet]
    # a list of primary keys → how many were anonymised
    anonymise: Callable[[list], int]

    @property
    def days(self) -> int:
        return int(policy()[self.period_key])


_RULES: dict[str, RetentionRule] = {}


def register(rule: RetentionRule) -> None:
    _RULES[rule.name] = rule


def rules() -> list[RetentionRule]:
    return list(_RULES.values())


# ---------------------------------------------------------------------------
# Households and vulnerable residents
# ---------------------------------------------------------------------------


def _households_due(today: date) -> QuerySet:
    cutoff = today - timedelta(days=int(policy()["households_after_leaving_days"]))
    return Household.objects.filter(left_on__lt=cutoff).filter(
        ~Q(owner_name=ANONYMISED) | ~Q(phone="")
    )


def _households_anonymise(ids) -> int:
    return Household.objects.filter(pk__in=ids).update(owner_name=ANONYMISED, phone="")


def _vulnerable_due(today: date) -> QuerySet:
    cutoff = today - timedelta(days=int(policy()["vulnerable_residents_after_leaving_days"]))
    return VulnerableResident.objects.filter(left_on__lt=cutoff).filter(
        ~Q(name=ANONYMISED) | ~Q(phone="") | ~Q(address=ANONYMISED)
    )


def _vulnerable_anonymise(ids) -> int:
    residents = list(VulnerableResident.objects.filter(pk__in=ids).only("pk", "note"))
    for resident in residents:
        resident.name = ANONYMISED
        resident.phone = ""
        resident.address = ANONYMISED
        resident.note = scrub_digits(resident.note)
    VulnerableResident.objects.bulk_update(residents, ["name", "phone", "address", "note"])
    return len(residents)


register(RetentionRule(
    name="households_left", label=_("Households whose owner left"),
    model_label="communities.household", period_key="households_after_leaving_days",
    due=_households_due, anonymise=_households_anonymise,
))
register(RetentionRule(
    name="vulnerable_residents_left", label=_("Vulnerable residents who left"),
    model_label="communities.vulnerableresident",
    period_key="vulnerable_residents_after_leaving_days",
    due=_vulnerable_due, anonymise=_vulnerable_anonymise,
))


# ---------------------------------------------------------------------------
# Applying the policy
# ---------------------------------------------------------------------------


def due_counts(*, today: date | None = None) -> list[tuple[RetentionRule, int]]:
    """Each rule with the number of records due now (what the administrators' page shows)."""
    today = today or local_today()
    return [(rule, rule.due(today).count()) for rule in rules()]


def apply_retention(*, dry_run: bool = False, today: date | None = None, batch: int = 500,
                    actor=None) -> dict[str, int]:
    """Anonymise every due record; {rule name: how many}. ``dry_run`` only counts."""
    today = today or local_today()
    done: dict[str, int] = {}
    for rule in rules():
        if dry_run:
            done[rule.name] = rule.due(today).count()
            continue
        done[rule.name] = 0
        while True:
            count = _apply_batch(rule, today=today, batch=batch, actor=actor)
            done[rule.name] += count
            if count < batch:
                break
    return done


@transaction.atomic
def _apply_batch(rule: RetentionRule, *, today: date, batch: int, actor) -> int:
    ids = list(rule.due(today).order_by("pk").values_list("pk", flat=True)[:batch])
    if not ids:
        return 0
    count = rule.anonymise(ids)
    audit.record(
        action=AuditAction.RETENTION_APPLIED, actor=actor, object_type=rule.model_label,
        changes={"rule": rule.name, "rows": count, "first_id": ids[0], "last_id": ids[-1],
                 "kept_days": rule.days, "as_of": today},
    )
    return count


def _require_in_scope(actor, obj) -> None:
    if actor is not None and not is_in_scope(actor, obj):
        raise ApplicationError(_("No such record in your area."), code="not_found",
                               status_code=404)


@transaction.atomic
def household_record_leaving(*, actor, household: Household, left_on: date) -> Household:
    """The registered owner moved out or sold: their name and phone are kept only for the
    grace period from ``left_on``."""
    _require_in_scope(actor, household)
    if left_on > local_today():
        raise ApplicationError(_("The day of leaving cannot be in the future."),
                               code="future_date", fields=("left_on",))
    old = household.left_on
    household.left_on = left_on
    save_validated(household, update_fields=["left_on"])
    audit.record(action=AuditAction.RESIDENT_LEFT, obj=household, actor=actor,
                 changes={"left_on": [old, left_on]})
    return household


@transaction.atomic
def vulnerable_resident_record_leaving(*, actor, resident: VulnerableResident,
                                       left_on: date) -> VulnerableResident:
    """The resident moved away or is no longer in need: no patrols after ``left_on``, and
    their name, phone and address are kept only for the grace period."""
    _require_in_scope(actor, resident)
    if left_on > local_today():
        raise ApplicationError(_("The day of leaving cannot be in the future."),
                               code="future_date", fields=("left_on",))
    if left_on < resident.registered_on:
        raise ApplicationError(_("The day of leaving cannot be before registration."),
                               code="before_registration", fields=("left_on",))
    old = resident.left_on
    resident.left_on = left_on
    save_validated(resident, update_fields=["left_on"])
    audit.record(action=AuditAction.RESIDENT_LEFT, obj=resident, actor=actor,
                 changes={"left_on": [old, left_on]})
    return resident
