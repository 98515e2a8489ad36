"""How a model reaches the hierarchy: the ``scope_lookups`` a model declares, importable by
model modules without the scoping rules (which read the staff models)."""


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
