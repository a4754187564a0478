"""What an evaluation takes in: the buyer's parameters, the criteria used and the offer lines.

Every input is an immutable value that turns into plain JSON-ready dictionaries and back
(``as_dict`` / ``from_dict``), so the app can freeze an evaluation's inputs when it is decided
and run the very same evaluation again later. A criterion use carries a copy of its rule and
proof list rather than a reference into the library, for the same reason: a later edit of the
library must not change a decided evaluation.

Numbers are :class:`~decimal.Decimal` (never binary floats): money must come out to the öre.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .library import (
    CHECK_KINDS,
    CRITERION_TYPES,
    MANDATORY_TYPES,
    THRESHOLD_OPERATORS,
    Library,
    OfferColumn,
    ProofLabel,
    library,
)
from .scoring import MEASURES, BandedRule

PRICE_BASES = ("purchase_price", "lcc", "lcc_with_co2e")

#: Offer-line attributes a threshold or field check may read (the measurable columns).
CHECKABLE_FIELDS = (
    "spare_part_years",
    "warranty_years",
    "battery_cycles",
    "tec_kwh_per_year",
    "etec_limit_kwh_per_year",
    "pcf_kg_co2e",
)


class InputError(ValueError):
    """An input value is unusable; ``where`` names the line or setting, ``column`` the field."""

    def __init__(self, where: str, column: str, message: str) -> None:
        super().__init__(f"{where}, {column}: {message}")
        self.where = where
        self.column = column


def to_decimal(value: object, where: str, column: str) -> Decimal:
    """``value`` as an exact decimal; floats go through their shortest text form."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise InputError(where, column, "expected a number")
    elif isinstance(value, int | str):
        try:
            result = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise InputError(where, column, f"{value!r} is not a number") from None
    elif isinstance(value, float):
        result = Decimal(repr(value))
    else:
        raise InputError(where, column, f"{value!r} is not a number")
    if not result.is_finite():
        raise InputError(where, column, f"{value!r} is not a finite number")
    return result


def _optional_decimal(value: object, where: str, column: str) -> Decimal | None:
    if value is None or value == "":
        return None
    return to_decimal(value, where, column)


def _optional_int(value: object, where: str, column: str) -> int | None:
    if value is None or value == "":
        return None
    number = to_decimal(value, where, column)
    if number != number.to_integral_value():
        raise InputError(where, column, f"{value!r} is not a whole number")
    return int(number)


def _date(value: object, where: str, column: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(where, column, f"{value!r} is not a date YYYY-MM-DD") from None


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- the buyer's parameters ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EmbodiedDefault:
    """The embodied CO2e of a category when a bidder gives no PCF, and where it comes from."""

    kg_co2e: Decimal
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"kg_co2e": str(self.kg_co2e), "source": self.source}


