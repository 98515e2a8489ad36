"""Admin of owners' votes: votes are opened and linked to their contract through the
services; ballots are entered (or corrected) through the paper-ballot service and are
otherwise read-only."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from communities.access.admin import ScopedAdmin
from core.admin import ServiceAdmin

from . import services
from .models import Ballot, OwnerVote


@admin.register(OwnerVote)
class OwnerVoteAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["compound", "kind", "opens_at", "closes_at", "contract", "ledger"]
    list_filter = ["kind", "compound__community__street__district"]
    search_fields = ["compound__name", "motion"]
    list_select_related = ["compound", "contract__firm"]
    autocomplete_fields = ["compound"]
    fields = ["compound", "kind", "motion", "opens_at", "closes_at", "contract"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["contract"]
        return ["compound", "kind", "motion", "opens_at", "closes_at"]

    @admin.display(description=_("ledger"))
    def ledger(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("owner-vote-ledger", args=[obj.pk]),
                           _("Excel"))

    def check_input(self, request, data, obj):
        if obj is None:
            services.check_owner_vote(
                compound=data.get("compound"), kind=data.get("kind"),
                motion=data.get("motion"), opens_at=data.get("opens_at"),
                closes_at=data.get("closes_at"),
            )

    def write(self, request, form, obj):
        data = form.cleaned_data
        if obj is None:
            return services.owner_vote_create(
                actor=request.user, compound=data["compound"], kind=data["kind"],
                motion=data["motion"], opens_at=data["opens_at"], closes_at=data["closes_at"],
            )
        return services.owner_vote_link_contract(actor=request.user, vote=obj,
                                                 contract=data["contract"])


@admin.register(Ballot)
class BallotAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["vote", "household", "choice", "ballot_no", "channel", "changed_at"]
    list_filter = ["choice", "channel"]
    search_fields = ["vote__compound__name", "household__room", "ballot_no"]
    list_select_related = ["vote__compound", "household__building"]
    autocomplete_fields = ["household"]
    fields = ["vote", "household", "choice", "ballot_no", "channel", "recorded_by", "cast_at",
              "changed_at"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["channel", "recorded_by", "cast_at", "changed_at"]
        return fixed + (["vote", "household"] if obj else [])

    def write(self, request, form, obj):
        data = form.cleaned_data
        return services.ballot_enter_paper(
            actor=request.user, vote=obj.vote if obj else data["vote"],
            household=obj.household if obj else data["household"],
            choice=data["choice"], ballot_no=data["ballot_no"],
        )
