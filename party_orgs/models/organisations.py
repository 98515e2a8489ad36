"""Party organisations as a tree (materialised path) and their members."""


from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.access.lookups import lookups_via
from core.validators import validate_phone
from properties.models import ServiceContract

# ---------------------------------------------------------------------------
# Scope of Party organisations: through their community; a property firm's organisation
# (which has no community) through the compounds the firm serves under an active contract.
# ---------------------------------------------------------------------------

_COMMUNITY_PATHS = lookups_via(community="community")


def _org_scope(prefix: str = ""):
    """scope_lookups for PartyOrganization (prefix "") or a model hanging off one
    (prefix "organization__")."""

    def level_q(level):
        community_path = _COMMUNITY_PATHS[level]
        contract_path = f"compound__{community_path}"

        def q(scope) -> Q:
            firms = ServiceContract.objects.active().filter(
                **{contract_path: scope.node_id}
            ).values("firm_id")
            return Q(**{f"{prefix}{community_path}": scope.node_id}) | Q(
                **{f"{prefix}firm__in": firms}
            )

        return q

    def grid_q(scope) -> Q:
        return Q(**{f"{prefix}grid": scope.node_id})

    lookups = {level: level_q(level) for level in _COMMUNITY_PATHS}
    lookups["grid"] = grid_q
    lookups["firm"] = f"{prefix}firm"
    return lookups


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General Party branch")
    BRANCH = "branch", _("Party branch")
    GROUP = "group", _("Party group")


class OrgUnitType(models.TextChoices):
    COMMUNITY = "community", _("Community")
    COMPOUND = "compound", _("Residential compound")
    GRID = "grid", _("Grid")
    BUILDING = "building", _("Building")
    FIRM = "firm", _("Property firm")
    RESIDENT_UNIT = "resident_unit", _("Resident unit")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")


# The link each unit type needs (besides the community every non-firm organisation has).
UNIT_LINK = {
    OrgUnitType.COMPOUND: "compound",
    OrgUnitType.GRID: "grid",
    OrgUnitType.BUILDING: "building",
    OrgUnitType.FIRM: "firm",
    OrgUnitType.OWNERS_COMMITTEE: "compound",
    OrgUnitType.RESIDENT_UNIT: "unit_name",
}
PATH_STEP = 8  # digits per level of the materialised path


class PartyOrganization(models.Model):
    """A node of the Party organisation tree.

    ``path`` is the materialised path of ids ("00000001.00000004"), so a subtree is one
    ``path__startswith`` query. Firm organisations have no community; every other one
    keeps its community (derived from its unit), which is also how it is scoped.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    unit_type = models.CharField(_("located in"), max_length=20, choices=OrgUnitType.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent organisation"),
    )
    path = models.CharField(_("tree path"), max_length=255, editable=False, db_index=True,
                            default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)
    community = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, null=True, blank=True,
        related_name="party_organisations", verbose_name=_("community"),
    )
    compound = models.ForeignKey(
        "communities.Compound", on_delete=models.PROTECT, null=True, blank=True,
        related_name="party_organisations", verbose_name=_("compound"),
    )
    grid = models.ForeignKey(
        "communities.Grid", on_delete=models.PROTECT, null=True, blank=True,
        related_name="party_organisations", verbose_name=_("grid"),
    )
    building = models.ForeignKey(
        "communities.Building", on_delete=models.PROTECT, null=True, blank=True,
        related_name="party_organisations", verbose_name=_("building"),
    )
    firm = models.ForeignKey(
        "properties.PropertyFirm", on_delete=models.PROTECT, null=True, blank=True,
        related_name="party_organisations", verbose_name=_("property firm"),
    )
    unit_name = models.CharField(
        _("resident unit"), max_length=100, blank=True,
        help_text=_("Name of the resident unit (驻区单位), for its organisation."),
    )
    secretary_name = models.CharField(_("secretary / leader"), max_length=50, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    scope_lookups = _org_scope()

    class Meta:
        verbose_name = _("Party organisation")
        verbose_name_plural = _("Party organisations")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="party_org_name_unique_under_parent",
                violation_error_message=_(
                    "An organisation with this name already exists under the same parent."
                ),
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True),
                name="party_org_root_name_unique",
                violation_error_message=_("A top-level organisation with this name exists."),
            ),
            models.CheckConstraint(
                condition=Q(unit_type="firm", firm__isnull=False)
                | (~Q(unit_type="firm") & Q(community__isnull=False)),
                name="party_org_has_its_unit",
                violation_error_message=_(
                    "A firm's organisation needs the firm; every other one its community."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        link = UNIT_LINK.get(self.unit_type)
        if link and not (getattr(self, f"{link}_id", None) if link != "unit_name"
                         else self.unit_name):
            errors[link] = _("Choose the unit the organisation sits in.")
        # Derive the community from the unit, and refuse a unit of another community.
        derived = None
        if self.building_id:
            derived = self.building.compound.community_id
        elif self.grid_id:
            derived = self.grid.community_id
        elif self.compound_id:
            derived = self.compound.community_id
        if derived is not None:
            if self.community_id and self.community_id != derived:
                errors["community"] = _("The unit lies in another community.")
            else:
                self.community_id = derived
        if self.unit_type != OrgUnitType.FIRM and not self.community_id:
            errors.setdefault("community", _("Choose the community."))
        if self.parent_id:
            if self.pk and (self.parent_id == self.pk or self.parent.path.startswith(
                    f"{self.path}.") or self.parent.path == self.path):
                errors["parent"] = _("An organisation cannot sit under itself.")
            elif (
                self.unit_type != OrgUnitType.FIRM
                and self.parent.community_id
                and self.parent.community_id != self.community_id
            ):
                errors["parent"] = _("The parent organisation is in another community.")
        if errors:
            raise ValidationError(errors)

    def subtree_q(self) -> Q:
        return Q(path=self.path) | Q(path__startswith=f"{self.path}.")


class MemberRole(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy", _("Deputy secretary")
    GROUP_LEADER = "group_leader", _("Group leader")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    MEMBER = "member", _("Member")


class PartyMember(models.Model):
    organization = models.ForeignKey(
        PartyOrganization, on_delete=models.PROTECT, related_name="members",
        verbose_name=_("Party organisation"),
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices,
                            default=MemberRole.MEMBER)
    joined_on = models.DateField(_("joined the Party on"), null=True, blank=True)
    is_central_household = models.BooleanField(
        _("Party-member central household"), default=False,
        help_text=_("党员中心户: looks after the households of a building."),
    )
    households = models.ManyToManyField(
        "communities.Household", blank=True, related_name="central_household_members",
        verbose_name=_("households looked after"),
    )
    model_post = models.CharField(
        _("model post"), max_length=100, blank=True,
        help_text=_("党员示范岗: the post, e.g. the firm's service window."),
    )
    shows_identity = models.BooleanField(_("shows Party identity"), default=False)
    public_commitment = models.TextField(_("public commitment"), blank=True)

    scope_lookups = _org_scope("organization__")

    class Meta:
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        ordering = ["organization__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name", "phone"], name="party_member_unique_in_org",
                violation_error_message=_("This member is already in the organisation."),
            )
        ]

    def __str__(self):
        return self.name