@dataclass(frozen=True, slots=True)
class ProcurementParameters:
    """The buyer's lifecycle parameters and evaluation settings.

    ``discount_rate`` is a fraction per year (0.03 = 3 %). ``price_basis`` chooses the price
    both models compare: the purchase price, the lifecycle cost, or the lifecycle cost plus
    the CO2e priced at ``shadow_price_sek_per_tonne``. ``price_weight`` is the most price
    points a line can earn in the weighted-points model. ``units_by_lot`` overrides
    ``units`` for a lot; ``default_embodied`` gives, per product category, the embodied CO2e
    used when a line has no PCF (the caller takes it from its footprint factor set).
    """

    units: int
    lifetime_years: int
    discount_rate: Decimal
    electricity_price_sek_per_kwh: Decimal
    grid_kg_co2e_per_kwh: Decimal
    evaluation_date: dt.date
    shadow_price_sek_per_tonne: Decimal | None = None
    price_basis: str = "lcc"
    price_weight: Decimal = Decimal(0)
    units_by_lot: Mapping[str, int] = field(default_factory=dict)
    default_embodied: Mapping[str, EmbodiedDefault] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = "parameters"
        set_ = object.__setattr__
        set_(self, "units", _optional_int(self.units, where, "units"))
        set_(self, "lifetime_years", _optional_int(self.lifetime_years, where, "lifetime_years"))
        for name in (
            "discount_rate",
            "electricity_price_sek_per_kwh",
            "grid_kg_co2e_per_kwh",
            "price_weight",
        ):
            set_(self, name, to_decimal(getattr(self, name), where, name))
        set_(
            self,
            "shadow_price_sek_per_tonne",
            _optional_decimal(self.shadow_price_sek_per_tonne, where, "shadow_price_sek_per_tonne"),
        )
        set_(self, "evaluation_date", _date(self.evaluation_date, where, "evaluation_date"))
        set_(
            self,
            "units_by_lot",
            {
                str(lot): _optional_int(units, where, f"units_by_lot[{lot}]")
                for lot, units in dict(self.units_by_lot).items()
            },
        )
        set_(
            self,
            "default_embodied",
            {
                str(category): value
                if isinstance(value, EmbodiedDefault)
                else EmbodiedDefault(
                    to_decimal(value["kg_co2e"], where, f"default_embodied[{category}]"),
                    str(value.get("source", "")),
                )
                for category, value in dict(self.default_embodied).items()
            },
        )
        self._check()

    def _check(self) -> None:
        where = "parameters"
        if self.units is None or self.units < 1:
            raise InputError(where, "units", "must be a whole number of at least 1")
        for lot, units in self.units_by_lot.items():
            if units is None or units < 1:
                raise InputError(where, f"units_by_lot[{lot}]", "must be at least 1")
        if self.lifetime_years is None or not 1 <= self.lifetime_years <= 50:
            raise InputError(where, "lifetime_years", "must be a whole number from 1 to 50")
        if not Decimal(0) <= self.discount_rate < Decimal(1):
            raise InputError(where, "discount_rate", "must be a fraction from 0 up to 1")
        for name in ("electricity_price_sek_per_kwh", "grid_kg_co2e_per_kwh", "price_weight"):
            if getattr(self, name) < 0:
                raise InputError(where, name, "must not be negative")
        if self.evaluation_date is None:
            raise InputError(where, "evaluation_date", "is needed to check certificates")
        if self.price_basis not in PRICE_BASES:
            raise InputError(where, "price_basis", f"must be one of {', '.join(PRICE_BASES)}")
        if self.shadow_price_sek_per_tonne is not None and self.shadow_price_sek_per_tonne < 0:
            raise InputError(where, "shadow_price_sek_per_tonne", "must not be negative")
        if self.price_basis == "lcc_with_co2e" and self.shadow_price_sek_per_tonne is None:
            raise InputError(where, "price_basis", "pricing CO2e needs a shadow price")
        for category, default in self.default_embodied.items():
            if default.kg_co2e < 0:
                raise InputError(where, f"default_embodied[{category}]", "must not be negative")

    def units_for(self, lot: str) -> int:
        return self.units_by_lot.get(lot, self.units)

    def as_dict(self) -> dict[str, object]:
        return {
            "units": self.units,
            "lifetime_years": self.lifetime_years,
            "discount_rate": str(self.discount_rate),
            "electricity_price_sek_per_kwh": str(self.electricity_price_sek_per_kwh),
            "grid_kg_co2e_per_kwh": str(self.grid_kg_co2e_per_kwh),
            "evaluation_date": self.evaluation_date.isoformat(),
            "shadow_price_sek_per_tonne": _text(self.shadow_price_sek_per_tonne),
            "price_basis": self.price_basis,
            "price_weight": str(self.price_weight),
            "units_by_lot": dict(sorted(self.units_by_lot.items())),
            "default_embodied": {
                category: default.as_dict()
                for category, default in sorted(self.default_embodied.items())
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ProcurementParameters:
        return cls(**dict(data))


# --- criteria as used in one procurement ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class CriterionUse:
    """A criterion chosen for a procurement, with everything needed to judge a line.

    Mandatory types (technical specification, contract condition, qualification
    requirement) exclude a line that fails them. An award criterion gives a share (0–1) of
    ``max_points`` in the weighted-points model and of ``deduction_sek`` (per unit) in the
    value-deduction model. ``interpretation`` is the buyer's note on how the criterion is read
    in this procurement (the criteria service sometimes gives no guidance).
    """

    use_id: str
    criterion_id: str
    type: str
    check_kind: str
    accepted_proof: tuple[ProofLabel, ...] = ()
    check_field: str = ""
    check_operator: str = ""
    check_value: Decimal | None = None
    rule: BandedRule | None = None
    max_points: Decimal = Decimal(0)
    deduction_sek: Decimal = Decimal(0)
    parameters: Mapping[str, Decimal] = field(default_factory=dict)
    interpretation: str = ""

    def __post_init__(self) -> None:
        where = f"criterion {self.use_id}"
        set_ = object.__setattr__
        set_(self, "max_points", to_decimal(self.max_points, where, "max_points"))
        set_(self, "deduction_sek", to_decimal(self.deduction_sek, where, "deduction_sek"))
        set_(self, "check_value", _optional_decimal(self.check_value, where, "check_value"))
        set_(
            self,
            "parameters",
            {
                str(key): to_decimal(value, where, f"parameters[{key}]")
                for key, value in dict(self.parameters).items()
            },
        )
        set_(
            self,
            "accepted_proof",
            tuple(
                proof if isinstance(proof, ProofLabel) else ProofLabel.parse(str(proof))
                for proof in self.accepted_proof
            ),
        )
        if self.type not in CRITERION_TYPES:
            raise InputError(where, "type", f"must be one of {', '.join(CRITERION_TYPES)}")
        if self.check_kind not in CHECK_KINDS:
            raise InputError(where, "check_kind", f"must be one of {', '.join(CHECK_KINDS)}")
        if self.max_points < 0 or self.deduction_sek < 0:
            raise InputError(where, "max_points", "points and deductions must not be negative")
        if self.check_kind == "banded":
            if self.mandatory:
                raise InputError(where, "type", "banded scoring is for award criteria")
            if self.rule is None:
                raise InputError(where, "rule", "a banded criterion needs its rule")
            for name in MEASURES[self.rule.measure][2]:
                if name not in self.parameters:
                    raise InputError(where, f"parameters[{name}]", "is needed by the rule")
        checks_field = self.check_kind in ("threshold", "field_present")
        if checks_field and self.check_field not in CHECKABLE_FIELDS:
            raise InputError(where, "check_field", f"{self.check_field!r} cannot be checked")
        incomplete = self.check_operator not in THRESHOLD_OPERATORS or self.check_value is None
        if self.check_kind == "threshold" and incomplete:
            raise InputError(where, "check_value", "a threshold needs an operator and value")
        if self.check_kind == "label" and not self.accepted_proof:
            raise InputError(where, "accepted_proof", "a label check needs an accepted label")

    @property
    def mandatory(self) -> bool:
        return self.type in MANDATORY_TYPES

    @classmethod
    def from_library(
        cls,
        criterion_id: str,
        *,
        use_id: str | None = None,
        max_points: object = 0,
        deduction_sek: object = 0,
        parameters: Mapping[str, object] | None = None,
        check_value: object = None,
        interpretation: str = "",
        source: Library | None = None,
    ) -> CriterionUse:
        """A use of a library criterion, copying its check and rule into the use.

        ``check_value`` overrides the library's threshold (e.g. five years of spare parts).
        """
        criterion = (source or library()).criterion(criterion_id)
        rules = (source or library()).rules
        return cls(
            use_id=use_id or criterion_id,
            criterion_id=criterion_id,
            type=criterion.type,
            check_kind=criterion.check_kind,
            accepted_proof=criterion.accepted_proof,
            check_field=criterion.check_field,
            check_operator=criterion.check_operator,
            check_value=criterion.check_value if check_value is None else check_value,
            rule=rules[criterion.scoring_rule] if criterion.scoring_rule else None,
            max_points=max_points,
            deduction_sek=deduction_sek,
            parameters=dict(parameters or {}),
            interpretation=interpretation,
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "use_id": self.use_id,
            "criterion_id": self.criterion_id,
            "type": self.type,
            "check_kind": self.check_kind,
            "accepted_proof": [str(proof) for proof in self.accepted_proof],
            "check_field": self.check_field,
            "check_operator": self.check_operator,
            "check_value": _text(self.check_value),
            "rule": None if self.rule is None else self.rule.as_dict(),
            "max_points": str(self.max_points),
            "deduction_sek": str(self.deduction_sek),
            "parameters": {key: str(value) for key, value in sorted(self.parameters.items())},
            "interpretation": self.interpretation,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> CriterionUse:
        values = dict(data)
        rule = values.get("rule")
        values["rule"] = None if rule is None else BandedRule.from_dict(rule)  # type: ignore[arg-type]
        return cls(**values)


# --- offer lines ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Certificate:
    """A label certificate a bidder states for a line."""

    scheme_id: str
    tier: str = ""
    number: str = ""
    valid_to: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        """A certificate without an end date is not taken on trust: it counts as not valid."""
        return self.valid_to is not None and self.valid_to >= day

    def matches(self, proof: ProofLabel) -> bool:
        return self.scheme_id == proof.scheme_id and (not proof.tier or self.tier == proof.tier)

    def as_dict(self) -> dict[str, str | None]:
        return {
            "scheme_id": self.scheme_id,
            "tier": self.tier,
            "number": self.number,
            "valid_to": None if self.valid_to is None else self.valid_to.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class OfferLine:
    """One offered product: the bidder's figures in the units their names give.

    ``(bidder, line_id)`` is unique within an evaluation. ``pcf_kg_co2e`` is the product
    carbon footprint without the use phase; ``declarations`` holds the criterion ids the
    bidder declares the line meets (requirements judged by declaration).
    """

    bidder: str
    line_id: str
    lot: str
    category: str
    manufacturer: str
    model: str
    price_per_unit_sek: Decimal
    tec_kwh_per_year: Decimal
    etec_limit_kwh_per_year: Decimal | None = None
    warranty_years: int | None = None
    battery_cycles: int | None = None
    spare_part_years: int | None = None
    pcf_kg_co2e: Decimal | None = None
    pcf_standard: str = ""
    pcf_source: str = ""
    certificates: tuple[Certificate, ...] = ()
    declarations: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        where = f"line {self.bidder}/{self.line_id}"
        set_ = object.__setattr__
        for name in ("bidder", "line_id", "lot", "category", "manufacturer", "model"):
            value = str(getattr(self, name) or "").strip()
            if not value:
                raise InputError(where, name, "must not be empty")
            set_(self, name, value)
        price = to_decimal(self.price_per_unit_sek, where, "price_per_unit_sek")
        if price <= 0:
            raise InputError(where, "price_per_unit_sek", "must be more than 0")
        if price != price.quantize(Decimal("0.01")):
            raise InputError(where, "price_per_unit_sek", "has more than two decimals (öre)")
        set_(self, "price_per_unit_sek", price)
        tec = to_decimal(self.tec_kwh_per_year, where, "tec_kwh_per_year")
        if tec < 0:
            raise InputError(where, "tec_kwh_per_year", "must not be negative")
        set_(self, "tec_kwh_per_year", tec)
        limit = _optional_decimal(self.etec_limit_kwh_per_year, where, "etec_limit_kwh_per_year")
        if limit is not None and limit <= 0:
            raise InputError(where, "etec_limit_kwh_per_year", "must be more than 0")
        set_(self, "etec_limit_kwh_per_year", limit)
        for name in ("warranty_years", "battery_cycles", "spare_part_years"):
            number = _optional_int(getattr(self, name), where, name)
            if number is not None and number < 0:
                raise InputError(where, name, "must not be negative")
            set_(self, name, number)
        pcf = _optional_decimal(self.pcf_kg_co2e, where, "pcf_kg_co2e")
        if pcf is not None and (pcf < 0 or pcf != pcf.quantize(Decimal("0.001"))):
            raise InputError(where, "pcf_kg_co2e", "must be 0 or more with at most three decimals")
        set_(self, "pcf_kg_co2e", pcf)
        set_(
            self,
            "certificates",
            tuple(
                cert
                if isinstance(cert, Certificate)
                else Certificate(
                    scheme_id=str(cert["scheme_id"]),
                    tier=str(cert.get("tier") or ""),
                    number=str(cert.get("number") or ""),
                    valid_to=_date(cert.get("valid_to"), where, "certificate valid_to"),
                )
                for cert in self.certificates
            ),
        )
        set_(self, "declarations", frozenset(str(item) for item in self.declarations))

    @property
    def ref(self) -> str:
        """The line's key in results and rankings."""
        return f"{self.bidder}/{self.line_id}"

    def as_dict(self) -> dict[str, object]:
        return {
            "bidder": self.bidder,
            "line_id": self.line_id,
            "lot": self.lot,
            "category": self.category,
            "manufacturer": self.manufacturer,
            "model": self.model,
            "price_per_unit_sek": str(self.price_per_unit_sek),
            "tec_kwh_per_year": str(self.tec_kwh_per_year),
            "etec_limit_kwh_per_year": _text(self.etec_limit_kwh_per_year),
            "warranty_years": self.warranty_years,
            "battery_cycles": self.battery_cycles,
            "spare_part_years": self.spare_part_years,
            "pcf_kg_co2e": _text(self.pcf_kg_co2e),
            "pcf_standard": self.pcf_standard,
            "pcf_source": self.pcf_source,
            "certificates": [cert.as_dict() for cert in self.certificates],
            "declarations": sorted(self.declarations),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> OfferLine:
        return cls(**dict(data))


# --- one row of a bidder's form ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CellError:
    """A problem in one cell of a bidder's form; ``row`` as the spreadsheet numbers it."""

    row: int
    column: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class OfferRowError(ValueError):
    """Every problem found in one row, so the bidder can fix them all at once."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


def parse_offer_row(
    values: Mapping[str, object], columns: list[OfferColumn], *, row: int
) -> OfferLine:
    """An :class:`OfferLine` from one form row keyed by column id, checked column by column.

    Cells follow the columns' kinds (a decimal comma is accepted; yes/no columns take
    ``yes``/``no``, ``ja``/``nej``, ``true``/``false``, ``1``/``0``). Every bad cell is
    reported with its row and column before anything is built.
    """
    errors: list[CellError] = []
    parsed: dict[str, object] = {}
    for column in columns:
        raw = values.get(column.column_id)
        text = "" if raw is None else str(raw).strip()
        if not text:
            if column.required:
                errors.append(CellError(row, column.column_id, "required", "must not be empty"))
            parsed[column.column_id] = None
            continue
        try:
            parsed[column.column_id] = _parse_cell(column, raw, text)
        except InputError as error:
            errors.append(CellError(row, column.column_id, "invalid", str(error).split(": ", 1)[1]))
    if errors:
        raise OfferRowError(errors)
    certificates = []
    for slot in ("certificate_1", "certificate_2"):
        scheme = parsed.get(f"{slot}_scheme")
        if scheme:
            certificates.append(
                Certificate(
                    scheme_id=str(scheme),
                    tier=str(parsed.get(f"{slot}_tier") or ""),
                    number=str(parsed.get(f"{slot}_number") or ""),
                    valid_to=parsed.get(f"{slot}_valid_to"),  # type: ignore[arg-type]
                )
            )
    declarations = {
        column_id.split(":", 1)[1]
        for column_id, value in parsed.items()
        if column_id.startswith("declaration:") and value is True
    }
    try:
        return OfferLine(
            bidder=str(parsed.get("bidder") or ""),
            line_id=str(parsed.get("line_id") or ""),
            lot=str(parsed.get("lot") or ""),
            category=str(parsed.get("category") or ""),
            manufacturer=str(parsed.get("manufacturer") or ""),
            model=str(parsed.get("model") or ""),
            price_per_unit_sek=parsed.get("price_per_unit_sek"),  # type: ignore[arg-type]
            tec_kwh_per_year=parsed.get("tec_kwh_per_year"),  # type: ignore[arg-type]
            etec_limit_kwh_per_year=parsed.get("etec_limit_kwh_per_year"),  # type: ignore[arg-type]
            warranty_years=parsed.get("warranty_years"),  # type: ignore[arg-type]
            battery_cycles=parsed.get("battery_cycles"),  # type: ignore[arg-type]
            spare_part_years=parsed.get("spare_part_years"),  # type: ignore[arg-type]
            pcf_kg_co2e=parsed.get("pcf_kg_co2e"),  # type: ignore[arg-type]
            pcf_standard=str(parsed.get("pcf_standard") or ""),
            pcf_source=str(parsed.get("pcf_source") or ""),
            certificates=tuple(certificates),
            declarations=frozenset(declarations),
        )
    except InputError as error:
        raise OfferRowError([CellError(row, error.column, "invalid", str(error))]) from None


YES = {"yes", "ja", "true", "1", "x"}
NO = {"no", "nej", "false", "0"}


def _parse_cell(column: OfferColumn, raw: object, text: str) -> object:
    where = column.column_id
    if column.kind == "decimal":
        return to_decimal(raw if not isinstance(raw, str) else text, where, column.column_id)
    if column.kind == "integer":
        return _optional_int(raw if not isinstance(raw, str) else text, where, column.column_id)
    if column.kind == "date":
        return _date(raw, where, column.column_id)
    if column.kind == "choice":
        if text not in column.choices:
            raise InputError(where, column.column_id, f"{text!r} is not in the list")
        return text
    if column.kind == "yes_no":
        lowered = text.lower()
        if lowered in YES:
            return True
        if lowered in NO:
            return False
        raise InputError(where, column.column_id, f"{text!r} is not yes or no")
    return text
