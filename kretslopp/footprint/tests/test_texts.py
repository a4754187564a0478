"""Our own texts in the data have a Swedish twin; the publishers' titles stay as published."""

from __future__ import annotations

import csv
import hashlib
import re

import pytest

from kretslopp.footprint import (
    avoided_set_ids,
    factor_set_ids,
    get_avoided_set,
    get_factor_set,
    get_grid,
    grid_ids,
    resolve_figures,
)
from kretslopp.footprint.sources import DATA_DIR, read_csv, source, sources
from kretslopp.footprint.texts import (
    BIBLIOGRAPHIC_COLUMNS,
    PROSE_COLUMNS,
    SWEDISH_SUFFIX,
    language_code,
)

PROSE_CELLS = [
    (name, column, row)
    for name, columns in PROSE_COLUMNS.items()
    for row in read_csv(name)
    for column in columns
]


def _cell_id(cell: tuple[str, str, dict[str, str]]) -> str:
    name, column, row = cell
    return f"{name}:{next(iter(row.values()))}:{row.get('category', '')}:{column}"


def _header(name: str) -> list[str]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def _figures(text: str, swedish: bool) -> set[float]:
    """The figures a text states: '1,226' and '64.7' in English; '1 226' and '64,7' in Swedish."""
    if swedish:
        text = re.sub(r"(?<=\d)[ \u00a0](?=\d{3}\b)", "", text)
        text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    else:
        text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    return {float(number) for number in re.findall(r"\d+(?:\.\d+)?", text)}


@pytest.mark.parametrize("cell", PROSE_CELLS, ids=_cell_id)
def test_every_prose_cell_has_a_swedish_twin(cell):
    name, column, row = cell
    english, swedish = row[column], row.get(column + SWEDISH_SUFFIX)
    assert swedish is not None, f"{name} has no column {column}{SWEDISH_SUFFIX}"
    if english:
        assert swedish.strip(), f"{name}: no Swedish for {english!r}"
        assert swedish != english, f"{name}: the Swedish is the English: {english!r}"
        # The translation states the same figures (years, counts, kg, g/kWh) as the English.
        assert _figures(swedish, swedish=True) == _figures(english, swedish=False), swedish


def test_prose_columns_sit_beside_their_twins_and_nothing_else_is_translated():
    for path in sorted(DATA_DIR.glob("*.csv")):
        header = _header(path.name)
        twins = [c for c in header if c.endswith(SWEDISH_SUFFIX)]
        registered = PROSE_COLUMNS.get(path.name, ())
        assert sorted(c.removesuffix(SWEDISH_SUFFIX) for c in twins) == sorted(registered), (
            path.name
        )
        for column in registered:
            assert header.index(column + SWEDISH_SUFFIX) > header.index(column)


SOURCES_AS_PUBLISHED = {
    # sha256 of title, publisher, year, licence and url as the sources publish them (first 16
    # hex digits). A new source adds a line; an existing one changes only if its publisher's
    # citation does.
    "boavizta-pcf": "b6c274c6b0ac2940",
    "owid-grid": "561fea0777e25d89",
    "boavizta-electrical-mix": "3ad841854c549836",
    "boavizta-archetypes": "6810db4944261784",
    "ademe-negaoctet": "9d3263d39feb4172",
    "ivl-inrego-2020": "6d606e6b0045712f",
    "ivl-nordic-mix": "922071f74bfbd66b",
    "inrego-legacy": "946f2c29a8c9e251",
    "kretslopp-choice": "8ede5f374e28c7e7",
}


def test_bibliographic_columns_are_as_published_in_every_language():
    for name, columns in BIBLIOGRAPHIC_COLUMNS.items():
        header = _header(name)
        for column in columns:
            assert column in header
            assert column + SWEDISH_SUFFIX not in header
    for source_id, digest in SOURCES_AS_PUBLISHED.items():
        src = source(source_id)
        text = "\x1f".join((src.title, src.publisher, src.year, src.licence, src.url))
        assert hashlib.sha256(text.encode()).hexdigest()[:16] == digest, source_id
    for src in sources().values():
        for column in BIBLIOGRAPHIC_COLUMNS["sources.csv"]:
            assert src.text(column, "sv") == src.text(column, "en") == getattr(src, column)


