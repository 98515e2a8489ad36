"""Grids laid over a community (多格合一), their workers, vulnerable residents and the
grid patrols (一日两巡), service sites and their visits."""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.access.lookups import lookups_via
from core.validators import validate_phone

from .hierarchy import Building, Community, Compound, GridDutyType


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
