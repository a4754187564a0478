"""The offer evaluation: requirements, award points, lifecycle cost and CO2e, both Swedish models.

Exactness, decided once (``docs/methodology.md``, "Procurement: evaluating offers"):

* money is whole öre (``int``); the purchase price is exact, the discounted energy cost per
  unit is rounded half up to the öre once, and totals are per-unit öre × units;
* CO2e is whole grams (``int``), each per-unit part rounded half up once;
* energy is paid at the end of each year of use and discounted from year 1:
  ``Σ_{t=1..L} cost / (1 + r)^t``;
* points are decimals rounded half up to six places before they are added and ranked.

Lines are compared only within their lot. A line failing a mandatory criterion is excluded
with every failed requirement as its reason; its costs and CO2e are still computed so that a
page can show them. Equal values share a rank (1, 1, 3); the listing order of tied lines is
by bidder and line id, so the output never depends on input order.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .model import (
    Certificate,
    CriterionUse,
    InputError,
    OfferLine,
    ProcurementParameters,
)
from .scoring import MEASURES

#: Bumped whenever a rule of the computation changes, and stored with every result.
METHOD_VERSION = "1"

ORE_PER_SEK = 100
GRAMS_PER_KG = 1000
GRAMS_PER_TONNE = 1_000_000
POINTS_QUANTUM = Decimal("0.000001")
PRECISION = 50


def round_half_up(value: Decimal) -> int:
    """``value`` rounded to a whole number, halves away from zero (the bookkeeping rule)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def points(value: Decimal) -> Decimal:
    return value.quantize(POINTS_QUANTUM, rounding=ROUND_HALF_UP)


def annuity_factor(discount_rate: Decimal, lifetime_years: int) -> Decimal:
    """``Σ_{t=1..L} (1 + r)^−t``: today's value of 1 paid at the end of each of L years."""
    with localcontext() as context:
        context.prec = PRECISION
        if discount_rate == 0:
            return Decimal(lifetime_years)
        one_plus = Decimal(1) + discount_rate
        return sum((Decimal(1) / one_plus**t for t in range(1, lifetime_years + 1)), Decimal(0))


# --- results -------------------------------------------------------------------------------


@dataclass(slots=True)
class RequirementResult:
    """A mandatory criterion judged on one line: met or not, why, and on what evidence.

    Results that depend only on a value are shared between lines: treat them as read-only.
    """

    use_id: str
    criterion_id: str
    passed: bool
    reason: str
    evidence: Mapping[str, object]

    def as_dict(self) -> dict[str, object]:
        return {
            "use_id": self.use_id,
            "criterion_id": self.criterion_id,
            "passed": self.passed,
            "reason": self.reason,
            "evidence": dict(self.evidence),
        }


@dataclass(slots=True)
class AwardResult:
    """An award criterion scored on one line: the share earned, the band hit, the amounts.

    Results that depend only on a value are shared between lines: treat them as read-only.
    """

    use_id: str
    criterion_id: str
    fraction: Decimal
    reason: str
    evidence: Mapping[str, object]
    points: Decimal
    deduction_ore_per_unit: int

    def as_dict(self) -> dict[str, object]:
        return {
            "use_id": self.use_id,
            "criterion_id": self.criterion_id,
            "fraction": str(self.fraction),
            "reason": self.reason,
            "evidence": dict(self.evidence),
            "points": str(self.points),
            "deduction_ore_per_unit": self.deduction_ore_per_unit,
        }


