"""One product taxonomy: every place that lists categories derives them from the plain package.

``kretslopp/footprint/taxonomy.py`` holds the codes (and their labels); the catalogue's
choices, the asset import's value maps and the energy ledger's scopes follow it. Adding or
renaming a category there and nowhere else must leave these tests green; a second list that
drifts from it makes them fail.
"""

from __future__ import annotations

from collections import Counter

from kretslopp.footprint import taxonomy
from kretslopp.inventory import lifecycle


def test_the_catalogue_offers_exactly_the_taxonomy_in_its_order():
    from kretslopp.inventory.models import CATEGORIES_WITH_STORAGE, ProductCategory

    assert tuple(ProductCategory.values) == taxonomy.CATEGORY_CODES
    assert [str(label) for label in ProductCategory.labels]  # every code has a label
    assert (
        dict(zip(ProductCategory.values, ProductCategory.names, strict=True))["laptop"] == "LAPTOP"
    )
    assert set(taxonomy.CATEGORY_CODES) >= CATEGORIES_WITH_STORAGE


def test_every_category_belongs_to_exactly_one_energy_scope():
    from kretslopp.energy.ledger import SCOPE_CATEGORIES, SCOPES

    listed = Counter(code for codes in SCOPE_CATEGORIES.values() for code in codes)
    assert set(listed) == set(taxonomy.CATEGORY_CODES)
    assert set(listed.values()) == {1}
    assert set(SCOPE_CATEGORIES) == set(SCOPES)


def test_the_asset_import_maps_names_onto_the_taxonomy_and_the_lifecycle_only():
    from kretslopp.imports.assets import columns

    assert columns.CATEGORY_CODES == taxonomy.CATEGORY_CODES
    assert columns.STATUS_CODES == lifecycle.STATUSES
    assert set(columns.CATEGORY_MAP.values()) == set(taxonomy.CATEGORY_CODES)
    assert set(columns.STATUS_MAP.values()) <= set(lifecycle.STATUSES)


def test_the_generic_reader_knows_no_asset_columns_or_codes():
    from kretslopp.tabular import mapping

    for name in ("ASSET_FIELDS", "CATEGORY_CODES", "STATUS_CODES", "CATEGORY_MAP", "STATUS_MAP"):
        assert not hasattr(mapping, name), name
    assert not hasattr(mapping, "suggest_mapping")
