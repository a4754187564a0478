"""Category codes and data-quality levels shared by every part of the footprint engine.

The codes are the product taxonomy of Kretslopp's catalogue, and this is their one
definition: the catalogue's choices (``inventory.models.ProductCategory``), the asset
import's value maps and the energy ledger's scopes are derived from it, and a test fails if
any of them drifts. They live here (and not in a Django model) so that the engine, its CLI
and its tests agree on them without importing Django.
"""

from __future__ import annotations


def _(text: str) -> str:  # marks text for translation without importing Django
    return text


#: Every category code of the product taxonomy with its label (translated by the web
#: layer), in the order reports list them. The codes are stable: stored data and imports
#: use them.
CATEGORY_LABELS: dict[str, str] = {
    "laptop": _("Laptop"),
    "desktop": _("Desktop computer"),
    "all_in_one": _("All-in-one computer"),
    "thin_client": _("Thin client"),
    "monitor": _("Monitor"),
    "smartphone": _("Smartphone"),
    "tablet": _("Tablet"),
    "printer": _("Printer"),
    "server": _("Server"),
    "network_switch": _("Network switch"),
    "router_firewall": _("Router or firewall"),
    "access_point": _("Wireless access point"),
    "storage": _("Storage system"),
    "docking_station": _("Docking station"),
    "projector": _("Projector"),
    "other": _("Other"),
}

#: Every category code of the product taxonomy, in the order reports list them.
CATEGORY_CODES: tuple[str, ...] = tuple(CATEGORY_LABELS)

#: Categories whose devices normally hold data, so that erasure is required before they leave.
CATEGORIES_WITH_STORAGE: frozenset[str] = frozenset(
    {
        "laptop",
        "desktop",
        "all_in_one",
        "thin_client",
        "smartphone",
        "tablet",
        "printer",
        "server",
        "storage",
        "network_switch",
        "router_firewall",
    }
)

#: Index of each category code; the vectorised engine works on these integers.
CATEGORY_INDEX: dict[str, int] = {code: i for i, code in enumerate(CATEGORY_CODES)}

#: Where a figure came from, best first.
#: ``model``: a manufacturer's sheet matched to the catalogue model;
#: ``category``: the factor set's default for the category;
#: ``manual``: a figure a person typed in (for example from a supplier's offer).
DATA_QUALITIES: tuple[str, ...] = ("model", "category", "manual")

QUALITY_INDEX: dict[str, int] = {q: i for i, q in enumerate(DATA_QUALITIES)}


class UnknownCategoryError(ValueError):
    """A category code outside :data:`CATEGORY_CODES`."""

    def __init__(self, code: str) -> None:
        super().__init__(f"unknown category {code!r}; expected one of: {', '.join(CATEGORY_CODES)}")
        self.code = code


def check_category(code: str) -> str:
    """Return ``code`` stripped and lower-cased, or raise :class:`UnknownCategoryError`."""
    normalised = code.strip().lower()
    if normalised not in CATEGORY_INDEX:
        raise UnknownCategoryError(code)
    return normalised
