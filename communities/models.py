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


# ---------------------------------------------------------------------------
# Vulnerable residents and the grid patrols (一日两巡), service sites and their visits.
# ---------------------------------------------------------------------------

# Vulnerable residents are seen only by their grid and their community: officials of the
# street, district and city have no lookup, so they see none (in pages, API, admin, exports).
VULNERABLE_SCOPE = {"community": "grid__community", "grid": "grid"}


class VulnerableGroup(models.TextChoices):
    HARDSHIP = "hardship", _("Household in hardship")
    FLOATING = "floating", _("Floating population")
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone or empty-nest")
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")


class VulnerableResident(models.Model):
    """A person the grid visits twice a day (一日两巡). Name, phone and address are PII."""

    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, related_name="vulnerable_residents",
        verbose_name=_("grid"),
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=200)
    group = models.CharField(_("group"), max_length=20, choices=VulnerableGroup.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    registered_on = models.DateField(
        _("registered on"), help_text=_("Patrols are due from this day on.")
    )
    left_on = models.DateField(
        _("left on"), null=True, blank=True,
        help_text=_("Moved away or no longer in need; no patrols due after this day."),
    )

    scope_lookups = VULNERABLE_SCOPE

    class Meta:
        verbose_name = _("vulnerable resident")
        verbose_name_plural = _("vulnerable residents")
        ordering = ["grid__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("registered_on")),
                name="vulnerable_left_after_registered",
                violation_error_message=_("The day they left cannot be before registration."),
            )
        ]

    def __str__(self):
        return f"{self.grid} · {self.get_group_display()}"


class HalfDay(models.TextChoices):
    MORNING = "am", _("Morning")
    AFTERNOON = "pm", _("Afternoon")


class PatrolVisit(models.Model):
    """One visit of a grid worker to a vulnerable resident. ``visit_date`` and ``half_day``
    are the local (Asia/Shanghai) day and half of ``visited_at``, set by the service."""

    resident = models.ForeignKey(
        VulnerableResident, on_delete=models.PROTECT, related_name="visits",
        verbose_name=_("vulnerable resident"),
    )
    visited_at = models.DateTimeField(_("visited at"))
    visit_date = models.DateField(_("visit date"), editable=False, db_index=True)
    half_day = models.CharField(_("half day"), max_length=2, choices=HalfDay.choices,
                                editable=False)
    visitor_name = models.CharField(_("visited by"), max_length=50)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )
    condition = models.CharField(_("condition found"), max_length=200, blank=True)
    needs_follow_up = models.BooleanField(_("needs follow-up"), default=False)

    scope_lookups = {"community": "resident__grid__community", "grid": "resident__grid"}

    class Meta:
        verbose_name = _("patrol visit")
        verbose_name_plural = _("patrol visits")
        ordering = ["-visited_at"]
        indexes = [models.Index(fields=["resident", "visit_date", "half_day"])]

    def __str__(self):
        return f"{self.resident} · {self.visit_date} {self.get_half_day_display()}"


class ServiceSiteKind(models.TextChoices):
    RED_SERVICE_STATION = "red_station", _("Red service station")
    RESIDENT_LOUNGE = "resident_lounge", _("Residents' lounge")
    PARTY_SERVICE_CENTRE = "party_centre", _("Party and public service centre")
    GRID_PARTY_STATION = "grid_station", _("Grid Party and public service station")


