"""The evaluation as a buyer sees it: exclusions with reasons, rankings, and reproducibility."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from kretslopp.tendering import (
    CriterionUse,
    InputError,
    OfferRowError,
    evaluate,
    library,
    parse_offer_row,
    reproduce,
)

from .helpers import EVALUATION_DAY, certificate, line, parameters


def test_a_line_failing_a_requirement_is_excluded_with_its_reason_and_evidence():
    spare_parts = CriterionUse.from_library("upph-11185")
    evaluation = evaluate(
        parameters(),
        [spare_parts],
        [line("ok", spare_part_years=3), line("short", spare_part_years=2), line("blank")],
    )
    ok, short, blank = evaluation.results
    assert not ok.excluded and ok.requirements[0].reason == "met"
    assert short.excluded
    [reason] = short.exclusion_reasons
    assert reason.criterion_id == "upph-11185" and reason.reason == "not_met"
    assert reason.evidence["value"] == "2" and reason.evidence["required"] == "3"
    assert blank.exclusion_reasons[0].reason == "missing_value"
    assert evaluation.rankings["laptop"]["value_deduction"] == ("Leverantör A/ok",)
    assert short.rank_value_deduction is None and short.rank_weighted_points is None
    # The excluded line's lifecycle figures are still there to be shown.
    assert short.lcc_ore_per_unit > short.price_ore_per_unit > 0


def test_a_valid_accepted_label_meets_a_requirement_and_an_expired_one_does_not():
    spare_parts = CriterionUse.from_library("upph-11185")
    expired = certificate(valid_to=EVALUATION_DAY - dt.timedelta(days=1))
    evaluation = evaluate(
        parameters(),
        [spare_parts],
        [
            line("labelled", certificates=[certificate()]),
            line("expired", certificates=[expired]),
            line("other-label", certificates=[certificate("epeat", "gold")]),
        ],
    )
    labelled, lapsed, other = evaluation.results
    assert labelled.requirements[0].reason == "met_by_label"
    assert labelled.requirements[0].evidence["certificate"]["number"] == "C-1"
    assert lapsed.excluded
    assert lapsed.requirements[0].evidence["invalid_certificate"]["valid_to"] == "2025-02-28"
    assert other.excluded  # EPEAT is not proof of spare parts under 11185


def test_a_certificate_valid_on_the_evaluation_day_counts_one_without_end_date_does_not():
    tco = CriterionUse.from_library("own-tco-certified")
    evaluation = evaluate(
        parameters(),
        [tco],
        [
            line("last-day", certificates=[certificate(valid_to=EVALUATION_DAY)]),
            line("open-ended", certificates=[certificate(valid_to=None)]),
        ],
    )
    assert [r.excluded for r in evaluation.results] == [False, True]


def test_a_contract_condition_must_be_accepted_by_the_bidder():
    reporting = CriterionUse.from_library("upph-11180-1")
    evaluation = evaluate(
        parameters(),
        [reporting],
        [line("yes", declarations={"upph-11180-1"}), line("no")],
    )
    assert [r.requirements[0].reason for r in evaluation.results] == ["declared", "not_declared"]
    assert evaluation.results[1].excluded


def _mobiles():
    """Four bidders for one lot of phones, worked by hand in the test below."""
    criteria = [
        CriterionUse.from_library("own-tco-certified"),
        CriterionUse.from_library("own-tco-edge-ewaste", max_points=30, deduction_sek=200),
    ]
    edge = certificate("tco-certified-edge", "e-waste-compensated", number="E-1")
    expired = certificate(valid_to=EVALUATION_DAY - dt.timedelta(days=10))
    common = {"lot": "mobil", "category": "smartphone", "tec_kwh_per_year": "5"}
    lines = [
        line("1", bidder="A", price_per_unit_sek="4000.00", certificates=[certificate(), edge],
             **common),
        line("1", bidder="B", price_per_unit_sek="3800.00", certificates=[certificate()],
             **common),
        line("1", bidder="C", price_per_unit_sek="3500.00", certificates=[expired], **common),
        line("1", bidder="D", price_per_unit_sek="4200.00", certificates=[certificate(), edge],
             **common),
    ]  # fmt: skip
    return evaluate(parameters(price_basis="purchase_price", price_weight="70"), criteria, lines)


def test_both_evaluation_models_rank_a_small_example_as_worked_by_hand():
    evaluation = _mobiles()
    a, b, c, d = evaluation.results
    assert c.excluded  # its TCO Certified certificate ran out before the evaluation day
    # Value deductions: A 4 000 − 200 = 3 800, B 3 800 − 0 = 3 800, D 4 200 − 200 = 4 000.
    assert [r.comparison_ore_per_unit for r in (a, b, d)] == [380000, 380000, 400000]
    assert [r.rank_value_deduction for r in (a, b, d)] == [1, 1, 3]
    assert evaluation.rankings["mobil"]["value_deduction"] == ("A/1", "B/1", "D/1")
    # Weighted points: price points = lowest price (B, 3 800) / price × 70, plus 30 for Edge.
    assert a.price_points == Decimal("66.500000")  # 3 800 / 4 000 × 70
    assert b.price_points == Decimal("70.000000")
    assert d.price_points == Decimal("63.333333")  # 3 800 / 4 200 × 70 = 63.3333…
    assert [r.total_points for r in (a, b, d)] == [
        Decimal("96.500000"),
        Decimal("70.000000"),
        Decimal("93.333333"),
    ]
    assert evaluation.rankings["mobil"]["weighted_points"] == ("A/1", "D/1", "B/1")
    assert [r.rank_weighted_points for r in (a, d, b)] == [1, 2, 3]


def test_lines_are_only_compared_within_their_lot():
    evaluation = evaluate(
        parameters(units_by_lot={"mobil": 1200}),
        [],
        [
            line("laptop", price_per_unit_sek="9000.00"),
            line("phone", lot="mobil", category="smartphone", price_per_unit_sek="3000.00"),
        ],
    )
    assert set(evaluation.rankings) == {"laptop", "mobil"}
    laptop, phone = evaluation.results
    assert laptop.rank_value_deduction == phone.rank_value_deduction == 1
    assert laptop.price_points == phone.price_points == Decimal("60.000000")
    assert (laptop.units, phone.units) == (100, 1200)


def test_the_result_is_plain_json_and_the_frozen_evaluation_reproduces_exactly():
    evaluation = _mobiles()
    frozen = json.loads(evaluation.to_json())
    again = reproduce(frozen)
    assert again.to_json() == evaluation.to_json()
    assert frozen["results"][0]["lcc"]["lcc_ore_per_unit"] == evaluation.results[0].lcc_ore_per_unit
    frozen["method_version"] = "0"
    with pytest.raises(ValueError, match="method version"):
        reproduce(frozen)


def test_the_input_order_does_not_change_the_rankings():
    evaluation = _mobiles()
    reversed_lines = list(reversed(evaluation.lines))
    again = evaluate(evaluation.parameters, evaluation.criteria, reversed_lines)
    assert again.rankings == evaluation.rankings


def test_a_later_library_edit_does_not_change_a_frozen_criterion_use():
    use = CriterionUse.from_library("upph-11169", max_points=10)
    stored = use.as_dict()
    assert stored["rule"]["bands"][0]["fraction"] == "1"
    assert CriterionUse.from_dict(stored) == use
    assert library().rules["upph-11169-etec-margin"] == use.rule


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: line(price_per_unit_sek="100.005"), "more than two decimals"),
        (lambda: line(price_per_unit_sek="0"), "more than 0"),
        (lambda: line(tec_kwh_per_year="tjugo"), "is not a number"),
        (lambda: line(warranty_years="2.5"), "not a whole number"),
        (lambda: line(pcf_kg_co2e="1.0001"), "three decimals"),
        (lambda: parameters(price_basis="lcc_with_co2e"), "needs a shadow price"),
        (lambda: parameters(discount_rate="1.2"), "discount_rate"),
        (lambda: parameters(lifetime_years=0), "lifetime_years"),
    ],
)
def test_bad_inputs_are_refused_naming_the_line_or_setting_and_the_field(build, message):
    with pytest.raises(InputError, match=message):
        build()


def test_duplicate_lines_and_a_missing_embodied_default_are_refused_by_name():
    with pytest.raises(InputError, match="Leverantör A/1, line_id"):
        evaluate(parameters(), [], [line("1"), line("1")])
    with pytest.raises(InputError, match="no PCF given and no category default for 'tablet'"):
        evaluate(parameters(), [], [line("1", category="tablet")])


def test_a_bidders_form_row_is_read_with_every_bad_cell_located():
    columns = library().offer_columns(["upph-11185", "upph-11186", "upph-11169"])
    good = {
        "bidder": "Leverantör B",
        "line_id": "7",
        "lot": "laptop",
        "category": "laptop",
        "manufacturer": "Tillverkare",
        "model": "X 14",
        "price_per_unit_sek": "8 990,50",
        "tec_kwh_per_year": "17,2",
        "spare_part_years": "5",
        "certificate_1_scheme": "tco-certified",
        "certificate_1_tier": "generation-10",
        "certificate_1_number": "TCO-123",
        "certificate_1_valid_to": "2026-06-30",
        "declaration:upph-11186": "Ja",
    }
    offer = parse_offer_row(good, columns, row=4)
    assert offer.price_per_unit_sek == Decimal("8990.50")
    assert offer.declarations == {"upph-11186"}
    assert offer.certificates[0].valid_to == dt.date(2026, 6, 30)
    bad = {**good, "model": "", "price_per_unit_sek": "billigt", "category": "toaster",
           "declaration:upph-11186": "kanske"}  # fmt: skip
    with pytest.raises(OfferRowError) as caught:
        parse_offer_row(bad, columns, row=9)
    located = {(error.row, error.column) for error in caught.value.errors}
    assert located == {
        (9, "model"),
        (9, "price_per_unit_sek"),
        (9, "category"),
        (9, "declaration:upph-11186"),
    }
