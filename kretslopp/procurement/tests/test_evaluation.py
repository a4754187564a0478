"""The evaluation through the app: the worked example, exclusions, bands, freezing."""

from __future__ import annotations

import pytest

from kretslopp.carbon.models import FootprintSettings
from kretslopp.footprint import factor_set_ids
from kretslopp.procurement import evaluation as service
from kretslopp.procurement.models import Contract, Criterion, Evaluation

from .factories import add_line, worked_example

pytestmark = pytest.mark.django_db


def test_the_worked_example_through_the_app_to_the_ore_and_the_gram():
    procurement = worked_example()
    add_line(procurement)
    line = service.run(procurement).as_dict()["results"][0]
    assert line["excluded"] is False
    assert line["lcc"]["energy_npv_ore_per_unit"] == 10_315
    assert line["lcc"]["lcc_ore_per_unit"] == 959_315
    assert line["lcc"]["lcc_ore_total"] == 2_877_945_000
    assert line["lcc"]["co2e_cost_ore_per_unit"] == 32_248
    assert line["lcc"]["lcc_with_co2e_ore_per_unit"] == 991_563
    assert line["co2e"]["embodied_g_per_unit"] == 265_400
    assert line["co2e"]["use_g_per_unit"] == 3_330
    assert line["co2e"]["total_g_per_unit"] == 268_730
    assert line["co2e"]["total_g"] == 806_190_000
    deductions = {
        award["criterion_id"]: award["deduction_ore_per_unit"] for award in line["awards"]
    }
    assert deductions == {"upph-11169": 12_000, "upph-11189": 20_000, "upph-11193": 25_000}
    assert line["value_deduction"]["comparison_ore_per_unit"] == 902_315
    assert line["value_deduction"]["comparison_ore_total"] == 2_706_945_000
    assert line["weighted_points"]["total_points"] == "79.000000"


def test_a_failed_mandatory_requirement_excludes_the_line_with_its_reason():
    procurement = worked_example()
    add_line(procurement, bidder="Kort AB", spare_part_years=2)
    add_line(procurement, bidder="Lång AB")
    result = service.run(procurement).as_dict()
    short = next(line for line in result["results"] if line["bidder"] == "Kort AB")
    assert short["excluded"] is True
    failed = [req for req in short["requirements"] if not req["passed"]]
    assert [req["criterion_id"] for req in failed] == ["upph-11185"]
    assert failed[0]["reason"]
    assert result["rankings"]["laptop"]["value_deduction"] == ["Lång AB/1"]


@pytest.mark.parametrize(
    ("tec", "fraction"),
    [
        # ETEC limit 100: the margin below it is 100 − TEC percent.
        ("20", "0.8"),  # exactly 80 % below: not "more than 80", so 0.8
        ("19.999", "1"),
        ("40", "0.8"),  # exactly 60 %: inclusive lower edge of 0.8
        ("40.001", "0.6"),
        ("60", "0.6"),  # exactly 40 %
        ("80", "0.4"),  # exactly 20 %
        ("90", "0.2"),  # exactly 10 %
        ("90.001", "0"),
    ],
)
def test_banded_scoring_at_each_band_edge(tec, fraction):
    procurement = worked_example()
    add_line(procurement, tec_kwh_per_year=tec, etec_limit_kwh_per_year="100")
    line = service.run(procurement).as_dict()["results"][0]
    award = next(award for award in line["awards"] if award["criterion_id"] == "upph-11169")
    assert award["fraction"].rstrip("0").rstrip(".") == fraction.rstrip("0").rstrip(".") or (
        float(award["fraction"]) == float(fraction)
    )


def test_an_edited_library_criterion_is_used_as_edited():
    procurement = worked_example()
    add_line(procurement, spare_part_years=4)
    criterion = Criterion.objects.get(criterion_id="upph-11185")
    criterion.check_value = 5
    criterion.version = 2
    criterion.save()
    line = service.run(procurement).as_dict()["results"][0]
    assert line["excluded"] is True


def test_deciding_freezes_the_inputs_and_makes_the_contract(admin_user):
    procurement = worked_example()
    add_line(procurement)
    add_line(procurement, bidder="Dyr AB", price_per_unit_sek="12000.00")
    evaluation = service.decide(procurement, "value_deduction", admin_user)
    procurement.refresh_from_db()
    assert procurement.is_decided
    assert evaluation.result["decision"]["winners"] == ["Exempel AB/1"]
    contract = Contract.objects.get(procurement=procurement)
    assert contract.supplier.name == "Exempel AB"
    assert [m.model for m in contract.models.all()] == ["Bärbar 14"]
    with pytest.raises(service.NotEvaluable):
        service.decide(procurement, "value_deduction", admin_user)


def test_a_frozen_evaluation_stays_identical_after_the_factor_set_changes(admin_user):
    procurement = worked_example()
    add_line(procurement, pcf_kg_co2e=None, pcf_standard="")  # uses the category default
    evaluation = service.decide(procurement, "weighted_points", admin_user)
    stored = Evaluation.objects.get(pk=evaluation.pk)
    before = {k: v for k, v in stored.result.items() if k != "decision"}
    settings = FootprintSettings.current()
    other = next(set_id for set_id in factor_set_ids() if set_id != settings.factor_set)
    settings.factor_set = other
    settings.save()
    Criterion.objects.filter(criterion_id="upph-11169").update(scoring_rule="")
    assert service.reproduce_decided(stored) == before
    assert stored.inputs["lines"][0]["pcf_kg_co2e"] is None
    assert stored.inputs["parameters"]["default_embodied"]["laptop"]["kg_co2e"]


def test_the_decision_is_on_the_audit_trail(admin_user):
    from django.contrib.contenttypes.models import ContentType

    from kretslopp.core.models import AuditEntry

    procurement = worked_example()
    add_line(procurement)
    evaluation = service.decide(procurement, "value_deduction", admin_user, "Lägsta pris")
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Evaluation), object_id=str(evaluation.pk)
    )
    assert entry.actor == admin_user
    assert entry.changes["winners"] == [None, "Exempel AB/1"]
    assert entry.changes["decision_note"] == [None, "Lägsta pris"]
    assert AuditEntry.objects.filter(object_repr__startswith="KS-2025-0042-1").exists()