@dataclass(slots=True)
class LineResult:
    """Everything computed for one offer line; every number behind its ranks is here."""

    ref: str
    bidder: str
    line_id: str
    lot: str
    units: int
    requirements: list[RequirementResult]
    awards: list[AwardResult]
    price_ore_per_unit: int
    energy_kwh_per_unit: Decimal
    energy_cost_ore_per_year: Decimal
    energy_npv_ore_per_unit: int
    lcc_ore_per_unit: int
    embodied_g_co2e_per_unit: int
    embodied_basis: str
    embodied_source: str
    use_g_co2e_per_unit: int
    co2e_g_per_unit: int
    co2e_cost_ore_per_unit: int | None
    basis_ore_per_unit: int
    deductions_ore_per_unit: int = 0
    comparison_ore_per_unit: int = 0
    price_points: Decimal = Decimal(0)
    criteria_points: Decimal = Decimal(0)
    total_points: Decimal = Decimal(0)
    rank_value_deduction: int | None = None
    rank_weighted_points: int | None = None

    @property
    def excluded(self) -> bool:
        return any(not requirement.passed for requirement in self.requirements)

    @property
    def exclusion_reasons(self) -> list[RequirementResult]:
        return [requirement for requirement in self.requirements if not requirement.passed]

    @property
    def lcc_with_co2e_ore_per_unit(self) -> int | None:
        if self.co2e_cost_ore_per_unit is None:
            return None
        return self.lcc_ore_per_unit + self.co2e_cost_ore_per_unit

    def as_dict(self) -> dict[str, object]:
        units = self.units
        with_co2e = self.lcc_with_co2e_ore_per_unit
        return {
            "ref": self.ref,
            "bidder": self.bidder,
            "line_id": self.line_id,
            "lot": self.lot,
            "units": units,
            "excluded": self.excluded,
            "requirements": [requirement.as_dict() for requirement in self.requirements],
            "awards": [award.as_dict() for award in self.awards],
            "lcc": {
                "price_ore_per_unit": self.price_ore_per_unit,
                "energy_kwh_per_unit": str(self.energy_kwh_per_unit),
                "energy_cost_ore_per_year": str(self.energy_cost_ore_per_year),
                "energy_npv_ore_per_unit": self.energy_npv_ore_per_unit,
                "lcc_ore_per_unit": self.lcc_ore_per_unit,
                "lcc_ore_total": self.lcc_ore_per_unit * units,
                "co2e_cost_ore_per_unit": self.co2e_cost_ore_per_unit,
                "lcc_with_co2e_ore_per_unit": with_co2e,
                "lcc_with_co2e_ore_total": None if with_co2e is None else with_co2e * units,
            },
            "co2e": {
                "embodied_g_per_unit": self.embodied_g_co2e_per_unit,
                "embodied_basis": self.embodied_basis,
                "embodied_source": self.embodied_source,
                "use_g_per_unit": self.use_g_co2e_per_unit,
                "total_g_per_unit": self.co2e_g_per_unit,
                "total_g": self.co2e_g_per_unit * units,
            },
            "value_deduction": {
                "basis_ore_per_unit": self.basis_ore_per_unit,
                "deductions_ore_per_unit": self.deductions_ore_per_unit,
                "comparison_ore_per_unit": self.comparison_ore_per_unit,
                "comparison_ore_total": self.comparison_ore_per_unit * units,
                "rank": self.rank_value_deduction,
            },
            "weighted_points": {
                "price_points": str(self.price_points),
                "criteria_points": str(self.criteria_points),
                "total_points": str(self.total_points),
                "rank": self.rank_weighted_points,
            },
        }


@dataclass(frozen=True)
class Evaluation:
    """An evaluation's inputs and results; ``as_dict`` is what the app freezes."""

    parameters: ProcurementParameters
    criteria: tuple[CriterionUse, ...]
    lines: tuple[OfferLine, ...]
    results: tuple[LineResult, ...]
    rankings: Mapping[str, Mapping[str, tuple[str, ...]]]

    def result(self, ref: str) -> LineResult:
        for result in self.results:
            if result.ref == ref:
                return result
        raise KeyError(ref)

    def inputs_dict(self) -> dict[str, object]:
        return {
            "parameters": self.parameters.as_dict(),
            "criteria": [use.as_dict() for use in self.criteria],
            "lines": [line.as_dict() for line in self.lines],
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "method_version": METHOD_VERSION,
            "inputs": self.inputs_dict(),
            "results": [result.as_dict() for result in self.results],
            "rankings": {
                lot: {model: list(refs) for model, refs in models.items()}
                for lot, models in sorted(self.rankings.items())
            },
        }

    def to_json(self) -> str:
        """Canonical JSON (sorted keys): two equal evaluations give byte-equal text."""
        return json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False)


