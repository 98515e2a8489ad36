"""Staff assignments: a user's role tied to exactly one node of the hierarchy."""


from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.validators import validate_phone

from .care import Grid
from .hierarchy import City, Community, District, Street


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


class StaffProfile(models.Model):
    """What an account needs beyond Django's user: the mobile number one-time codes go to,
    and whether the password is a one-time one that must be changed at the next login
    (written by ``communities.accounts``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile",
        verbose_name=_("user"),
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True,
                             validators=[validate_phone])
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True,
                                               blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        permissions = [("manage_accounts", _("Can manage the staff accounts of their area"))]

    def __str__(self):
        return str(self.user)


class StaffAccount(User):
    """The accounts an official manages, as the admin lists them (a proxy of the user)."""

    class Meta:
        proxy = True
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")
