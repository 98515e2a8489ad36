"""Demo data: each app's ``demo.py`` registers a seeder; ``seed_demo`` runs them in
INSTALLED_APPS order. Every seeder must be idempotent (natural keys, get_or_create)."""

from collections.abc import Callable

_SEEDERS: list[Callable] = []


def demo_seeder(func: Callable) -> Callable:
    if func not in _SEEDERS:
        _SEEDERS.append(func)
    return func


def registered_seeders() -> list[Callable]:
    return list(_SEEDERS)