def test_every_factor_set_has_a_description_in_both_languages():
    described = {row["set_id"] for row in read_csv("set-descriptions.csv")}
    assert described == set(factor_set_ids()) | set(avoided_set_ids())
    for set_id in factor_set_ids():
        assert get_factor_set(set_id).description
        assert (
            get_factor_set(set_id).text("description", "sv") != get_factor_set(set_id).description
        )
    for set_id in avoided_set_ids():
        assert get_avoided_set(set_id).text("description", "sv")


@pytest.mark.parametrize(
    ("language", "expected"),
    [(None, "en"), ("", "en"), ("en", "en"), ("en-gb", "en"), ("de", "en"), ("sv", "sv"),
     ("sv-se", "sv"), ("sv_SE", "sv"), ("SV", "sv")],
)  # fmt: skip
def test_language_codes(language, expected):
    assert language_code(language) == expected


def test_the_loader_speaks_english_unless_asked_for_swedish():
    grid = get_grid("owid-swe")
    assert grid.label == "Sweden, location-based (OWID/Ember), per year"
    assert grid.text("label") == grid.text("label", "en") == grid.label
    assert grid.text("label", "sv") == "Sverige, platsbaserad (OWID/Ember), per år"
    assert grid.text("label", "sv-SE") == grid.text("label", "sv")
    assert grid.text("label", "fi") == grid.label

    laptop = get_factor_set("pcf-median-2023")["laptop"]
    assert laptop.embodied_basis.startswith("median (min-max) of gwp_total")
    assert laptop.text("embodied_basis", "sv").startswith("median (min–max) av gwp_total")
    assert laptop.text("lifetime_basis", "sv").startswith("medianlivslängd för")

    dock = get_factor_set("pcf-median-2023")["docking_station"]
    assert dock.energy_estimated is False  # decided on the English basis, whatever the language
    assert dock.text("energy_basis", "sv").startswith("ingen:")

    reuse = get_avoided_set("ivl-inrego-2020").factors["laptop"]
    assert reuse.note.startswith("IVL row 'Notebook (average all sub categories)'")
    assert reuse.text("note", "sv").startswith("IVL-raden 'Notebook (average all sub categories)'")
    legacy = get_avoided_set("inrego-legacy").factors["laptop"]
    assert legacy.text("note", "sv").endswith("; inget intervall i källan")

    assert source("owid-grid").text("note", "sv").startswith("Platsbaserade värden")


def test_engine_phrases_come_in_both_languages():
    by_category = resolve_figures("storage")
    assert by_category.embodied_source.startswith("category default pcf-median-2023/storage")
    assert by_category.text("embodied_source", "sv").startswith(
        "kategoristandard pcf-median-2023/storage [ivl-inrego-2020]: inget PCF-blad"
    )
    sheet = resolve_figures("laptop", "Dell", "Latitude 5420")
    assert sheet.text("embodied_source", "sv").startswith(
        "PCF-blad Dell/Latitude 5420 [boavizta-pcf]: gwp_total 364 × gwp_manufacturing_ratio 0,848"
    )
    by_hand = resolve_figures("laptop", embodied_kg_co2e=300, lifetime_years=5)
    assert by_hand.text("embodied_source", "sv") == "inmatat för hand; inget intervall"
    assert by_hand.text("lifetime_source", "sv") == "inmatat för hand"

    nearest = get_grid("owid-swe").factor(2030)
    assert nearest.note == "no figure for 2030; nearest year 2024 used"
    assert nearest.text("note", "sv") == "inget värde för 2030; närmaste år, 2024, används"
    assert get_grid("nordic-ivl").factor(2022).text("note", "sv") == "samma värde för alla år"
    assert get_grid("owid:NOR").text("label", "sv") == "Norway, platsbaserad (OWID/Ember), per år"
    for grid_id in grid_ids():
        assert get_grid(grid_id).text("label", "sv") != get_grid(grid_id).label