def inputs_from_dict(data: Mapping[str, object]):
    """The inputs stored by :meth:`Evaluation.inputs_dict`, ready for :func:`evaluate`."""
    return (
        ProcurementParameters.from_dict(data["parameters"]),  # type: ignore[arg-type]
        [CriterionUse.from_dict(use) for use in data["criteria"]],  # type: ignore[union-attr]
        [OfferLine.from_dict(line) for line in data["lines"]],  # type: ignore[union-attr]
    )


def reproduce(frozen: Mapping[str, object]) -> Evaluation:
    """Run a frozen evaluation (``Evaluation.as_dict()``) again from its stored inputs.

    A different ``method_version`` is refused: the stored result was made by other rules.
    """
    if frozen.get("method_version") != METHOD_VERSION:
        raise ValueError(
            f"evaluation made with method version {frozen.get('method_version')!r}, "
            f"this engine is version {METHOD_VERSION!r}"
        )
    return evaluate(*inputs_from_dict(frozen["inputs"]))  # type: ignore[arg-type]


# --- the evaluation ------------------------------------------------------------------------


def evaluate(
    parameters: ProcurementParameters,
    criteria: Sequence[CriterionUse],
    lines: Iterable[OfferLine],
) -> Evaluation:
    """Evaluate every offer line against the criteria with the buyer's parameters."""
    criteria = tuple(criteria)
    lines = tuple(lines)
    _check_unique(criteria, lines)
    with cyclic_gc_paused(), localcontext() as decimal_context:
        decimal_context.prec = PRECISION
        context = _Context(parameters, criteria)
        results = [context.line(line) for line in lines]
        rankings = _rank(parameters, results)
    return Evaluation(parameters, criteria, lines, tuple(results), rankings)


@contextmanager
def cyclic_gc_paused(collect_after: bool = False) -> Iterator[None]:
    """Pause Python's cycle collector for a block of acyclic bulk work, then restore it.

    An evaluation allocates hundreds of thousands of small acyclic objects (results, evidence
    dictionaries); cycle-collection passes triggered by them find nothing to free and took
    about a third of the run time in the benchmark. Reference counting still frees memory.
    Reading an offer's lines (procurement) and loading the demo pause it the same way (this
    module is plain Python, so both may use it); ``collect_after`` runs one collection at
    the end.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            if collect_after:
                gc.collect()


def _check_unique(criteria: Sequence[CriterionUse], lines: Sequence[OfferLine]) -> None:
    seen: set[str] = set()
    for use in criteria:
        if use.use_id in seen:
            raise InputError(f"criterion {use.use_id}", "use_id", "is used twice")
        seen.add(use.use_id)
    refs: set[str] = set()
    for line in lines:
        if line.ref in refs:
            raise InputError(f"line {line.ref}", "line_id", "appears twice for this bidder")
        refs.add(line.ref)


class _Labels:
    """A line's certificates split once into valid and not valid on the evaluation day."""

    __slots__ = ("valid", "invalid")

    def __init__(self, line: OfferLine, day) -> None:
        self.valid: list[Certificate] = []
        self.invalid: list[Certificate] = []
        for certificate in line.certificates:
            if certificate.valid_on(day):
                self.valid.append(certificate)
            else:
                self.invalid.append(certificate)


class _Proof:
    """The labels a criterion use accepts, as sets for quick matching."""

    __slots__ = ("any_tier", "tiered", "accepted", "plain_note")

    def __init__(self, use: CriterionUse) -> None:
        self.any_tier = {proof.scheme_id for proof in use.accepted_proof if not proof.tier}
        self.tiered = {(proof.scheme_id, proof.tier) for proof in use.accepted_proof if proof.tier}
        self.accepted = [str(proof) for proof in use.accepted_proof]
        self.plain_note = {"accepted_labels": self.accepted} if self.accepted else {}

    def first(self, certificates: list[Certificate]) -> dict | None:
        for certificate in certificates:
            if (
                certificate.scheme_id in self.any_tier
                or (certificate.scheme_id, certificate.tier) in self.tiered
            ):
                return certificate.as_dict()
        return None

    def note(self, labels: _Labels, day: str) -> dict[str, object]:
        """Evidence of an accepted label that is present but not valid on the evaluation day.

        Without such a label the note is the same for every line and is shared (read-only).
        """
        invalid = self.first(labels.invalid) if labels.invalid else None
        if invalid is None:
            return self.plain_note
        return {**self.plain_note, "invalid_certificate": invalid, "evaluation_date": day}


