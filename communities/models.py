"""The governance hierarchy: city → district → street → community → compound →
building → household, the grids laid over a community, and staff assignments.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .scoping import lookups_via
from .validators import validate_phone


class ManagementMode(models.TextChoices):
    COMMUNITY_LED = "community_led", _("Community-led")
    PUBLIC_TRUSTEESHIP = "public_trusteeship", _("Public-welfare trusteeship")
    CO_BUILDING = "co_building", _("Integrated co-building")
    MARKET = "market", _("Market property management")
    NONE = "none", _("No property management")


# Modes that are part of the Red Property scheme (the three paths of the seed article).
RED_PROPERTY_MODES = (
    ManagementMode.COMMUNITY_LED,
    ManagementMode.PUBLIC_TRUSTEESHIP,
    ManagementMode.CO_BUILDING,
)
# Modes in which no professional property firm serves the compound.
NO_FIRM_MODES = (ManagementMode.COMMUNITY_LED, ManagementMode.NONE)


class GridDutyType(models.TextChoices):
    PARTY_BUILDING = "party_building", _("Party building")
    POLITICAL_LEGAL = "political_legal", _("Political-legal and comprehensive governance")
    PUBLIC_SECURITY = "public_security", _("Public security")
    PETITIONS = "petitions", _("Petitions and visits")
    EMERGENCY = "emergency", _("Emergency management")
    URBAN_MANAGEMENT = "urban_management", _("Urban management")


def served_by_firm(path_to_compound: str):
    """Scope filter for firm staff: compounds under an active contract with their firm.

    The contracts live in ``properties``; they are reached by the reverse relation
    name only, so this app does not import that one."""

    def firm_q(scope) -> Q:
        return Q(**{
            f"{path_to_compound}service_contracts__firm": scope.node_id,
            f"{path_to_compound}service_contracts__status": "active",
        })

    return firm_q


class City(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.CharField(
        _("administrative code"), max_length=12, blank=True,
        help_text=_("Six-digit administrative division code, e.g. 610200."),
    )

    scope_lookups = {"city": "pk"}

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class District(models.Model):
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="districts", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=50)

    scope_lookups = {"city": "city", "district": "pk"}

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["city__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "name"],
                name="district_name_unique_in_city",
                violation_error_message=_("A district with this name already exists in the city."),
            )
        ]

    def __str__(self):
        return self.name


class Street(models.Model):
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="streets", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=50)

    scope_lookups = {"city": "district__city", "district": "district", "street": "pk"}

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["district__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"],
                name="street_name_unique_in_district",
                violation_error_message=_(
                    "A street with this name already exists in the district."
                ),
            )
        ]

    def __str__(self):
        return self.name


class Community(models.Model):
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("street")
    )
    name = models.CharField(_("name"), max_length=50)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("office phone"), max_length=20, blank=True,
                             validators=[validate_phone])

    scope_lookups = {
        "city": "street__district__city",
        "district": "street__district",
        "street": "street",
        "community": "pk",
    }

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["street__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "name"],
                name="community_name_unique_in_street",
                violation_error_message=_(
                    "A community with this name already exists in the street."
                ),
            )
        ]

    def __str__(self):
        return self.name


class Compound(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="compounds", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=80)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=80, blank=True, editable=False, db_index=True,
        help_text=_("Filled automatically from the name, e.g. lyxq for 林园小区."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    management_mode = models.CharField(
        _("management mode"), max_length=24, choices=ManagementMode.choices,
        default=ManagementMode.NONE, db_index=True,
    )
    declared_households = models.PositiveIntegerField(
        _("declared households"),
        help_text=_("Number of households as registered; the denominator of the complaint rate."),
    )
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    year_built = models.PositiveSmallIntegerField(
        _("year built"), null=True, blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    is_old_compound = models.BooleanField(
        _("old compound"), default=False,
        help_text=_("Listed for old-compound renovation (老旧小区)."),
    )
    competent_unit = models.CharField(
        _("competent unit"), max_length=100, blank=True,
        help_text=_("The work unit or department in charge of the compound, if any."),
    )
    has_owners_organisation = models.BooleanField(
        _("has owners' organisation"), default=False, editable=False,
        help_text=_("Kept by the owners' committee records; not typed in."),
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6,
                                   null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6,
                                    null=True, blank=True)

    scope_lookups = {
        **lookups_via(compound="", grid="buildings__grids"),
        "firm": served_by_firm(""),
    }

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["community__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="compound_name_unique_in_community",
                violation_error_message=_(
                    "A compound with this name already exists in the community."
                ),
            ),
            models.CheckConstraint(
                condition=Q(floor_area__gte=0),
                name="compound_floor_area_not_negative",
                violation_error_message=_("The floor area cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from .pinyin import name_initials

        self.name_initials = name_initials(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_initials"}
        super().save(*args, **kwargs)

    @property
    def is_three_no(self) -> bool:
        """三无小区: no property firm, no competent unit, no owners' organisation."""
        return (
            self.management_mode in NO_FIRM_MODES
            and not self.competent_unit
            and not self.has_owners_organisation
        )


