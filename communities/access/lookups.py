"""How a model reaches the hierarchy: the ``scope_lookups`` a model declares, importable by
model modules without the scoping rules (which read the staff models)."""

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q


def lookups_via(*, compound: str | None = None, community: str | None = None,
                grid: str | None = None) -> dict:
    """scope_lookups for a model that reaches the hierarchy through its compound (the
    ORM path ``compound``; "" for Compound itself) or directly through a community;
    ``grid`` is its path to the grids that cover it."""
    if compound is not None:
        community = f"{compound}__community" if compound else "community"
    lookups = {
        "city": f"{community}__street__district__city",
        "district": f"{community}__street__district",
        "street": f"{community}__street",
        "community": community,
    }
    if grid:
        lookups["grid"] = grid
    return lookups


# Firm staff see the compounds their firm serves. Which firm serves a compound is
# ``properties``' knowledge (its service contracts), and ``communities`` imports no
# other app: the app that knows registers, at start-up, the query of the compounds a
# firm serves (``properties.apps.PropertiesConfig.ready``).
_compounds_served_by = None


def register_compounds_served_by(query) -> None:
    """``query(firm_id)`` → a values queryset of the ids of the compounds the firm
    serves now. Called once, by the app that owns the service contracts."""
    global _compounds_served_by  # noqa: PLW0603 - set once at start-up
    _compounds_served_by = query


def served_by_firm(path_to_compound: str):
    """Scope filter for firm staff: ``path_to_compound`` (the ORM path to a compound,
    "" for Compound itself) leads to a compound under an active contract with their
    firm."""

    def firm_q(scope) -> Q:
        if _compounds_served_by is None:
            raise ImproperlyConfigured(
                "No app registered the compounds a firm serves "
                "(register_compounds_served_by): is properties installed?"
            )
        return Q(**{f"{path_to_compound}pk__in": _compounds_served_by(scope.node_id)})

    return firm_q
