"""An owners' vote of one compound on one matter, and one ballot per household unit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.access.lookups import lookups_via, served_by_firm


class VoteKind(models.TextChoices):
    """The matters of Civil Code art. 278 (1)–(9)."""

    RULES = "rules", _("Rules of procedure of the owners' assembly")
    STATUTE = "statute", _("Management statute")
    COMMITTEE = "committee", _("Electing or replacing the owners' committee")
    FIRM = "firm", _("Selecting or dismissing the property firm or manager")
    FUND_USE = "fund_use", _("Using the maintenance fund")
    FUND_RAISE = "fund_raise", _("Raising the maintenance fund")
    REBUILD = "rebuild", _("Rebuilding the buildings or their ancillary facilities")
    COMMON_USE = "common_use", _("Changing the use of common parts or running a business on them")
    OTHER = "other", _("Other major matters")


# Art. 278 (6)–(8): three-quarters majorities; every other matter: more than half.
QUALIFIED_KINDS = frozenset({VoteKind.FUND_RAISE, VoteKind.REBUILD, VoteKind.COMMON_USE})


class BallotChoice(models.TextChoices):
    AGREE = "agree", _("Agree")
    DISAGREE = "disagree", _("Disagree")
    ABSTAIN = "abstain", _("Abstain")


class BallotChannel(models.TextChoices):
    PAPER = "paper", _("Paper ballot entered by staff")
    ONLINE = "online", _("Cast online by the owner")


class OwnerVote(models.Model):
    compound = models.ForeignKey(
        "communities.Compound", on_delete=models.PROTECT, related_name="owner_votes",
        verbose_name=_("compound"),
    )
    kind = models.CharField(_("matter"), max_length=16, choices=VoteKind.choices)
    motion = models.TextField(_("motion"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    contract = models.ForeignKey(
        "properties.ServiceContract", on_delete=models.PROTECT, null=True, blank=True,
        related_name="owner_votes", verbose_name=_("contract that followed"),
        help_text=_("The service contract signed after a passed vote selecting the firm."),
    )

    scope_lookups = {**lookups_via(compound="compound"), "firm": served_by_firm("compound__")}

    class Meta:
        verbose_name = _("owners' vote")
        verbose_name_plural = _("owners' votes")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="owner_vote_closes_after_opening",
                violation_error_message=_("A vote must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(contract__isnull=True) | Q(kind="firm"),
                name="owner_vote_contract_only_for_firm",
                violation_error_message=_(
                    "Only a vote selecting the property firm is followed by a contract."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.compound} · {self.get_kind_display()} · {self.opens_at:%Y-%m-%d}"

    def is_open_at(self, moment) -> bool:
        return self.opens_at <= moment < self.closes_at

    def is_closed_at(self, moment) -> bool:
        return moment >= self.closes_at


class Ballot(models.Model):
    vote = models.ForeignKey(
        OwnerVote, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("vote"),
    )
    household = models.ForeignKey(
        "communities.Household", on_delete=models.PROTECT, related_name="ballots",
        verbose_name=_("household unit"),
    )
    choice = models.CharField(_("choice"), max_length=10, choices=BallotChoice.choices)
    ballot_no = models.CharField(_("ballot number"), max_length=30, blank=True)
    channel = models.CharField(_("cast"), max_length=10, choices=BallotChannel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("entered by"),
    )
    cast_at = models.DateTimeField(_("first cast at"))
    changed_at = models.DateTimeField(_("last changed at"))

    # No "firm" level: a firm whose selection or dismissal is being voted on never sees
    # how each unit voted (the result on the notice board is public).
    scope_lookups = lookups_via(compound="vote__compound")

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["vote", "household__building__name", "household__unit", "household__room"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "household"], name="ballot_one_per_unit_per_vote",
                violation_error_message=_("This unit has already voted on this matter."),
            ),
            models.CheckConstraint(
                condition=~Q(channel="paper") | ~Q(ballot_no=""),
                name="ballot_paper_has_number",
                violation_error_message=_("A paper ballot needs its ballot number."),
            ),
        ]

    def __str__(self):
        return f"{self.household} · {self.get_choice_display()}"