class Building(models.Model):
    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("compound")
    )
    name = models.CharField(_("name"), max_length=30, help_text=_("e.g. 3号楼"))
    floors = models.PositiveSmallIntegerField(_("floors"), default=6,
                                              validators=[MinValueValidator(1)])
    units = models.PositiveSmallIntegerField(_("entrances (units)"), default=1,
                                             validators=[MinValueValidator(1)])

    scope_lookups = {
        **lookups_via(compound="compound", grid="grids"),
        "firm": served_by_firm("compound__"),
    }

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["compound__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "name"],
                name="building_name_unique_in_compound",
                violation_error_message=_(
                    "A building with this name already exists in the compound."
                ),
            )
        ]

    def __str__(self):
        return f"{self.compound.name} {self.name}"


class Household(models.Model):
    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="households", verbose_name=_("compound")
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="households", verbose_name=_("building")
    )
    unit = models.CharField(_("unit (entrance)"), max_length=10, blank=True)
    room = models.CharField(_("room"), max_length=10)
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=8, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    owner_name = models.CharField(_("owner name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])

    scope_lookups = {
        **lookups_via(compound="compound", grid="building__grids"),
        "firm": served_by_firm("compound__"),
    }

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building__name", "unit", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "room"],
                name="household_room_unique_in_building",
                violation_error_message=_(
                    "This room is already registered in the building."
                ),
            ),
            models.CheckConstraint(
                condition=Q(floor_area__gte=0),
                name="household_floor_area_not_negative",
                violation_error_message=_("The floor area cannot be negative."),
            ),
        ]
        permissions = [("view_pii", _("Can see residents' full phone numbers"))]

    def __str__(self):
        unit = f"{self.unit}单元" if self.unit else ""
        return f"{self.building} {unit}{self.room}"

    def clean(self):
        super().clean()
        if (
            self.building_id
            and self.compound_id
            and self.building.compound_id != self.compound_id
        ):
            raise ValidationError(
                    {"building": _("The building does not belong to the household's compound.")}
                )


