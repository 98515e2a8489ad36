"""Panels other apps add to the officials' dashboard.

``communities`` imports none of the other apps, so they register here at start-up (their
``dashboard_panels.py`` is auto-discovered):

- a *summary panel* is shown on the dashboard of a unit (city … compound), e.g. joint-meeting
  compliance, missed patrols, demonstration points by review step, renovation count;
- a *compound panel* is shown only on a compound's dashboard, e.g. its overdue complaints,
  missing disclosures and latest inspection.

A panel's ``build(user=, unit=, period=)`` returns a :class:`PanelTable` (or None when it
has nothing to say for that unit). ``unit`` is a
:class:`communities.dashboard.selectors.Unit` that is
already checked to lie in the user's scope; ``unit.compound_q(path)`` filters any model by
the compounds under the unit. A panel reads in a fixed number of queries whatever the amount
of data, and scopes what it reads to ``user`` (``scope_queryset``). Every panel is rendered
as a table and exported to Excel with the same headers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

ALL_LEVELS = ("city", "district", "street", "community", "compound")


@dataclass(frozen=True)
class Cell:
    """A table cell with a link (e.g. to a complaint); exported as its text."""

    text: Any
    url: str = ""

    def __str__(self):
        return str(self.text)


@dataclass
class PanelTable:
    headers: Sequence[str]
    rows: list[Sequence[Any]] = field(default_factory=list)
    # A sentence shown above the table (e.g. "3 of 4 co-building compounds met").
    note: str = ""
    # Shown instead of an empty table.
    empty: str = ""
    # Indexes of the numeric columns (right-aligned).
    numeric: Sequence[int] = ()

    def export_rows(self):
        for row in self.rows:
            yield [cell.text if isinstance(cell, Cell) else cell for cell in row]


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    build: Callable[..., PanelTable | None]
    levels: tuple[str, ...] = ALL_LEVELS
    order: int = 100


_SUMMARY: dict[str, Panel] = {}
_COMPOUND: dict[str, Panel] = {}


def summary_panel(key: str, title, *, levels: Sequence[str] = ALL_LEVELS, order: int = 100):
    """Decorator: register ``build(user=, unit=, period=)`` as a summary panel."""

    def register(build):
        _SUMMARY[key] = Panel(key=key, title=title, build=build, levels=tuple(levels),
                              order=order)
        return build

    return register


def compound_panel(key: str, title, *, order: int = 100):
    """Decorator: register ``build(user=, unit=, period=)`` as a panel of a compound's page."""

    def register(build):
        _COMPOUND[key] = Panel(key=key, title=title, build=build, levels=("compound",),
                               order=order)
        return build

    return register


def summary_panels(level: str) -> list[Panel]:
    return sorted((p for p in _SUMMARY.values() if level in p.levels), key=lambda p: p.order)


def compound_panels() -> list[Panel]:
    return sorted(_COMPOUND.values(), key=lambda p: p.order)


def panels_for(level: str) -> list[Panel]:
    """Every panel shown on a unit's dashboard at ``level``, in display order."""
    panels = summary_panels(level)
    if level == "compound":
        panels += compound_panels()
    return panels


def panel_for(level: str, key: str) -> Panel | None:
    return next((p for p in panels_for(level) if p.key == key), None)
