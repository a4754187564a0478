"""The criteria library, label schemes, scoring bands and offer-form columns, read from data.

Everything a procurement chooses from lives in CSV files beside this module
(``kretslopp/tendering/data``, format in ``data/SOURCES.md``), so that procurement staff can
review and version it like any other data and the Django app can copy it into its database.
Loading validates every file and names the file, row and column of any problem: a broken
library must never reach an evaluation.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from .scoring import Band, BandedRule

DATA_DIR = Path(__file__).resolve().parent / "data"

CRITERION_TYPES = (
    "technical_specification",
    "award_criterion",
    "contract_condition",
    "qualification_requirement",
)
#: Types a line must meet to stay in the evaluation; award criteria only give points.
MANDATORY_TYPES = frozenset(
    {"technical_specification", "contract_condition", "qualification_requirement"}
)
LEVELS = ("", "bas", "avancerad", "spjutspets", "core", "comprehensive")
PRODUCT_GROUPS = ("computers", "displays", "mobile_phones", "tablets", "imaging_equipment")
CHECK_KINDS = ("threshold", "declaration", "label", "banded", "field_present")
THRESHOLD_OPERATORS = (">=", "<=")
COLUMN_KINDS = ("text", "decimal", "integer", "date", "choice", "yes_no")


class LibraryError(ValueError):
    """A shipped data file is malformed; the message names file, row and column."""

    def __init__(self, file: str, row: int, column: str, message: str) -> None:
        super().__init__(f"{file}, row {row}, column {column}: {message}")
        self.file = file
        self.row = row
        self.column = column


def _swedish(language: str | None) -> bool:
    return bool(language) and language.replace("_", "-").split("-")[0].lower() == "sv"


@dataclass(frozen=True, slots=True)
class Source:
    """A published source; the columns are those of ``kretslopp/footprint/data/sources.csv``."""

    source_id: str
    title: str
    publisher: str
    year: str
    licence: str
    url: str
    file: str
    note: str
    note_sv: str

    def text(self, name: str, language: str | None = None) -> str:
        """``note`` in Swedish or English; bibliographic fields as published."""
        if name == "note" and _swedish(language):
            return self.note_sv or self.note
        return getattr(self, name)


@dataclass(frozen=True, slots=True)
class ProofLabel:
    """A label accepted as proof: a scheme, optionally narrowed to one tier or generation."""

    scheme_id: str
    tier: str = ""

    @classmethod
    def parse(cls, text: str) -> ProofLabel:
        scheme, _, tier = text.partition(":")
        return cls(scheme.strip(), tier.strip())

    def __str__(self) -> str:
        return f"{self.scheme_id}:{self.tier}" if self.tier else self.scheme_id


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion of the library, with our own summary in Swedish and English.

    ``check_kind`` says how an offer line is judged against it (see ``data/SOURCES.md``);
    ``note`` says what could not be confirmed at the source.
    """

    criterion_id: str
    source: str
    source_id: str
    source_ref: str
    level: str
    type: str
    product_groups: tuple[str, ...]
    title_en: str
    title_sv: str
    summary_en: str
    summary_sv: str
    accepted_proof: tuple[ProofLabel, ...]
    follow_up_en: str
    follow_up_sv: str
    version_date: dt.date | None
    last_reviewed: dt.date | None
    url: str
    check_kind: str
    check_field: str
    check_operator: str
    check_value: Decimal | None
    scoring_rule: str
    note_en: str
    note_sv: str

    @property
    def mandatory(self) -> bool:
        return self.type in MANDATORY_TYPES

    def text(self, name: str, language: str | None = None) -> str:
        """``title``, ``summary``, ``follow_up`` or ``note`` in Swedish or English."""
        return getattr(self, f"{name}_{'sv' if _swedish(language) else 'en'}")


@dataclass(frozen=True, slots=True)
class LabelTier:
    """One generation or tier of a label scheme (TCO Certified generation 10, EPEAT Gold …)."""

    scheme_id: str
    tier: str
    scheme: str
    tier_label_en: str
    tier_label_sv: str
    product_groups: tuple[str, ...]
    valid_from: str
    valid_to: str
    summary_en: str
    summary_sv: str
    source_id: str
    url: str
    note_en: str
    note_sv: str

    def text(self, name: str, language: str | None = None) -> str:
        return getattr(self, f"{name}_{'sv' if _swedish(language) else 'en'}")


