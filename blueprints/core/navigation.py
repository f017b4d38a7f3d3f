"""The navigation bar: a registry the areas fill (`menu.add`), read per request for the signed-in user's role.

An entry is shown to the roles its view lets in (`@allow`), so access is written once; `roles` narrows that
for a page others may open but reach another way (a mentor opens their hospitals from their home page)."""

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_login import current_user

from .permissions import view_access


@dataclass(frozen=True)
class MenuEntry:
    endpoint: str
    label: object  # a lazy string: translated when shown
    order: int
    roles: frozenset[str] | None = None


class Menu:
    def __init__(self) -> None:
        self._entries: dict[str, MenuEntry] = {}

    def add(self, endpoint: str, label, order: int, roles=None) -> None:
        """Put a page in the bar at `order` (smaller first); added again, the entry is replaced."""
        self._entries[endpoint] = MenuEntry(endpoint, label, order, frozenset(roles) if roles else None)

    def entries(self) -> list[MenuEntry]:
        return sorted(self._entries.values(), key=lambda entry: entry.order)

    def for_role(self, role: str) -> list[MenuEntry]:
        """The entries whose view exists in this app and lets `role` in (within the entry's own narrowing)."""
        shown = []
        for entry in self.entries():
            access = view_access(entry.endpoint) if entry.endpoint in current_app.view_functions else None
            if access and role in access and (entry.roles is None or role in entry.roles):
                shown.append(entry)
        return shown


menu = Menu()


def menu_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    items = []
    for entry in menu.for_role(current_user.role):
        blueprint = entry.endpoint.split(".")[0]
        current = request.endpoint == entry.endpoint or (
            entry.endpoint != "dashboard.home" and request.blueprint == blueprint and _same_section(entry.endpoint)
        )
        items.append({"endpoint": entry.endpoint, "label": entry.label, "current": current})
    return items


def _same_section(endpoint: str) -> bool:
    """A sub-page (users/new) counts as its menu entry (users) when the URL path starts with it."""
    return request.path.startswith(url_for(endpoint))
