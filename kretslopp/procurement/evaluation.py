"""Running a procurement's evaluation through :mod:`kretslopp.tendering`, and deciding it.

The app only gathers the inputs: the buyer's parameters from the procurement, each criterion
use with the check and rule of the library row *as stored now* (so a criterion procurement
edited is judged as edited), every offer line, and the embodied CO2e default per category
from the organisation's footprint factor set. The engine does all the arithmetic. Deciding
stores the complete inputs and result, so the decided evaluation can be reproduced exactly
however the library or the factor set change later (:func:`reproduce_decided`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kretslopp import footprint, tendering
from kretslopp.carbon.models import FootprintSettings
from kretslopp.core import audit
from kretslopp.tendering.engine import cyclic_gc_paused

from .models import (
    Contract,
    ContractModel,
    Evaluation,
    Offer,
    OfferLine,
    Procurement,
    ProcurementStatus,
)

AWARD_MODELS = ("value_deduction", "weighted_points")


class NotEvaluable(ValueError):
    """The procurement cannot be evaluated as it stands; the message says what is missing."""


@dataclass(frozen=True)
class Run:
    """An evaluation computed now, with where the embodied defaults came from."""

    evaluation: tendering.Evaluation
    embodied_source: str

    def as_dict(self) -> dict[str, object]:
        return self.evaluation.as_dict()


def criterion_uses(procurement: Procurement) -> list[tendering.CriterionUse]:
    """The criteria used, each copying the check and rule of its library row as stored."""
    rules = tendering.library().rules
    uses = []
    for use in procurement.criterion_uses.select_related("criterion"):
        criterion = use.criterion
        uses.append(
            tendering.CriterionUse(
                use_id=criterion.criterion_id,
                criterion_id=criterion.criterion_id,
                type=use.type,
                check_kind=criterion.check_kind,
                accepted_proof=tuple(criterion.accepted_proof),
                check_field=criterion.check_field,
                check_operator=criterion.check_operator,
                check_value=criterion.check_value if use.check_value is None else use.check_value,
                rule=rules.get(criterion.scoring_rule) if criterion.scoring_rule else None,
                max_points=use.max_points,
                deduction_sek=use.deduction_sek,
                parameters=dict(use.parameters or {}),
                interpretation=use.interpretation,
            )
        )
    return uses


#: The offer-line fields the engine takes, in :class:`tendering.OfferLine`'s order.
LINE_FIELDS = (
    "line_id",
    "lot",
    "category",
    "manufacturer",
    "model",
    "price_per_unit_sek",
    "tec_kwh_per_year",
    "etec_limit_kwh_per_year",
    "warranty_years",
    "battery_cycles",
    "spare_part_years",
    "pcf_kg_co2e",
    "pcf_standard",
    "pcf_source",
)


def offer_lines(procurement: Procurement) -> list[tendering.OfferLine]:
    """Every line of every offer, the bidder named as its supplier is.

    Read as plain values, not model instances, and the certificates built directly: an
    evaluation reads tens of thousands of lines (see ``benchmarks/bench_procurement.py``).
    The engine's own checks still run on every line.
    """
    bidders = dict(
        Offer.objects.filter(procurement=procurement).values_list("pk", "supplier__name")
    )
    rows = (
        OfferLine.objects.filter(offer__procurement=procurement)
        .order_by("offer_id", "row_number", "line_id")
        .values_list("offer_id", *LINE_FIELDS, "certificates", "declarations")
    )
    return [
        tendering.OfferLine(
            bidder=bidders[offer_id],
            **dict(zip(LINE_FIELDS, values, strict=True)),
            certificates=certificates_of(certificates),
            declarations=frozenset(declarations or ()),
        )
        for offer_id, *values, certificates, declarations in rows
    ]


def certificates_of(stored: list[dict] | None) -> tuple[tendering.Certificate, ...]:
    """The stored certificate dictionaries as the engine's values."""
    return tuple(
        tendering.Certificate(
            scheme_id=str(cert["scheme_id"]),
            tier=cert.get("tier") or "",
            number=cert.get("number") or "",
            valid_to=dt.date.fromisoformat(cert["valid_to"]) if cert.get("valid_to") else None,
        )
        for cert in stored or ()
    )


def line_input(row: OfferLine) -> tendering.OfferLine:
    """One stored line as the engine's value."""
    return tendering.OfferLine(
        bidder=row.offer.supplier.name,
        **{name: getattr(row, name) for name in LINE_FIELDS},
        certificates=certificates_of(row.certificates),
        declarations=frozenset(row.declarations or ()),
    )


def embodied_defaults(categories: set[str]) -> tuple[dict[str, tendering.EmbodiedDefault], str]:
    """Embodied CO2e per category from the organisation's chosen footprint factor set."""
    factor_set = FootprintSettings.current().factor_set
    defaults = {}
    for category in sorted(categories):
        try:
            factors = footprint.category_factors(category, factor_set)
        except (KeyError, ValueError):
            continue
        # The source names the factor set and category; their basis and sources are on the
        # methodology page, in the reader's language.
        defaults[category] = tendering.EmbodiedDefault(
            Decimal(repr(factors.embodied_kg_co2e)), f"{factor_set}, {category}"
        )
    return defaults, factor_set


