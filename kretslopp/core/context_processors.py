"""Navigation built from what exists and what the user may do, never placeholder pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from kretslopp.organisation.access import Access, Action, access_for


def _can(action: Action) -> Callable[[Access], bool]:
    return lambda access: access.can(action)


# (url name, label, who may see it); entries whose URL does not exist yet are left out,
# so a capability appears in the menu the day its app is installed.
NAVIGATION: list[tuple[str, str, Callable[[Access], bool]]] = [
    ("home", _("Overview"), _can(Action.VIEW)),
    ("inventory:assets", _("Assets"), _can(Action.VIEW)),
    ("inventory:models", _("Product models"), _can(Action.VIEW)),
    ("imports:upload", _("Import"), _can(Action.EDIT_ASSETS)),
    ("circular:campaigns", _("Take-back"), Access.may_read_takeback),
    ("organisation:departments", _("Departments"), _can(Action.VIEW)),
    ("energy:dashboard", _("Energy and targets"), _can(Action.VIEW)),
    ("printing:overview", _("Printing"), _can(Action.VIEW)),
    ("carbon:methodology", _("Methodology"), Access.may_read_methodology),
    ("organisation:people", _("People"), Access.may_manage_logins),
]


def _entries() -> list[tuple[str, str, Callable[[Access], bool]]]:
    """The fixed entries, then those domain apps registered (``core/registry.py``)."""
    from kretslopp.core.registry import registry

    known = {url_name for url_name, _text, _may_see in NAVIGATION}
    registered = [
        (entry.url_name, entry.label, entry.allowed)
        for entry in registry.navigation
        if entry.url_name not in known
    ]
    return [*NAVIGATION, *registered]


def navigation(request: HttpRequest) -> dict:
    access = access_for(getattr(request, "user", None))
    items = []
    for url_name, text, may_see in _entries():
        if not may_see(access):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "url": url,
                "label": text,
                "active": request.path.startswith(url) and (url != "/" or request.path == "/"),
            }
        )
    return {"navigation": items, "access": access}