class ServiceSite(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="service_sites",
        verbose_name=_("community"),
    )
    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, null=True, blank=True, related_name="service_sites",
        verbose_name=_("compound"),
    )
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, null=True, blank=True, related_name="service_sites",
        verbose_name=_("grid"),
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceSiteKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=80, blank=True)

    scope_lookups = {**lookups_via(community="community"), "grid": "grid"}

    class Meta:
        verbose_name = _("service site")
        verbose_name_plural = _("service sites")
        ordering = ["community__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="service_site_name_unique_in_community",
                violation_error_message=_(
                    "A service site with this name already exists in the community."
                ),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.compound_id and self.community_id and (
            self.compound.community_id != self.community_id
        ):
            raise ValidationError({"compound": _("The compound is in another community.")})
        if self.grid_id and self.community_id and self.grid.community_id != self.community_id:
            raise ValidationError({"grid": _("The grid is in another community.")})


class FunctionRoomKind(models.TextChoices):
    GOVERNMENT_SERVICE = "government_service", _("Government and convenience services")
    PARTY_ACTIVITY = "party_activity", _("Party and public activities")
    CULTURE_HEALTH = "culture_health", _("Culture, sport and elderly care")
    MEDIATION = "mediation", _("Mediation room")
    PARTY_MEMBER_ROOM = "party_member_room", _("Party members' room")


class FunctionRoom(models.Model):
    site = models.ForeignKey(
        ServiceSite, on_delete=models.CASCADE, related_name="rooms",
        verbose_name=_("service site"),
    )
    kind = models.CharField(_("function"), max_length=20, choices=FunctionRoomKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    scope_lookups = {**lookups_via(community="site__community"), "grid": "site__grid"}

    class Meta:
        verbose_name = _("function room")
        verbose_name_plural = _("function rooms")
        ordering = ["site__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "name"], name="function_room_unique_in_site",
                violation_error_message=_("This room is already listed for the site."),
            )
        ]

    def __str__(self):
        return self.name or self.get_kind_display()


class ServiceKind(models.TextChoices):
    POLICY_ADVICE = "policy_advice", _("Policy advice")
    APPLIANCE_REPAIR = "appliance_repair", _("Appliance repair")
    ERRANDS = "errands", _("Errands and purchases on behalf")
    MEDIATION = "mediation", _("Dispute mediation")
    GOVERNMENT_AFFAIRS = "government_affairs", _("Government affairs on behalf")
    CULTURE_ACTIVITY = "culture_activity", _("Cultural and sports activity")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    OTHER = "other", _("Other")


class ServiceRecord(models.Model):
    """A service given at a site; ``visitors`` people were served. ``service_date`` is the
    local day of ``served_at`` (set by the service), so visits per day are one GROUP BY."""

    site = models.ForeignKey(
        ServiceSite, on_delete=models.PROTECT, related_name="records",
        verbose_name=_("service site"),
    )
    room = models.ForeignKey(
        FunctionRoom, on_delete=models.SET_NULL, null=True, blank=True, related_name="records",
        verbose_name=_("function room"),
    )
    kind = models.CharField(_("service"), max_length=20, choices=ServiceKind.choices)
    served_at = models.DateTimeField(_("served at"))
    service_date = models.DateField(_("service date"), editable=False, db_index=True)
    visitors = models.PositiveIntegerField(
        _("people served"), default=1, validators=[MinValueValidator(1)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )

    scope_lookups = {**lookups_via(community="site__community"), "grid": "site__grid"}

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-served_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visitors__gte=1), name="service_record_visitors_positive",
                violation_error_message=_("At least one person must have been served."),
            )
        ]

    def __str__(self):
        return f"{self.site} · {self.get_kind_display()} · {self.service_date}"

    def clean(self):
        super().clean()
        if self.room_id and self.site_id and self.room.site_id != self.site_id:
            raise ValidationError({"room": _("The room belongs to another service site.")})


class ScopeLevel(models.TextChoices):
    COMPOUND = "compound", _("compound")
    COMMUNITY = "community", _("community")
    STREET = "street", _("street")
    DISTRICT = "district", _("district")
    CITY = "city", _("city")


class Dimension(models.TextChoices):
    NONE = "", _("all")
    MODE = "mode", _("management mode")
    FIRM = "firm", _("property firm")