@dataclass(frozen=True, slots=True)
class OfferColumn:
    """One column of the bidders' offer form, shared by the form and its import."""

    column_id: str
    label_sv: str
    label_en: str
    unit: str
    kind: str
    required: bool
    choices: tuple[str, ...]
    needed_by: tuple[str, ...]
    description_sv: str
    description_en: str

    def text(self, name: str, language: str | None = None) -> str:
        return getattr(self, f"{name}_{'sv' if _swedish(language) else 'en'}")


@dataclass(frozen=True)
class Library:
    """The whole shipped library, validated."""

    sources: dict[str, Source]
    criteria: dict[str, Criterion]
    labels: dict[tuple[str, str], LabelTier]
    rules: dict[str, BandedRule]
    columns: dict[str, OfferColumn] = field(default_factory=dict)

    def criterion(self, criterion_id: str) -> Criterion:
        try:
            return self.criteria[criterion_id]
        except KeyError:
            raise KeyError(f"unknown criterion id {criterion_id!r}") from None

    def schemes(self) -> dict[str, tuple[LabelTier, ...]]:
        """Every scheme id with its tiers in file order."""
        out: dict[str, list[LabelTier]] = {}
        for tier in self.labels.values():
            out.setdefault(tier.scheme_id, []).append(tier)
        return {scheme: tuple(tiers) for scheme, tiers in out.items()}

    def offer_columns(self, criterion_ids: list[str] | tuple[str, ...]) -> list[OfferColumn]:
        """The form's columns for a procurement using ``criterion_ids``.

        Columns needed by every form come first; a column tied to criteria appears when one of
        them is chosen; each chosen criterion judged by the bidder's declaration gets a yes/no
        column ``declaration:<criterion id>`` at the end.
        """
        chosen = set(criterion_ids)
        for criterion_id in chosen:
            self.criterion(criterion_id)
        columns = [
            column
            for column in self.columns.values()
            if not column.needed_by or chosen.intersection(column.needed_by)
        ]
        for criterion_id in criterion_ids:
            criterion = self.criteria[criterion_id]
            if criterion.check_kind == "declaration":
                columns.append(declaration_column(criterion))
        return columns


def declaration_column(criterion: Criterion) -> OfferColumn:
    """The yes/no column in which a bidder declares that a line meets ``criterion``."""
    return OfferColumn(
        column_id=f"declaration:{criterion.criterion_id}",
        label_sv=f"Uppfyller: {criterion.title_sv}",
        label_en=f"Meets: {criterion.title_en}",
        unit="",
        kind="yes_no",
        required=False,
        choices=("yes", "no"),
        needed_by=(criterion.criterion_id,),
        description_sv=criterion.summary_sv,
        description_en=criterion.summary_en,
    )


# --- reading -------------------------------------------------------------------------------


