"""/api/v1/owner-votes/: votes of the user's area, their ballots and their count."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from communities.api import ScopedQuerysetMixin
from communities.models import Compound, Household
from properties.api import RolePermissions, ScopedPrimaryKeyRelatedField

from . import services
from .models import Ballot, BallotChoice, OwnerVote, VoteKind


class OwnerVoteSerializer(serializers.ModelSerializer):
    compound = ScopedPrimaryKeyRelatedField(queryset=Compound.objects.all())
    kind = serializers.ChoiceField(choices=VoteKind.choices)

    class Meta:
        model = OwnerVote
        fields = ["id", "compound", "kind", "motion", "opens_at", "closes_at", "contract",
                  "created_at"]
        read_only_fields = ["contract", "created_at"]


class BallotSerializer(serializers.ModelSerializer):
    household = ScopedPrimaryKeyRelatedField(queryset=Household.objects.all())
    choice = serializers.ChoiceField(choices=BallotChoice.choices)
    ballot_no = serializers.CharField(max_length=30, allow_blank=False)

    class Meta:
        model = Ballot
        fields = ["id", "vote", "household", "choice", "ballot_no", "channel", "cast_at",
                  "changed_at"]
        read_only_fields = ["vote", "channel", "cast_at", "changed_at"]


class VoteResultSerializer(serializers.Serializer):
    total_area = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_owners = serializers.IntegerField()
    participating_area = serializers.DecimalField(max_digits=14, decimal_places=2)
    participating_owners = serializers.IntegerField()
    agreeing_area = serializers.DecimalField(max_digits=14, decimal_places=2)
    agreeing_owners = serializers.IntegerField()
    quorum_area_met = serializers.BooleanField()
    quorum_owners_met = serializers.BooleanField()
    quorum_met = serializers.BooleanField()
    agreement_area_met = serializers.BooleanField()
    agreement_owners_met = serializers.BooleanField()
    passed = serializers.BooleanField()


class OwnerVoteViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Owners' votes of the user's area. Community staff open a vote for a compound of
    their community (POST), enter paper ballots (POST .../ballots/); anyone who reads the
    vote reads its count (GET .../result/)."""

    queryset = OwnerVote.objects.select_related("compound").order_by("-opens_at", "-id")
    serializer_class = OwnerVoteSerializer
    permission_classes = [permissions.IsAuthenticated, RolePermissions]
    filterset_fields = ["compound", "kind"]

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        vote = services.owner_vote_create(
            actor=request.user, compound=data["compound"], kind=data["kind"],
            motion=data["motion"], opens_at=data["opens_at"], closes_at=data["closes_at"],
        )
        return Response(self.get_serializer(vote).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BallotSerializer, responses={201: BallotSerializer},
                   summary="Enter (or correct) a unit's paper ballot")
    @action(detail=True, methods=["post"], serializer_class=BallotSerializer)
    def ballots(self, request, pk=None):
        vote = self.get_object()  # scoped: out of the area is a 404
        if not request.user.has_perm("properties.add_ballot"):
            raise PermissionDenied(_("You may not enter ballots."))
        body = BallotSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        ballot = services.ballot_enter_paper(
            actor=request.user, vote=vote, household=data["household"],
            choice=data["choice"], ballot_no=data["ballot_no"],
        )
        return Response(BallotSerializer(ballot, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: VoteResultSerializer},
                   summary="The count: participation and agreement by area and by head")
    @action(detail=True, methods=["get"], serializer_class=VoteResultSerializer)
    def result(self, request, pk=None):
        count = services.owner_vote_result(vote=self.get_object())
        return Response(VoteResultSerializer(count).data)


def register(router):
    router.register("owner-votes", OwnerVoteViewSet)