class _Context:
    """Per-evaluation constants and one compiled scorer per criterion use.

    Results that depend only on a value (a band hit, a declaration) are built once per
    criterion and value and shared between lines; they are immutable.
    """

    def __init__(self, parameters: ProcurementParameters, criteria: Sequence[CriterionUse]):
        self.parameters = parameters
        self.day = parameters.evaluation_date
        self.day_text = self.day.isoformat()
        self.annuity = annuity_factor(parameters.discount_rate, parameters.lifetime_years)
        self.ore_per_kwh = parameters.electricity_price_sek_per_kwh * ORE_PER_SEK
        # Today's value, in öre, of one kWh a year over the lifetime.
        self.npv_ore_per_kwh_per_year = self.ore_per_kwh * self.annuity
        self.g_per_kwh = parameters.grid_kg_co2e_per_kwh * GRAMS_PER_KG
        self.lifetime = Decimal(parameters.lifetime_years)
        self.shadow_ore_per_g = (
            None
            if parameters.shadow_price_sek_per_tonne is None
            else parameters.shadow_price_sek_per_tonne * ORE_PER_SEK / GRAMS_PER_TONNE
        )
        self.requirements = [self._requirement(use) for use in criteria if use.mandatory]
        self.awards = [self._award(use) for use in criteria if not use.mandatory]

    def line(self, line: OfferLine) -> LineResult:
        parameters = self.parameters
        price_ore = int(line.price_per_unit_sek * ORE_PER_SEK)
        energy_kwh = line.tec_kwh_per_year * self.lifetime
        cost_per_year = line.tec_kwh_per_year * self.ore_per_kwh
        energy_npv = round_half_up(line.tec_kwh_per_year * self.npv_ore_per_kwh_per_year)
        lcc = price_ore + energy_npv
        embodied_g, basis, source = self._embodied(line)
        use_g = round_half_up(energy_kwh * self.g_per_kwh)
        co2e_g = embodied_g + use_g
        co2e_cost = (
            None if self.shadow_ore_per_g is None else round_half_up(co2e_g * self.shadow_ore_per_g)
        )
        if parameters.price_basis == "purchase_price":
            basis_ore = price_ore
        elif parameters.price_basis == "lcc":
            basis_ore = lcc
        else:  # lcc_with_co2e: the parameters refuse it without a shadow price
            basis_ore = lcc + (co2e_cost or 0)
        labels = _Labels(line, self.day)
        requirements = [check(line, labels) for check in self.requirements]
        awards = [score(line, labels) for score in self.awards]
        deductions = 0
        criteria_points = Decimal(0)
        for award in awards:
            deductions += award.deduction_ore_per_unit
            criteria_points += award.points
        return LineResult(
            ref=line.ref,
            bidder=line.bidder,
            line_id=line.line_id,
            lot=line.lot,
            units=parameters.units_for(line.lot),
            requirements=requirements,
            awards=awards,
            price_ore_per_unit=price_ore,
            energy_kwh_per_unit=energy_kwh,
            energy_cost_ore_per_year=cost_per_year,
            energy_npv_ore_per_unit=energy_npv,
            lcc_ore_per_unit=lcc,
            embodied_g_co2e_per_unit=embodied_g,
            embodied_basis=basis,
            embodied_source=source,
            use_g_co2e_per_unit=use_g,
            co2e_g_per_unit=co2e_g,
            co2e_cost_ore_per_unit=co2e_cost,
            basis_ore_per_unit=basis_ore,
            deductions_ore_per_unit=deductions,
            comparison_ore_per_unit=basis_ore - deductions,
            criteria_points=criteria_points,
        )

    def _embodied(self, line: OfferLine) -> tuple[int, str, str]:
        """The bidder's PCF where given (data quality ``bidder_pcf``), else the category's."""
        if line.pcf_kg_co2e is not None:
            source = "; ".join(part for part in (line.pcf_standard, line.pcf_source) if part)
            return int(line.pcf_kg_co2e * GRAMS_PER_KG), "bidder_pcf", source
        default = self.parameters.default_embodied.get(line.category)
        if default is None:
            raise InputError(
                f"line {line.ref}",
                "pcf_kg_co2e",
                f"no PCF given and no category default for {line.category!r}",
            )
        return round_half_up(default.kg_co2e * GRAMS_PER_KG), "category_default", default.source

    # --- mandatory criteria ---

    def _requirement(self, use: CriterionUse):
        """A function judging one line against the mandatory ``use``."""
        proof = _Proof(use)
        day = self.day_text

        def result(passed: bool, reason: str, **evidence: object) -> RequirementResult:
            return RequirementResult(use.use_id, use.criterion_id, passed, reason, evidence)

        kind = use.check_kind
        if kind == "threshold":
            required = {
                "field": use.check_field,
                "operator": use.check_operator,
                "required": str(use.check_value),
            }
            met_cache: dict[object, RequirementResult] = {}

            def threshold(line: OfferLine, labels: _Labels) -> RequirementResult:
                value = getattr(line, use.check_field)
                if value is not None and _compare(
                    Decimal(value), use.check_operator, use.check_value
                ):
                    cached = met_cache.get(value)
                    if cached is None:
                        cached = met_cache[value] = result(
                            True, "met", value=str(value), **required
                        )
                    return cached
                label = proof.first(labels.valid) if proof.accepted else None
                if label is not None:
                    return result(True, "met_by_label", value=_str(value), **required,
                                  certificate=label)  # fmt: skip
                reason = "missing_value" if value is None else "not_met"
                return result(
                    False, reason, value=_str(value), **required, **proof.note(labels, day)
                )

            return threshold
        if kind == "declaration":
            declared = result(True, "declared")

            def declaration(line: OfferLine, labels: _Labels) -> RequirementResult:
                if use.criterion_id in line.declarations:
                    return declared
                label = proof.first(labels.valid) if proof.accepted else None
                if label is not None:
                    return result(True, "met_by_label", certificate=label)
                return result(False, "not_declared", **proof.note(labels, day))

            return declaration
        if kind == "label":

            def label_check(line: OfferLine, labels: _Labels) -> RequirementResult:
                label = proof.first(labels.valid)
                if label is not None:
                    return result(True, "met_by_label", certificate=label)
                return result(False, "no_valid_label", **proof.note(labels, day))

            return label_check
        if kind == "field_present":
            missing = result(False, "missing_value", field=use.check_field)

            def present(line: OfferLine, labels: _Labels) -> RequirementResult:
                value = getattr(line, use.check_field)
                if value is None:
                    return missing
                return result(True, "present", field=use.check_field, value=str(value))

            return present
        raise AssertionError(f"unhandled check kind {kind!r}")  # pragma: no cover

    # --- award criteria ---

    def _award(self, use: CriterionUse):
        """A function scoring one line on the award criterion ``use``."""
        proof = _Proof(use)
        day = self.day_text
        amounts: dict[Decimal, tuple[Decimal, int]] = {}

        def result(fraction: Decimal, reason: str, evidence: dict) -> AwardResult:
            amount = amounts.get(fraction)
            if amount is None:
                amount = amounts[fraction] = (
                    points(fraction * use.max_points),
                    round_half_up(fraction * use.deduction_sek * ORE_PER_SEK),
                )
            return AwardResult(use.use_id, use.criterion_id, fraction, reason, evidence, *amount)

        zero, one = Decimal(0), Decimal(1)
        kind = use.check_kind
        if kind == "banded":
            assert use.rule is not None
            rule = use.rule
            measure, columns, _, few_values = MEASURES[rule.measure]
            names = {id(band): band.describe() for band in rule.bands}
            cache: dict[Decimal, AwardResult] = {}

            def scored(value: Decimal) -> AwardResult:
                evidence = {"measure": rule.measure, "value": str(value)}
                band = rule.band_for(value)
                if band is None:
                    return result(zero, "no_band", evidence)
                evidence["band"] = names[id(band)]
                return result(band.fraction, "band", evidence)

            def banded(line: OfferLine, labels: _Labels) -> AwardResult:
                value = measure(line, use.parameters)
                if value is None:
                    missing = [name for name in columns if getattr(line, name) is None]
                    return result(
                        zero, "missing_value", {"measure": rule.measure, "missing": missing}
                    )
                if not few_values:
                    return scored(value)
                cached = cache.get(value)
                if cached is None:
                    cached = cache[value] = scored(value)
                return cached

            return banded
        if kind == "label":

            def label_award(line: OfferLine, labels: _Labels) -> AwardResult:
                label = proof.first(labels.valid)
                if label is None:
                    return result(zero, "no_valid_label", proof.note(labels, day))
                return result(one, "label", {"certificate": label})

            return label_award
        if kind == "declaration":
            declared = result(one, "declared", {})
            undeclared = result(zero, "not_declared", {})

            def declaration(line: OfferLine, labels: _Labels) -> AwardResult:
                return declared if use.criterion_id in line.declarations else undeclared

            return declaration
        if kind == "field_present":
            absent = result(zero, "missing_value", {"field": use.check_field})

            def present(line: OfferLine, labels: _Labels) -> AwardResult:
                value = getattr(line, use.check_field)
                if value is None:
                    return absent
                return result(one, "present", {"field": use.check_field, "value": str(value)})

            return present
        if kind == "threshold":

            def threshold(line: OfferLine, labels: _Labels) -> AwardResult:
                value = getattr(line, use.check_field)
                met = value is not None and _compare(
                    Decimal(value), use.check_operator, use.check_value
                )
                evidence = {"field": use.check_field, "value": _str(value)}
                return result(one, "met", evidence) if met else result(zero, "not_met", evidence)

            return threshold
        raise AssertionError(f"unhandled check kind {kind!r}")  # pragma: no cover