def _rows(name: str, data_dir: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of a data file with their row numbers as a spreadsheet shows them (header = 1)."""
    with (data_dir / name).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = []
        for number, row in enumerate(reader, start=2):
            if None in row or any(value is None for value in row.values()):
                raise LibraryError(name, number, "-", "wrong number of cells")
            rows.append((number, {key: value.strip() for key, value in row.items()}))
        return rows


def _required(name: str, number: int, row: dict[str, str], column: str) -> str:
    value = row[column]
    if not value:
        raise LibraryError(name, number, column, "must not be empty")
    return value


def _one_of(name: str, number: int, row: dict[str, str], column: str, allowed) -> str:
    value = row[column]
    if value not in allowed:
        raise LibraryError(name, number, column, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _date(name: str, number: int, row: dict[str, str], column: str) -> dt.date | None:
    value = row[column]
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise LibraryError(name, number, column, f"{value!r} is not a date YYYY-MM-DD") from None


def _decimal(name: str, number: int, row: dict[str, str], column: str) -> Decimal | None:
    value = row[column]
    if not value:
        return None
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise LibraryError(name, number, column, f"{value!r} is not a number") from None
    if not result.is_finite():
        raise LibraryError(name, number, column, f"{value!r} is not a finite number")
    return result


def _yes_no(name: str, number: int, row: dict[str, str], column: str) -> bool:
    return _one_of(name, number, row, column, ("yes", "no")) == "yes"


def _list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def read_sources(data_dir: Path = DATA_DIR) -> dict[str, Source]:
    out: dict[str, Source] = {}
    for number, row in _rows("sources.csv", data_dir):
        source_id = _required("sources.csv", number, row, "source_id")
        if source_id in out:
            raise LibraryError("sources.csv", number, "source_id", f"{source_id!r} repeats")
        for column in ("title", "publisher", "year", "licence", "note", "note_sv"):
            _required("sources.csv", number, row, column)
        out[source_id] = Source(**row)
    return out


def read_rules(data_dir: Path = DATA_DIR, source_ids=None) -> dict[str, BandedRule]:
    name = "scoring-bands.csv"
    grouped: dict[str, list[tuple[int, Band]]] = {}
    measures: dict[str, str] = {}
    for number, row in _rows(name, data_dir):
        rule_id = _required(name, number, row, "rule_id")
        measure = _required(name, number, row, "measure")
        if measures.setdefault(rule_id, measure) != measure:
            raise LibraryError(name, number, "measure", f"rule {rule_id!r} mixes measures")
        if source_ids is not None and row["source_id"] not in source_ids:
            raise LibraryError(name, number, "source_id", f"unknown source {row['source_id']!r}")
        fraction = _decimal(name, number, row, "fraction")
        if fraction is None or not Decimal(0) <= fraction <= Decimal(1):
            raise LibraryError(name, number, "fraction", "must be a number from 0 to 1")
        lower = _decimal(name, number, row, "lower")
        upper = _decimal(name, number, row, "upper")
        if lower is None and upper is None:
            raise LibraryError(name, number, "lower", "a band needs a lower or an upper edge")
        try:
            band = Band(
                lower=lower,
                lower_inclusive=_yes_no(name, number, row, "lower_inclusive"),
                upper=upper,
                upper_inclusive=_yes_no(name, number, row, "upper_inclusive"),
                fraction=fraction,
                note=row["note"],
            )
        except ValueError as error:
            raise LibraryError(name, number, "upper", str(error)) from None
        grouped.setdefault(rule_id, []).append((number, band))
    rules: dict[str, BandedRule] = {}
    for rule_id, numbered in grouped.items():
        try:
            rules[rule_id] = BandedRule(
                rule_id=rule_id,
                measure=measures[rule_id],
                bands=tuple(band for _, band in numbered),
            )
        except ValueError as error:
            raise LibraryError(name, numbered[-1][0], "lower", str(error)) from None
    return rules


def read_criteria(
    data_dir: Path = DATA_DIR, source_ids=None, rules=None, labels=None
) -> dict[str, Criterion]:
    name = "criteria.csv"
    out: dict[str, Criterion] = {}
    for number, row in _rows(name, data_dir):
        criterion = criterion_from_row(name, number, row, source_ids, rules, labels)
        if criterion.criterion_id in out:
            raise LibraryError(name, number, "criterion_id", f"{criterion.criterion_id!r} repeats")
        out[criterion.criterion_id] = criterion
    return out


def criterion_from_row(
    name: str, number: int, row: dict[str, str], source_ids=None, rules=None, labels=None
) -> Criterion:
    """One criterion from a row of ``criteria.csv``'s columns, checked as the library is.

    Shared by the shipped library and by criteria another municipality sends us (the
    procurement app's criteria exchange), so both obey the same rules; raises
    :class:`LibraryError` naming ``name``, row ``number`` and the column at fault.
    """
    criterion_id = _required(name, number, row, "criterion_id")
    if source_ids is not None and row["source_id"] not in source_ids:
        raise LibraryError(name, number, "source_id", f"unknown source {row['source_id']!r}")
    _one_of(name, number, row, "level", LEVELS)
    _one_of(name, number, row, "type", CRITERION_TYPES)
    groups = _list(_required(name, number, row, "product_groups"))
    for group in groups:
        if group not in PRODUCT_GROUPS:
            raise LibraryError(name, number, "product_groups", f"unknown group {group!r}")
    for column in ("title_en", "title_sv", "summary_en", "summary_sv", "note_en", "note_sv"):
        _required(name, number, row, column)
    kind = _one_of(name, number, row, "check_kind", CHECK_KINDS)
    proof = tuple(ProofLabel.parse(part) for part in _list(row["accepted_proof"]))
    if labels is not None:
        schemes = {scheme for scheme, _ in labels}
        for label in proof:
            if label.scheme_id not in schemes or (
                label.tier and (label.scheme_id, label.tier) not in labels
            ):
                raise LibraryError(name, number, "accepted_proof", f"unknown label {label}")
    _check_consistency(name, number, row, kind, proof, rules)
    return Criterion(
        criterion_id=criterion_id,
        source=_required(name, number, row, "source"),
        source_id=row["source_id"],
        source_ref=row["source_ref"],
        level=row["level"],
        type=row["type"],
        product_groups=groups,
        title_en=row["title_en"],
        title_sv=row["title_sv"],
        summary_en=row["summary_en"],
        summary_sv=row["summary_sv"],
        accepted_proof=proof,
        follow_up_en=row["follow_up_en"],
        follow_up_sv=row["follow_up_sv"],
        version_date=_date(name, number, row, "version_date"),
        last_reviewed=_date(name, number, row, "last_reviewed"),
        url=row["url"],
        check_kind=kind,
        check_field=row["check_field"],
        check_operator=row["check_operator"],
        check_value=_decimal(name, number, row, "check_value"),
        scoring_rule=row["scoring_rule"],
        note_en=row["note_en"],
        note_sv=row["note_sv"],
    )


def _check_consistency(name, number, row, kind, proof, rules) -> None:
    """A criterion's check columns must fit its check kind and type."""
    if kind == "threshold":
        _required(name, number, row, "check_field")
        _one_of(name, number, row, "check_operator", THRESHOLD_OPERATORS)
        if _decimal(name, number, row, "check_value") is None:
            raise LibraryError(name, number, "check_value", "a threshold needs a value")
    if kind == "field_present":
        _required(name, number, row, "check_field")
    if kind == "label" and not proof:
        raise LibraryError(name, number, "accepted_proof", "a label check needs a label")
    if kind == "banded":
        rule = _required(name, number, row, "scoring_rule")
        if rule not in (rules or {}):
            raise LibraryError(name, number, "scoring_rule", f"unknown rule {rule!r}")
        if row["type"] != "award_criterion":
            raise LibraryError(name, number, "type", "banded scoring is for award criteria")
    elif row["scoring_rule"]:
        raise LibraryError(name, number, "scoring_rule", "only a banded check has a rule")


def read_labels(data_dir: Path = DATA_DIR, source_ids=None) -> dict[tuple[str, str], LabelTier]:
    name = "labels.csv"
    out: dict[tuple[str, str], LabelTier] = {}
    for number, row in _rows(name, data_dir):
        key = (_required(name, number, row, "scheme_id"), row["tier"])
        if key in out:
            raise LibraryError(name, number, "tier", f"{key!r} repeats")
        if source_ids is not None and row["source_id"] not in source_ids:
            raise LibraryError(name, number, "source_id", f"unknown source {row['source_id']!r}")
        for column in ("scheme", "summary_en", "summary_sv"):
            _required(name, number, row, column)
        if bool(row["note_en"]) != bool(row["note_sv"]):
            raise LibraryError(name, number, "note_sv", "a note needs both languages")
        groups = _list(_required(name, number, row, "product_groups"))
        for group in groups:
            if group not in PRODUCT_GROUPS:
                raise LibraryError(name, number, "product_groups", f"unknown group {group!r}")
        out[key] = LabelTier(**{**row, "product_groups": groups})
    return out


def read_columns(data_dir: Path = DATA_DIR, criterion_ids=None) -> dict[str, OfferColumn]:
    name = "offer-columns.csv"
    out: dict[str, OfferColumn] = {}
    for number, row in _rows(name, data_dir):
        column_id = _required(name, number, row, "column_id")
        if column_id in out:
            raise LibraryError(name, number, "column_id", f"{column_id!r} repeats")
        kind = _one_of(name, number, row, "kind", COLUMN_KINDS)
        choices = _list(row["choices"])
        if (kind == "choice") != bool(choices):
            raise LibraryError(
                name, number, "choices", "a choice column, and only one, has choices"
            )
        needed_by = _list(row["needed_by"])
        for criterion_id in needed_by:
            if criterion_ids is not None and criterion_id not in criterion_ids:
                raise LibraryError(name, number, "needed_by", f"unknown criterion {criterion_id!r}")
        for column in ("label_sv", "label_en", "description_sv", "description_en"):
            _required(name, number, row, column)
        out[column_id] = OfferColumn(
            column_id=column_id,
            label_sv=row["label_sv"],
            label_en=row["label_en"],
            unit=row["unit"],
            kind=kind,
            required=_yes_no(name, number, row, "required"),
            choices=choices,
            needed_by=needed_by,
            description_sv=row["description_sv"],
            description_en=row["description_en"],
        )
    return out


def read_library(data_dir: Path = DATA_DIR) -> Library:
    """Read and cross-check every data file in ``data_dir``."""
    sources = read_sources(data_dir)
    rules = read_rules(data_dir, sources)
    labels = read_labels(data_dir, sources)
    criteria = read_criteria(data_dir, sources, rules, labels)
    columns = read_columns(data_dir, criteria)
    return Library(sources=sources, criteria=criteria, labels=labels, rules=rules, columns=columns)


@cache
def library() -> Library:
    """The shipped library, read once."""
    return read_library()
