"""Services for the complaint catalogue (categories) and the Open311 clients: the writes
the platform administrator makes in the admin. (Kept apart from ``services.py``, the
complaint lifecycle.)"""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.services import save_validated

from .models import Category, Open311ApiKey, Open311Jurisdiction

CATEGORY_FIELDS = {
    "parent", "code", "name", "description", "hours_to_respond", "days_to_resolve",
    "default_handler", "is_active", "order",
}


def _apply_changes(obj, changes: dict, allowed: set[str]):
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here."), code="not_editable",
                               fields=tuple(sorted(unknown)))
    for field, value in changes.items():
        setattr(obj, field, value)
    return save_validated(obj, update_fields=list(changes)) if changes else obj


def check_category(*, parent: Category | None, category: Category | None = None) -> None:
    """Categories have two levels: a parent is a top category, and a category with
    subcategories stays at the top."""
    if parent is None:
        return
    if category is not None and category.pk == parent.pk:
        raise ApplicationError(_("A category cannot be its own parent."), fields=("parent",))
    if parent.parent_id is not None or (
        category is not None and category.pk and category.children.exists()
    ):
        raise ApplicationError(
            _("Categories have two levels only: choose a top category."), fields=("parent",)
        )


@transaction.atomic
def category_create(*, actor=None, code: str, name: str, hours_to_respond: int,
                    days_to_resolve: int, parent: Category | None = None,
                    description: str = "", default_handler: str = "community",
                    is_active: bool = True, order: int = 0) -> Category:
    check_category(parent=parent)
    return save_validated(Category(
        parent=parent, code=code, name=name, description=description,
        hours_to_respond=hours_to_respond, days_to_resolve=days_to_resolve,
        default_handler=default_handler, is_active=is_active, order=order,
    ))


@transaction.atomic
def category_update(*, actor=None, category: Category, **changes) -> Category:
    category = Category.objects.select_for_update().get(pk=category.pk)
    check_category(parent=changes.get("parent", category.parent), category=category)
    return _apply_changes(category, changes, CATEGORY_FIELDS)


@transaction.atomic
def open311_key_create(*, actor=None, name: str, is_active: bool = True) -> Open311ApiKey:
    """A new client of the Open311 API, with a key drawn at random."""
    return save_validated(Open311ApiKey(name=name, is_active=is_active))


@transaction.atomic
def open311_key_update(*, actor=None, api_key: Open311ApiKey, **changes) -> Open311ApiKey:
    """Rename a client or switch its key off (or on); the key itself never changes."""
    api_key = Open311ApiKey.objects.select_for_update().get(pk=api_key.pk)
    return _apply_changes(api_key, changes, {"name", "is_active"})


@transaction.atomic
def open311_jurisdiction_create(*, actor=None, city, jurisdiction_id: str) -> Open311Jurisdiction:
    return save_validated(Open311Jurisdiction(city=city, jurisdiction_id=jurisdiction_id))


@transaction.atomic
def open311_jurisdiction_update(*, actor=None, jurisdiction: Open311Jurisdiction,
                                **changes) -> Open311Jurisdiction:
    jurisdiction = Open311Jurisdiction.objects.select_for_update().get(pk=jurisdiction.pk)
    return _apply_changes(jurisdiction, changes, {"city", "jurisdiction_id"})