def parameters(
    procurement: Procurement, categories: set[str], today: dt.date | None = None
) -> tuple[tendering.ProcurementParameters, str]:
    defaults, factor_set = embodied_defaults(categories)
    return (
        tendering.ProcurementParameters(
            units=procurement.units,
            lifetime_years=procurement.lifetime_years,
            discount_rate=procurement.discount_rate,
            electricity_price_sek_per_kwh=procurement.sek_per_kwh,
            grid_kg_co2e_per_kwh=procurement.grid_kg_co2e_per_kwh,
            evaluation_date=procurement.evaluation_date or today or timezone.localdate(),
            shadow_price_sek_per_tonne=procurement.shadow_price_sek_per_tonne,
            price_basis=procurement.price_basis,
            price_weight=procurement.price_weight,
            units_by_lot=dict(procurement.units_by_lot or {}),
            default_embodied=defaults,
        ),
        factor_set,
    )


def run(procurement: Procurement, today: dt.date | None = None) -> Run:
    """Evaluate the procurement as it stands now (nothing is stored)."""
    with cyclic_gc_paused():
        return _run(procurement, today)


def _run(procurement: Procurement, today: dt.date | None) -> Run:
    lines = offer_lines(procurement)
    if not lines:
        raise NotEvaluable("no offers")
    uses = criterion_uses(procurement)
    try:
        params, factor_set = parameters(procurement, {line.category for line in lines}, today)
        return Run(tendering.evaluate(params, uses, lines), factor_set)
    except tendering.InputError as error:
        raise NotEvaluable(str(error)) from None


def winners(result: dict[str, Any], award_model: str) -> list[dict[str, Any]]:
    """The first-ranked line of each lot under ``award_model`` (none for a lot with no
    eligible line), as their result dictionaries."""
    by_ref = {line["ref"]: line for line in result["results"]}
    out = []
    for _lot, models in sorted(result["rankings"].items()):
        ranked = models[award_model]
        if ranked:
            out.append(by_ref[ranked[0]])
    return out


@transaction.atomic
def decide(procurement: Procurement, award_model: str, by: Any, note: str = "") -> Evaluation:
    """Freeze the evaluation and make the contracts with the winning lines' suppliers.

    Refused when the procurement is already decided. The stored ``inputs`` are exactly what
    the engine was given; ``result`` is the engine's result plus the decision (the model the
    award follows and the winning line per lot).
    """
    if award_model not in AWARD_MODELS:
        raise NotEvaluable(f"unknown award model {award_model!r}")
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    if procurement.is_decided:
        raise NotEvaluable("already decided")
    computed = run(procurement)
    frozen = computed.as_dict()
    result = {key: value for key, value in frozen.items() if key != "inputs"}
    chosen = winners(frozen, award_model)
    result["decision"] = {"award_model": award_model, "winners": [w["ref"] for w in chosen]}
    evaluation = Evaluation.objects.create(
        procurement=procurement,
        method_version=str(frozen["method_version"]),
        inputs=frozen["inputs"],
        result=result,
        embodied_source=computed.embodied_source,
        decided_at=timezone.now(),
        decided_by=by if getattr(by, "pk", None) else None,
        decision_note=note,
    )
    audit.record(
        evaluation,
        "create",
        {
            "decided_at": [None, audit.text(evaluation.decided_at)],
            "award_model": [None, award_model],
            "winners": [None, ", ".join(result["decision"]["winners"])],
            "method_version": [None, evaluation.method_version],
            "decision_note": [None, note],
        },
        actor=by,
    )
    lines = {
        (row.offer.supplier.name, row.line_id): row
        for row in OfferLine.objects.filter(offer__procurement=procurement).select_related(
            "offer__supplier"
        )
    }
    contracts: dict[int, Contract] = {}
    for winner in chosen:
        row = lines[(winner["bidder"], winner["line_id"])]
        supplier = row.offer.supplier
        contract = contracts.get(supplier.pk)
        if contract is None:
            contract = Contract.objects.create(
                procurement=procurement,
                evaluation=evaluation,
                supplier=supplier,
                reference=f"{procurement.reference}-{len(contracts) + 1}",
                starts_on=procurement.period_start,
                ends_on=procurement.period_end,
            )
            contracts[supplier.pk] = contract
        ContractModel.objects.create(
            contract=contract,
            offer_line=row,
            lot=row.lot,
            category=row.category,
            manufacturer=row.manufacturer,
            model=row.model,
            price_per_unit_sek=row.price_per_unit_sek,
            units=winner["units"],
        )
    procurement.status = ProcurementStatus.DECIDED
    procurement.save()
    return evaluation


def decided(procurement: Procurement) -> Evaluation | None:
    return procurement.evaluations.filter(decided_at__isnull=False).first()


def reproduce_decided(evaluation: Evaluation) -> dict[str, object]:
    """The decided evaluation run again from its frozen inputs (engine result, no decision)."""
    again = tendering.reproduce(
        {"method_version": evaluation.method_version, "inputs": evaluation.inputs}
    ).as_dict()
    return {key: value for key, value in again.items() if key != "inputs"}