def _compare(value: Decimal, operator: str, threshold: Decimal | None) -> bool:
    assert threshold is not None
    return value >= threshold if operator == ">=" else value <= threshold


def _str(value: object) -> str | None:
    return None if value is None else str(value)


# --- ranking -------------------------------------------------------------------------------


def _rank(
    parameters: ProcurementParameters, results: list[LineResult]
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Rank the lines of each lot in both models; excluded lines get no rank."""
    lots: dict[str, list[LineResult]] = {}
    for result in results:
        lots.setdefault(result.lot, []).append(result)
    rankings: dict[str, dict[str, tuple[str, ...]]] = {}
    for lot, members in sorted(lots.items()):
        eligible = sorted(
            (result for result in members if not result.excluded),
            key=lambda result: (result.bidder, result.line_id),
        )
        if eligible:
            lowest = min(result.basis_ore_per_unit for result in eligible)
            for result in eligible:
                share = Decimal(lowest) / Decimal(result.basis_ore_per_unit)
                result.price_points = points(share * parameters.price_weight)
                result.total_points = result.price_points + result.criteria_points
        by_price = sorted(eligible, key=lambda result: result.comparison_ore_per_unit)
        _assign(by_price, lambda result: result.comparison_ore_per_unit, "rank_value_deduction")
        by_points = sorted(eligible, key=lambda result: -result.total_points)
        _assign(by_points, lambda result: result.total_points, "rank_weighted_points")
        rankings[lot] = {
            "value_deduction": tuple(result.ref for result in by_price),
            "weighted_points": tuple(result.ref for result in by_points),
        }
    return rankings


def _assign(ordered: list[LineResult], key, attribute: str) -> None:
    """Competition ranking: equal keys share the rank, the next rank skips (1, 1, 3)."""
    previous = object()
    rank = 0
    for position, result in enumerate(ordered, start=1):
        value = key(result)
        if value != previous:
            rank = position
            previous = value
        setattr(result, attribute, rank)
