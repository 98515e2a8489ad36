"""The governance hierarchy: city → district → street → community → compound →
building → household."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.access.lookups import lookups_via, served_by_firm
from communities.pinyin import name_initials
from core.validators import validate_phone


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
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True,
                                     validators=[validate_phone])

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
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True,
                                     validators=[validate_phone])

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
    owner_key = models.CharField(
        _("owner identity key"), max_length=64, blank=True, db_index=True,
        help_text=_("The same key on several units means one owner (counted once in an "
                    "owners' vote): a hash of the owner's ID-card number, or of their name "
                    "and phone when no ID is registered. Blank: the unit's owner owns only "
                    "this unit."),
    )
    developer_held = models.BooleanField(
        _("held by the developer"), default=False,
        help_text=_("An unsold or undelivered unit: all of the developer's units count as "
                    "one owner together in an owners' vote."),
    )
    left_on = models.DateField(
        _("owner left on"), null=True, blank=True,
        help_text=_("The day the registered owner moved out or sold; their name and phone "
                    "are anonymised after the retention grace period."),
    )

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
