"""Catalogue models are matched to PCF sheets; unsure matches are never used silently."""

from __future__ import annotations

import time

import pytest

from kretslopp.footprint.engine import resolve_figures
from kretslopp.footprint.matching import MATCH_REASONS, match_key, match_model, resolve_model


def test_exact_match_ignores_case_and_manufacturer_spelling():
    match = match_model("Dell Inc.", "latitude 5420")
    assert match is not None
    assert match.status == "exact" and match.confidence == 1.0
    assert match.record.name == "Latitude 5420"


def test_catalogue_name_with_manufacturer_and_filler_words_is_a_probable_match():
    match = match_model("HP", "HP EliteBook 840 G8 Notebook PC")
    assert match is not None
    assert match.status == "probable"
    assert 0.85 <= match.confidence < 1.0
    assert match.record.name == "EliteBook 840 Aero G8 Notebook PC"
    assert match.usable


def test_hewlett_packard_is_hp():
    match = match_model("Hewlett-Packard", "EliteBook 845 G8")
    assert match is not None and match.record.manufacturer == "HP"


def test_a_model_with_several_form_factors_is_ambiguous():
    match = match_model("Dell", "OptiPlex 7090")
    assert match is not None
    assert match.status == "ambiguous"
    assert len(match.candidates) >= 2
    assert match.confidence < 0.5
    assert not match.usable


def test_a_generation_the_sheets_do_not_have_is_a_weak_match():
    match = match_model("Lenovo", "ThinkPad X1 Carbon Gen 9")
    assert match is not None
    assert match.status == "weak"
    assert match.record.name == "ThinkPad X1 Carbon"


def test_a_model_without_a_sheet_has_no_match():
    assert match_model("Lenovo", "ThinkPad T14 Gen 2") is None
    assert match_model("Unknown Maker", "Latitude 5420") is None
    assert match_model("", "Latitude 5420") is None


def test_gen_and_generation_spellings_meet():
    assert match_key("Lenovo", "ThinkPad T14 Gen 2") == match_key("LENOVO", "thinkpad t14 2nd gen")


@pytest.mark.parametrize(
    ("manufacturer", "model", "status"),
    [("Dell", "OptiPlex 7090", "ambiguous"), ("Lenovo", "ThinkPad X1 Carbon Gen 9", "weak")],
)
def test_weak_and_ambiguous_matches_fall_back_to_the_category_and_say_why(
    manufacturer, model, status
):
    category = "desktop" if "OptiPlex" in model else "laptop"
    figures = resolve_figures(category, manufacturer, model)
    assert figures.data_quality == "category"
    assert figures.resolution is not None
    assert figures.resolution.match is not None
    assert figures.resolution.match.status == status
    assert not figures.resolution.used
    assert "category default used" in figures.resolution.reason
    assert figures.embodied_source.startswith("category default pcf-median-2023/")


def test_a_confirmed_decision_uses_the_sheet_and_a_rejection_uses_none():
    model = "ThinkPad X1 Carbon Gen 9"
    key = match_key("Lenovo", model)
    confirmed = resolve_figures(
        "laptop", "Lenovo", model, decisions={key: "Lenovo/ThinkPad X1 Carbon"}
    )
    assert confirmed.resolution is not None and confirmed.resolution.decision == "confirmed"
    record = confirmed.resolution.record
    assert record is not None and record.name == "ThinkPad X1 Carbon"
    if record.embodied_kg_co2e is not None:
        assert confirmed.data_quality == "model"
        assert confirmed.embodied_kg_co2e == pytest.approx(record.embodied_kg_co2e)

    exact_key = match_key("Dell", "Latitude 5420")
    rejected = resolve_figures("laptop", "Dell", "Latitude 5420", decisions={exact_key: None})
    assert rejected.data_quality == "category"
    assert rejected.resolution is not None and rejected.resolution.decision == "rejected"


def test_category_keeps_sheets_of_other_categories_out():
    # "P2419H" is a monitor; asking for a laptop of that name finds nothing.
    assert match_model("Dell", "P2419H", "monitor") is not None
    assert match_model("Dell", "P2419H", "laptop") is None


def test_matching_thousands_of_catalogue_models_is_fast():
    match_model.cache_clear()
    resolve_model("Dell", "Latitude 5420")  # builds the index once
    names = [f"Latitude {n}" for n in range(5000, 7500)] + [
        f"OptiPlex {n}" for n in range(3000, 3500)
    ]
    started = time.perf_counter()
    for name in names:
        match_model("Dell", name)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"3,000 matches took {elapsed:.2f} s"


def test_a_reason_is_a_marked_template_with_its_figures_kept_apart():
    weak = resolve_model("Lenovo", "ThinkPad X1 Carbon Gen 9")
    assert weak.match is not None
    assert weak.reason_template in MATCH_REASONS
    assert "%(confidence)s" in weak.reason_template
    assert weak.reason_params == (("confidence", weak.match.confidence),)
    assert weak.reason == (
        f"weak match (confidence {weak.match.confidence:.2f}) not used without confirmation; "
        "category default used"
    )
    # The web layer translates the template and writes the figure its own way.
    shouty = weak.explain(lambda text: text.replace("weak match", "WEAK"), lambda v: "0,5")
    assert shouty.startswith("WEAK (confidence 0,5) not used")

    exact = resolve_model("Dell", "Latitude 5420")
    assert (exact.reason_template, exact.reason_params, exact.reason) == (
        "exact match",
        (),
        "exact match",
    )
    rejected = resolve_model("Dell", "Latitude 5420", decisions={exact.key: None})
    assert rejected.reason == "match rejected by a person"
    assert resolve_model("", "").reason == "no manufacturer or model given"
    assert resolve_model("Lenovo", "ThinkPad T14 Gen 2").reason == "no PCF sheet matches"
    assert {r.reason_template for r in (weak, exact, rejected)} <= set(MATCH_REASONS)
