"""Links each app adds to the staff menu and to the residents' home page.

An app's ``navigation.py`` calls ``staff_link``/``resident_link`` at start-up; the
context processor below hands the links the user may follow to every template.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    permission: str | None = None
    description: str = ""
    order: int = 100

    @property
    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


_STAFF: list[Link] = []
_RESIDENT: list[Link] = []
_COMPOUND: list[Link] = []


def _register(link: Link, links: list[Link]) -> None:
    # Keyed by URL name: comparing lazy labels would translate them before the apps load.
    if all(known.url_name != link.url_name for known in links):
        links.append(link)


def staff_link(label, url_name, *, permission=None, order=100) -> None:
    link = Link(label=label, url_name=url_name, permission=permission, order=order)
    _register(link, _STAFF)


def resident_link(label, url_name, *, description="", order=100) -> None:
    link = Link(label=label, url_name=url_name, description=description, order=order)
    _register(link, _RESIDENT)


def compound_link(label, url_name, *, order=100) -> None:
    """A link shown next to each compound in the public directory; the URL takes the
    compound's id (e.g. its notice board, or "report a problem here")."""
    link = Link(label=label, url_name=url_name, order=order)
    _register(link, _COMPOUND)


def navigation(request) -> dict:
    """Context processor: ``staff_links`` the user may open, ``resident_links`` and
    ``compound_links``."""
    user = getattr(request, "user", None)
    staff_links = []
    if user is not None and user.is_authenticated:
        staff_links = [
            link for link in sorted(_STAFF, key=lambda x: x.order)
            if link.permission is None or user.has_perm(link.permission)
        ]
    return {
        "staff_links": staff_links,
        "resident_links": sorted(_RESIDENT, key=lambda x: x.order),
        "compound_links": sorted(_COMPOUND, key=lambda x: x.order),
    }
