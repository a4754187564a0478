"""The shipped criteria library: complete, sourced, bilingual, and refused when malformed."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from kretslopp.footprint import CATEGORY_CODES
from kretslopp.footprint.sources import DATA_DIR as FOOTPRINT_DATA
from kretslopp.tendering import LibraryError, library
from kretslopp.tendering.library import DATA_DIR, read_library

AGENCY_IDS = {"11185", "11186:1", "11169", "11189", "11193", "11180:1", "11330", "11331"}


def test_the_agencys_it_criteria_are_in_the_library_with_their_ids_levels_and_types():
    criteria = {c.source_ref: c for c in library().criteria.values() if c.source_ref}
    assert set(criteria) >= AGENCY_IDS
    assert criteria["11169"].level == "bas" and criteria["11169"].type == "award_criterion"
    assert criteria["11193"].level == "avancerad"
    assert criteria["11180:1"].type == "contract_condition"
    assert criteria["11185"].type == "technical_specification"
    assert str(criteria["11185"].version_date) == "2018-04-20"
    assert {p.scheme_id for p in criteria["11185"].accepted_proof} == {
        "tco-certified",
        "eu-ecolabel",
        "blue-angel",
    }


def test_every_criterion_has_a_summary_follow_up_and_note_in_both_languages():
    for criterion in library().criteria.values():
        for name in ("title", "summary", "follow_up", "note"):
            assert criterion.text(name, "sv"), (criterion.criterion_id, name)
            assert criterion.text(name, "en"), (criterion.criterion_id, name)
            assert criterion.text(name, "sv") != criterion.text(name, "en") or name == "title"


def test_a_row_without_a_confirmed_date_says_so_in_its_note():
    for criterion in library().criteria.values():
        if criterion.source == "Upphandlingsmyndigheten" and criterion.last_reviewed is None:
            assert "could not be confirmed" in criterion.note_en, criterion.criterion_id
            assert "gick inte att bekräfta" in criterion.note_sv, criterion.criterion_id


def test_sources_use_the_footprint_sources_columns_so_one_registry_can_take_both():
    with (
        (DATA_DIR / "sources.csv").open(encoding="utf-8") as ours,
        (FOOTPRINT_DATA / "sources.csv").open(encoding="utf-8") as theirs,
    ):
        assert next(csv.reader(ours)) == next(csv.reader(theirs))
    used = {c.source_id for c in library().criteria.values()}
    used |= {t.source_id for t in library().labels.values()}
    assert used <= set(library().sources)


def test_label_schemes_have_their_generations_and_tiers():
    schemes = library().schemes()
    assert {t.tier for t in schemes["tco-certified"]} == {"generation-9", "generation-10"}
    assert {t.tier for t in schemes["epeat"]} == {"bronze", "silver", "gold", "climate-plus"}
    generation_10 = library().labels[("tco-certified", "generation-10")]
    assert (generation_10.valid_from, generation_10.valid_to) == ("2024-12", "2027-12")


def test_the_form_gets_the_columns_the_chosen_criteria_need():
    ids = [c.column_id for c in library().offer_columns(["upph-11185", "upph-11186"])]
    assert "spare_part_years" in ids
    assert "etec_limit_kwh_per_year" not in ids and "battery_cycles" not in ids
    assert ids[-1] == "declaration:upph-11186"
    with_energy = [c.column_id for c in library().offer_columns(["upph-11169"])]
    assert "etec_limit_kwh_per_year" in with_energy
    with pytest.raises(KeyError, match="no-such"):
        library().offer_columns(["no-such"])


def test_every_form_column_has_swedish_and_english_labels_and_categories_match_the_taxonomy():
    for column in library().columns.values():
        assert column.label_sv and column.label_en and column.description_sv
    assert set(library().columns["category"].choices) <= set(CATEGORY_CODES)


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def _edit(path: Path, row: int, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0])
    rows[row - 2][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "message", "reported"),
    [
        ("criteria.csv", 3, "type", "nice_to_have", "is not one of", (3, "type")),
        ("criteria.csv", 4, "scoring_rule", "no-such-rule", "unknown rule", (4, "scoring_rule")),
        (
            "criteria.csv",
            2,
            "accepted_proof",
            "tco-certified:generation-99",
            "unknown label",
            (2, "accepted_proof"),
        ),
        ("criteria.csv", 2, "summary_sv", "", "must not be empty", (2, "summary_sv")),
        # [40, 70) overlaps [60, 80]: reported at the rule's last band.
        ("scoring-bands.csv", 4, "upper", "70", "overlap", (6, "lower")),
        ("scoring-bands.csv", 2, "fraction", "1.5", "from 0 to 1", (2, "fraction")),
        ("labels.csv", 2, "product_groups", "toasters", "unknown group", (2, "product_groups")),
        ("offer-columns.csv", 9, "needed_by", "upph-99999", "unknown criterion", (9, "needed_by")),
    ],
)
def test_a_malformed_data_file_is_refused_naming_file_row_and_column(
    tmp_path, file, row, column, value, message, reported
):
    folder = _copy(tmp_path)
    _edit(folder / file, row, column, value)
    with pytest.raises(LibraryError, match=message) as caught:
        read_library(folder)
    assert (caught.value.file, caught.value.row, caught.value.column) == (file, *reported)