class Grid(models.Model):
    """A community's grid (网格): one team covering some buildings, several duties in one."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="grids", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=50)
    duty_types = models.JSONField(
        _("duty types"), default=list, blank=True,
        help_text=_("Duties merged into this grid (多格合一)."),
    )
    buildings = models.ManyToManyField(
        Building, related_name="grids", blank=True, verbose_name=_("buildings")
    )

    scope_lookups = {**lookups_via(community="community"), "grid": "pk"}

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["community__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="grid_name_unique_in_community",
                violation_error_message=_("A grid with this name already exists in the community."),
            )
        ]

    def __str__(self):
        return f"{self.community.name} {self.name}"

    def clean(self):
        super().clean()
        valid = set(GridDutyType.values)
        if not isinstance(self.duty_types, list) or not set(self.duty_types) <= valid:
            raise ValidationError({"duty_types": _("Unknown grid duty type.")})
        if len(set(self.duty_types)) != len(self.duty_types):
            raise ValidationError({"duty_types": _("A duty type is listed twice.")})

    def get_duty_types_display(self) -> str:
        labels = dict(GridDutyType.choices)
        return "、".join(str(labels[code]) for code in self.duty_types if code in labels)


class GridWorkerRole(models.TextChoices):
    GRID_LEADER = "leader", _("Grid leader")
    FULL_TIME = "full_time", _("Full-time grid worker")
    PART_TIME = "part_time", _("Part-time grid worker")


class GridWorker(models.Model):
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, related_name="workers", verbose_name=_("grid")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="grid_worker", verbose_name=_("login account"),
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone])
    role = models.CharField(_("role"), max_length=12, choices=GridWorkerRole.choices,
                            default=GridWorkerRole.FULL_TIME)
    is_party_member = models.BooleanField(_("Party member"), default=False)

    scope_lookups = {**lookups_via(community="grid__community"), "grid": "grid"}

    class Meta:
        verbose_name = _("grid worker")
        verbose_name_plural = _("grid workers")
        ordering = ["grid__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "name"],
                name="grid_worker_name_unique_in_grid",
                violation_error_message=_("This person is already a worker of the grid."),
            )
        ]

    def __str__(self):
        return self.name


class StaffRole(models.TextChoices):
    CITY_OFFICIAL = "city_official", _("City official")
    DISTRICT_OFFICIAL = "district_official", _("District official")
    STREET_STAFF = "street_staff", _("Street staff")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    GRID_WORKER = "grid_worker", _("Grid worker")
    FIRM_STAFF = "firm_staff", _("Property-firm staff")


# The hierarchy node each role is tied to (the field of StaffAssignment that must be set).
ROLE_NODE_FIELD = {
    StaffRole.CITY_OFFICIAL: "city",
    StaffRole.DISTRICT_OFFICIAL: "district",
    StaffRole.STREET_STAFF: "street",
    StaffRole.COMMUNITY_STAFF: "community",
    StaffRole.GRID_WORKER: "grid",
    StaffRole.FIRM_STAFF: "firm",
}
NODE_FIELDS = ("city", "district", "street", "community", "grid", "firm")


def _only_node_set(field: str) -> Q:
    q = Q(**{f"{field}__isnull": False})
    for other in NODE_FIELDS:
        if other != field:
            q &= Q(**{f"{other}__isnull": True})
    return q


def _assignments_under(level: str, node_id: int) -> Q:
    """Assignments whose node lies in the subtree of a ``level`` node."""
    paths = {
        "city": ["city", "district__city", "street__district__city",
                 "community__street__district__city", "grid__community__street__district__city"],
        "district": ["district", "street__district", "community__street__district",
                     "grid__community__street__district"],
        "street": ["street", "community__street", "grid__community__street"],
        "community": ["community", "grid__community"],
    }[level]
    q = Q()
    for path in paths:
        q |= Q(**{path: node_id})
    return q


class StaffAssignment(models.Model):
    """Ties a login to one role and one node of the hierarchy (or one property firm)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True,
                             verbose_name=_("city"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 verbose_name=_("district"))
    street = models.ForeignKey(Street, on_delete=models.PROTECT, null=True, blank=True,
                               verbose_name=_("street"))
    community = models.ForeignKey(Community, on_delete=models.PROTECT, null=True, blank=True,
                                  verbose_name=_("community"))
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, null=True, blank=True,
                             verbose_name=_("grid"))
    firm = models.ForeignKey(
        "properties.PropertyFirm", on_delete=models.PROTECT, null=True, blank=True,
        verbose_name=_("property firm"),
    )
    title = models.CharField(_("job title"), max_length=50, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    scope_lookups = {
        "city": lambda s: _assignments_under("city", s.node_id),
        "district": lambda s: _assignments_under("district", s.node_id),
        "street": lambda s: _assignments_under("street", s.node_id),
        "community": lambda s: _assignments_under("community", s.node_id),
    }

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        ordering = ["user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(ended_at__isnull=True),
                name="one_active_assignment_per_user",
                violation_error_message=_("This user already has an active assignment."),
            ),
            models.CheckConstraint(
                condition=(
                    (Q(role=StaffRole.CITY_OFFICIAL) & _only_node_set("city"))
                    | (Q(role=StaffRole.DISTRICT_OFFICIAL) & _only_node_set("district"))
                    | (Q(role=StaffRole.STREET_STAFF) & _only_node_set("street"))
                    | (Q(role=StaffRole.COMMUNITY_STAFF) & _only_node_set("community"))
                    | (Q(role=StaffRole.GRID_WORKER) & _only_node_set("grid"))
                    | (Q(role=StaffRole.FIRM_STAFF) & _only_node_set("firm"))
                ),
                name="assignment_node_matches_role",
                violation_error_message=_(
                    "Choose exactly the unit that matches the role (and no other)."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.node}"

    @property
    def node(self):
        field = ROLE_NODE_FIELD.get(self.role)
        return getattr(self, field) if field else None