class MetricSnapshot(models.Model):
    """One metric for one month and one unit (optionally split by mode or firm).

    Written only by the metric tasks; pages read snapshots, never the raw rows. A rate
    for a larger unit is Σ numerators / Σ denominators of its compounds. Compound rows
    carry their ancestors, mode and firm so the roll-ups are one GROUP BY.
    """

    metric = models.CharField(_("metric"), max_length=40)
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    scope_level = models.CharField(_("level"), max_length=10, choices=ScopeLevel.choices)
    scope_id = models.BigIntegerField(_("unit id"))
    dimension = models.CharField(
        _("split by"), max_length=8, choices=Dimension.choices, blank=True, default=""
    )
    dimension_value = models.CharField(_("split value"), max_length=40, blank=True, default="")
    numerator = models.DecimalField(_("numerator"), max_digits=18, decimal_places=4)
    denominator = models.DecimalField(_("denominator"), max_digits=18, decimal_places=4)
    value = models.DecimalField(
        _("value"), max_digits=18, decimal_places=4, null=True, blank=True,
        help_text=_("Empty when the denominator is 0: no data."),
    )
    computed_at = models.DateTimeField(_("computed at"))
    # Compound rows only: where the compound sits, and its mode and firm in that month.
    community_id = models.BigIntegerField(null=True, blank=True)
    street_id = models.BigIntegerField(null=True, blank=True)
    district_id = models.BigIntegerField(null=True, blank=True)
    city_id = models.BigIntegerField(null=True, blank=True)
    mode = models.CharField(max_length=24, blank=True, default="")
    firm_id = models.BigIntegerField(null=True, blank=True)

    scope_lookups = {
        "city": lambda s: _snapshots_under("city", s.node_id),
        "district": lambda s: _snapshots_under("district", s.node_id),
        "street": lambda s: _snapshots_under("street", s.node_id),
        "community": lambda s: _snapshots_under("community", s.node_id),
    }

    class Meta:
        verbose_name = _("metric snapshot")
        verbose_name_plural = _("metric snapshots")
        ordering = ["metric", "period", "scope_level", "scope_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period", "scope_level", "scope_id", "dimension",
                        "dimension_value"],
                name="snapshot_unique_per_unit_month_dimension",
            ),
            models.CheckConstraint(
                condition=Q(denominator__gte=0), name="snapshot_denominator_not_negative"
            ),
        ]
        indexes = [
            # A unit's months of one split ("" for the unit itself): a city also holds
            # a row per firm and metric each month, which a (level, id, period) index
            # would read and discard (EXPLAIN: 16,560 rows removed for 120 at 400,000
            # households).
            models.Index(fields=["scope_level", "scope_id", "dimension", "period"],
                         name="snapshot_unit_split_month"),
            models.Index(fields=["period", "metric", "scope_level"],
                         name="snapshot_month_metric_level"),
        ]
        permissions = [("view_dashboard", _("Can view the officials' dashboard"))]

    def __str__(self):
        return f"{self.metric} {self.period:%Y-%m} {self.scope_level}#{self.scope_id}"


_LEVEL_ORDER = ["compound", "community", "street", "district", "city"]


def _snapshots_under(level: str, node_id: int) -> Q:
    """Snapshot rows of the node itself and of every unit below it."""
    q = Q(scope_level=level, scope_id=node_id)
    for lower in _LEVEL_ORDER[: _LEVEL_ORDER.index(level)]:
        if lower == "compound":
            q |= Q(scope_level="compound", **{f"{level}_id": node_id})
        else:
            ids = _unit_ids_under(lower, level, node_id)
            q |= Q(scope_level=lower, scope_id__in=ids)
    return q


def _unit_ids_under(lower: str, level: str, node_id: int):
    paths = {
        ("community", "street"): (Community, "street_id"),
        ("community", "district"): (Community, "street__district_id"),
        ("community", "city"): (Community, "street__district__city_id"),
        ("street", "district"): (Street, "district_id"),
        ("street", "city"): (Street, "district__city_id"),
        ("district", "city"): (District, "city_id"),
    }
    model, path = paths[(lower, level)]
    return model.objects.filter(**{path: node_id}).values("pk")


class DirtyCompoundMonth(models.Model):
    """A compound's month whose metrics must be recomputed (marked in the same
    transaction as the change; cleared by the incremental refresh task)."""

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("metric refresh mark")
        verbose_name_plural = _("metric refresh marks")
        constraints = [
            models.UniqueConstraint(fields=["compound", "period"], name="dirty_once_per_month")
        ]

    def __str__(self):
        return f"{self.compound_id} {self.period:%Y-%m}"


class AuditAction(models.TextChoices):
    COMPLAINT_TRANSITION = "complaint_transition", _("Complaint transition")
    PAYMENT_RECORDED = "payment_recorded", _("Payment recorded")
    PAYMENT_VOIDED = "payment_voided", _("Payment voided")
    CONTRACT_STARTED = "contract_started", _("Service contract started")
    CONTRACT_ENDED = "contract_ended", _("Service contract ended")
    REVIEW_DECISION = "review_decision", _("Demonstration point review")
    ASSIGNMENT_CREATED = "assignment_created", _("Staff assignment created")
    ASSIGNMENT_ENDED = "assignment_ended", _("Staff assignment ended")
    PII_VIEWED = "pii_viewed", _("Personal data viewed")
    PII_EXPORTED = "pii_exported", _("Personal data exported")


class AuditEvent(models.Model):
    """Who did what to which record and when, or who saw residents' personal data
    (written by ``communities.audit.record``; never changed or deleted)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("city"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    community = models.ForeignKey(Community, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("community"))
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("compound"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    # Only officials read the trail: the city's and the district's events.
    scope_lookups = {"city": "city", "district": "district"}

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Audit events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit events cannot be deleted."))
