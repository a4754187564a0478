"""The evaluation protocol: the result arranged by lot for the page, and as one flat table.

Both read the engine's result dictionary (``tendering.Evaluation.as_dict``), live or frozen,
so the page, the printable protocol and the XLSX export show the very same numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from . import explain
from .models import Procurement


def lots(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Per lot: its lines ranked by value deduction (excluded lines last) and both orders."""
    by_ref = {line["ref"]: line for line in result["results"]}
    winners = set((result.get("decision") or {}).get("winners", []))
    out = []
    for lot, models in sorted(result["rankings"].items()):
        ranked = [by_ref[ref] for ref in models["value_deduction"]]
        excluded = sorted(
            (line for line in result["results"] if line["lot"] == lot and line["excluded"]),
            key=lambda line: line["ref"],
        )
        out.append(
            {
                "lot": lot,
                "lines": ranked + excluded,
                "by_points": [by_ref[ref] for ref in models["weighted_points"]],
                "winners": winners,
            }
        )
    return out


def _sek(ore: int | None) -> Decimal | None:
    return None if ore is None else Decimal(ore) / 100


def _kg(grams: int | None) -> Decimal | None:
    return None if grams is None else Decimal(grams) / 1000


def table(
    procurement: Procurement, result: dict[str, Any], names: dict[str, str] | None = None
) -> tuple[list[str], list[list]]:
    """One row per offer line with every number behind its ranks (SEK, kg CO2e)."""
    header = [
        _("Procurement"),
        _("Lot"),
        _("Bidder"),
        _("Line"),
        _("Excluded"),
        _("Reasons for exclusion"),
        _("Price per unit, SEK"),
        _("Energy cost, present value per unit, SEK"),
        _("Lifecycle cost per unit, SEK"),
        _("Lifecycle cost for all units, SEK"),
        _("Embodied CO2e per unit, kg"),
        _("Embodied CO2e basis"),
        _("Use-phase CO2e per unit, kg"),
        _("Lifecycle CO2e per unit, kg"),
        _("CO2e priced per unit, SEK"),
        _("Value deductions per unit, SEK"),
        _("Comparison price per unit, SEK"),
        _("Rank, value deductions"),
        _("Price points"),
        _("Criteria points"),
        _("Total points"),
        _("Rank, weighted points"),
        _("Award criteria"),
    ]
    names = names or {}
    rows = []
    for lot in lots(result):
        for line in lot["lines"]:
            reasons = "; ".join(
                f"{names.get(req['criterion_id'], req['criterion_id'])}: "
                f"{explain.reason_text(req['reason'])} "
                f"({explain.evidence_text(req['evidence'])})"
                for req in line["requirements"]
                if not req["passed"]
            )
            awards = "; ".join(
                f"{names.get(award['criterion_id'], award['criterion_id'])}: {award['fraction']} "
                f"({explain.reason_text(award['reason'])}; "
                f"{explain.evidence_text(award['evidence'])})"
                for award in line["awards"]
            )
            rows.append(
                [
                    procurement.reference,
                    line["lot"],
                    line["bidder"],
                    line["line_id"],
                    _("yes") if line["excluded"] else _("no"),
                    reasons,
                    _sek(line["lcc"]["price_ore_per_unit"]),
                    _sek(line["lcc"]["energy_npv_ore_per_unit"]),
                    _sek(line["lcc"]["lcc_ore_per_unit"]),
                    _sek(line["lcc"]["lcc_ore_total"]),
                    _kg(line["co2e"]["embodied_g_per_unit"]),
                    f"{explain.embodied_text(line['co2e']['embodied_basis'])}: "
                    f"{line['co2e']['embodied_source']}",
                    _kg(line["co2e"]["use_g_per_unit"]),
                    _kg(line["co2e"]["total_g_per_unit"]),
                    _sek(line["lcc"]["co2e_cost_ore_per_unit"]),
                    _sek(line["value_deduction"]["deductions_ore_per_unit"]),
                    _sek(line["value_deduction"]["comparison_ore_per_unit"]),
                    line["value_deduction"]["rank"],
                    Decimal(line["weighted_points"]["price_points"]),
                    Decimal(line["weighted_points"]["criteria_points"]),
                    Decimal(line["weighted_points"]["total_points"]),
                    line["weighted_points"]["rank"],
                    awards,
                ]
            )
    return header, rows
