"""Navigation built from what exists and what the user may do, never placeholder pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from kretslopp.organisation.access import Action, access_for

# (url name, label, action required); entries whose URL does not exist yet are left out,
# so a capability appears in the menu the day its app is installed.
NAVIGATION = [
    ("home", _("Overview"), Action.VIEW),
    ("inventory:assets", _("Assets"), Action.VIEW),
    ("inventory:models", _("Product models"), Action.VIEW),
    ("imports:upload", _("Import"), Action.EDIT_ASSETS),
    ("circular:campaigns", _("Take-back"), Action.VIEW),
    ("organisation:departments", _("Departments"), Action.VIEW),
    ("energy:dashboard", _("Energy and targets"), Action.VIEW),
    ("printing:overview", _("Printing"), Action.VIEW),
    ("carbon:methodology", _("Methodology"), Action.VIEW),
]


def navigation(request: HttpRequest) -> dict:
    access = access_for(getattr(request, "user", None))
    items = []
    for url_name, text, action in NAVIGATION:
        if not access.can(action):
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
