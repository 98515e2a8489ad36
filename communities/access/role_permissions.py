"""Permissions that come with each staff role.

Each app's ``roles.py`` grants its own permissions here at start-up; the auth
backend reads them. Which *objects* a permission reaches is decided by scoping.
"""

from collections import defaultdict

_ROLE_PERMISSIONS: dict[str, set[str]] = defaultdict(set)


def grant(roles, *perms: str) -> None:
    for role in roles:
        _ROLE_PERMISSIONS[str(role)].update(perms)


def permissions_of(role: str | None) -> frozenset[str]:
    if not role:
        return frozenset()
    return frozenset(_ROLE_PERMISSIONS.get(str(role), ()))
