"""Who may see what: the one place that decides visibility (DESIGN §4).

A user's scope is the node of the hierarchy their active staff assignment points at.
Every model that holds scoped data declares ``scope_lookups``: for each scope level,
the ORM lookup from the model to that level's node. ``scope_queryset`` is the only
filter pages, the API, the admin and exports apply; ``get_scoped_object_or_404`` is
the only way to fetch a single scoped object.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from communities.access.lookups import lookups_via  # noqa: F401  (the models' import)
from communities.models import ROLE_NODE_FIELD, StaffAssignment

ALL = "all"
LEVELS = ("city", "district", "street", "community", "grid", "firm")


@dataclass(frozen=True)
class Scope:
    role: str | None
    level: str | None  # "all", one of LEVELS, or None for nothing at all
    node_id: int | None = None

    @property
    def is_everything(self) -> bool:
        return self.level == ALL

    @property
    def is_empty(self) -> bool:
        return self.level is None


NOTHING = Scope(role=None, level=None)
EVERYTHING = Scope(role="superuser", level=ALL)


def scope_for_user(user) -> Scope:
    """The scope of a user, resolved once per request and kept on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = EVERYTHING
    else:
        assignment = (
            StaffAssignment.objects.filter(user=user, ended_at__isnull=True)
            .only("role", *(f"{f}_id" for f in set(ROLE_NODE_FIELD.values())))
            .first()
        )
        if assignment is None:
            scope = NOTHING
        else:
            level = ROLE_NODE_FIELD[assignment.role]
            scope = Scope(
                role=assignment.role, level=level, node_id=getattr(assignment, f"{level}_id")
            )
    user._scope_cache = scope
    return scope


def forget_scope(user) -> None:
    if hasattr(user, "_scope_cache"):
        del user._scope_cache


def _is_multi_valued(model: type[Model], lookup: str) -> bool:
    current = model
    for part in lookup.split("__"):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        current = field.related_model
    return False


def scope_q(model: type[Model], scope: Scope) -> Q | None:
    """The filter that limits ``model`` to ``scope``; None means "no rows at all"."""
    if scope.is_everything:
        return Q()
    if scope.is_empty:
        return None
    lookups = getattr(model, "scope_lookups", None)
    if lookups is None:
        raise ImproperlyConfigured(f"{model.__name__} does not declare scope_lookups.")
    lookup = lookups.get(scope.level)
    if lookup is None:
        return None
    if callable(lookup):
        return lookup(scope)
    if _is_multi_valued(model, lookup):
        # Through a to-many relation: filter by id to keep one row per object.
        inner = model._base_manager.filter(**{lookup: scope.node_id}).values("pk")
        return Q(pk__in=inner)
    return Q(**{lookup: scope.node_id})


def scope_queryset(queryset: QuerySet, user) -> QuerySet:
    """Limit a queryset to what ``user`` may see."""
    q = scope_q(queryset.model, scope_for_user(user))
    if q is None:
        return queryset.none()
    return queryset.filter(q)


def get_scoped_object_or_404(queryset: QuerySet, user, **lookup):
    """Fetch one object the user may see; anything else is a 404, never a leak."""
    try:
        return scope_queryset(queryset, user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(_("No such record in your area.")) from None


def is_in_scope(user, obj: Model) -> bool:
    return scope_queryset(type(obj)._default_manager.all(), user).filter(pk=obj.pk).exists()
