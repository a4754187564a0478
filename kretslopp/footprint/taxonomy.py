"""Category codes and data-quality levels shared by every part of the footprint engine.

The codes are the product taxonomy of Kretslopp's catalogue. They live here (and not in a
Django model) so that the engine, its CLI and its tests agree on them without importing Django.
"""

from __future__ import annotations

#: Every category code of the product taxonomy, in the order reports list them.
CATEGORY_CODES: tuple[str, ...] = (
    "laptop",
    "desktop",
    "all_in_one",
    "thin_client",
    "monitor",
    "smartphone",
    "tablet",
    "printer",
    "server",
    "network_switch",
    "router_firewall",
    "access_point",
    "storage",
    "docking_station",
    "projector",
    "other",
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
