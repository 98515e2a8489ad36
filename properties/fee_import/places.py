"""Looking up compounds and households by the names a file gives (reads only)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from communities.access.scoping import scope_queryset
from communities.models import Compound, Household

from ..models import ServiceContract
from ..ownership import fee_ledger_q
from .cells import CellError


class Places:
    """Id lookups, loaded per compound on first use: compound name → id (within the
    user's scope), (building, unit, room) → household id, compound → contracted firm."""

    def __init__(self, user):
        self.user = user
        self.in_scope: dict[str, list[int]] = {}
        for pk, name in scope_queryset(Compound.objects.all(), user).values_list("pk", "name"):
            self.in_scope.setdefault(name, []).append(pk)
        # …of which those whose fee ledger the user keeps (properties.ownership).
        self.owned = set(scope_queryset(Compound.objects.filter(fee_ledger_q(user)), user)
                         .values_list("pk", flat=True)) if user is not None else None
        self._outside: dict[str, bool] = {}
        self._households: dict[int, dict[str, int]] = {}
        self.firm_of: dict[int, int | None] = {}
        self.seen_compounds: set[int] = set()

    def compound_id(self, name: str) -> int:
        if not name:
            raise CellError(_("The compound is missing."))
        ids = self.in_scope.get(name)
        if ids is None:
            if name not in self._outside:
                self._outside[name] = Compound.objects.filter(name=name).exists()
            if self._outside[name]:
                raise CellError(
                    _("The compound %(name)s is outside your area.") % {"name": name}
                )
            raise CellError(_("There is no compound called %(name)s.") % {"name": name})
        if len(ids) > 1:
            raise CellError(
                _("More than one compound in your area is called %(name)s; import them "
                  "separately from the admin.") % {"name": name}
            )
        if self.owned is not None and ids[0] not in self.owned:
            raise CellError(
                _("The fees of %(name)s are kept by its property firm (or, for a "
                  "community-led compound, by its community).") % {"name": name}
            )
        self.seen_compounds.add(ids[0])
        return ids[0]

    def _load(self, compound_id: int) -> dict[str, int]:
        lookup = self._households.get(compound_id)
        if lookup is None:
            lookup = {
                room_key(building, unit, room): pk
                for pk, building, unit, room in Household.objects.filter(
                    compound_id=compound_id
                ).values_list("pk", "building__name", "unit", "room").iterator(chunk_size=5000)
            }
            self._households[compound_id] = lookup
            self.firm_of[compound_id] = (
                ServiceContract.objects.active().filter(compound_id=compound_id)
                .values_list("firm_id", flat=True).first()
            )
        return lookup

    def household_id(self, compound_id: int, compound_name, building, unit, room) -> int:
        if not building or not room:
            raise CellError(_("The building and the room are required."))
        lookup = self._load(compound_id)
        unit = unit.removesuffix("单元").strip()
        for candidate in (building, f"{building}号楼"):
            pk = lookup.get(room_key(candidate, unit, room))
            if pk is not None:
                return pk
        place = {"building": building, "unit": unit, "room": room, "compound": compound_name}
        if unit:
            raise CellError(
                _("There is no household %(building)s, unit %(unit)s, room %(room)s in "
                  "%(compound)s.") % place
            )
        raise CellError(
            _("There is no household %(building)s, room %(room)s in %(compound)s.") % place
        )


def room_key(building: str, unit: str, room: str) -> str:
    return f"{building}\x1f{unit}\x1f{room}"
