"""Importing another municipality's criteria exchange file into our library.

A registered target of the one import pipeline (:mod:`kretslopp.imports.pipeline`): every
row is checked by the same function that checks the shipped library, every problem names
the file, the row (the criterion's position in a JSON file) and the column, and nothing is
written unless every row passes. A received criterion becomes a library row of origin
"imported" that names where it came from; one received before is updated to a new
version (the old content kept as a :class:`CriterionVersion`); a criterion of our own or
shipped with us is never overwritten — a row that would change one is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from kretslopp.core import audit
from kretslopp.core.uploads import read_limits
from kretslopp.imports import runs
from kretslopp.imports.pipeline import (
    Context,
    Counts,
    FieldSpec,
    ImportResult,
    ImportTarget,
    RowSource,
)
from kretslopp.imports.problems import Problem
from kretslopp.organisation.access import Access
from kretslopp.procurement import exchange, seeding
from kretslopp.tabular import Row
from kretslopp.tabular.mapping import ColumnMapping, by_field_names
from kretslopp.tendering import library
from kretslopp.tendering.library import (
    CHECK_KINDS,
    CRITERION_TYPES,
    LEVELS,
    PRODUCT_GROUPS,
    THRESHOLD_OPERATORS,
    LibraryError,
    criterion_from_row,
)

#: The key of this target in the import-target store and on import jobs.
TARGET_NAME = "procurement_criteria"


@dataclass
class _Planned:
    row: int
    criterion_id: str
    values: dict[str, Any]


class CriteriaExchangeTarget(ImportTarget):
    """Criteria from another municipality's exchange file, into the criteria library."""

    name = TARGET_NAME

    def __init__(self, imported_from: str = "") -> None:
        self.imported_from = imported_from
        self.unknown_fields: list[tuple[int, str]] = []

    @classmethod
    def for_job(cls, options: Mapping[str, Any], access: Access) -> CriteriaExchangeTarget:
        """A job's ``imported_from`` names the sender each received criterion records."""
        return cls(imported_from=str(options.get("imported_from") or ""))

    def open(self, source: str | Path | bytes, file_name: str) -> RowSource:
        """A JSON exchange file, or its CSV form within the import limits.

        Raises :class:`~kretslopp.tabular.TabularError` when the file is no exchange file at
        all; fields the format does not have are kept in ``unknown_fields`` and refused by the
        mapping check.
        """
        table = runs.open_exchange_file(
            source, file_name, _json_table, _not_exchange_file, exchange.ExchangeFileError
        )
        if isinstance(table, exchange.JsonTable):
            self.unknown_fields = list(table.unknown_fields)
        return table

    def start_url(self) -> str | None:
        return reverse("procurement:exchange")

    def result_url(self) -> str | None:
        """The criteria library, where the received criteria now are."""
        return reverse("procurement:criteria")

    def fields(self) -> Sequence[FieldSpec]:
        return [FieldSpec(name, name) for name in exchange.FIELDS]

    def suggest_mapping(self, headers: list[str]) -> ColumnMapping:
        return by_field_names(headers, exchange.FIELDS, TARGET_NAME)

    def check_mapping(self, mapping: ColumnMapping, file_name: str) -> list[Problem]:
        if self.unknown_fields:
            return _unknown_fields(file_name, self.unknown_fields).problems
        mapped = set(mapping.fields.values())
        missing = [name for name in exchange.CRITERION_FIELDS if name not in mapped]
        if not missing:
            return []
        return [
            Problem(
                row=1,
                column=name,
                value="",
                code="missing_column",
                file=file_name,
                message=_(
                    "The column “%(name)s” of the criteria exchange format is missing. "
                    "Export the file again from Kretslopp, or add the column."
                )
                % {"name": name},
            )
            for name in missing
        ]

    def prepare(self, context: Context, mapping: ColumnMapping) -> None:
        from kretslopp.procurement.models import Criterion

        self.context = context
        self.file_name = context.file_name
        self.positions = {name: position for position, name in mapping.fields.items()}
        self.shipped = library()
        self.existing = {c.criterion_id: c for c in Criterion.objects.all()}
        self.seen: dict[str, int] = {}
        self.plans: list[_Planned] = []
        self.counts = Counts()

    def validate(self, row: Row) -> list[Problem]:
        values = {
            name: row.values[position] if position < len(row.values) else ""
            for name, position in self.positions.items()
        }
        checked = exchange.library_row(values)
        try:
            criterion = criterion_from_row(
                self.file_name,
                row.number,
                checked,
                None,
                self.shipped.rules,
                self.shipped.labels,
            )
        except LibraryError as error:
            value = checked.get(error.column, "")
            return [self._problem(row.number, error.column, value, _reason(error, checked))]
        criterion_id = criterion.criterion_id
        if criterion_id in self.seen:
            return [
                self._problem(
                    row.number,
                    "criterion_id",
                    criterion_id,
                    _("The criterion “%(id)s” is already in row %(row)s of this file.")
                    % {"id": criterion_id, "row": self.seen[criterion_id]},
                )
            ]
        self.seen[criterion_id] = row.number
        stored = seeding.criterion_values(criterion)
        stored.pop("origin")
        current = self.existing.get(criterion_id)
        if current is not None and _same(current, stored):
            self.counts.unchanged += 1
            return self._interpretation_not_kept(row.number, criterion_id, values)
        if current is not None and current.origin != "imported":
            return [
                self._problem(
                    row.number,
                    "criterion_id",
                    criterion_id,
                    _(
                        "Our library already has a criterion “%(id)s” of its own with "
                        "other content; it is not overwritten. Give the received "
                        "criterion another id in the file."
                    )
                    % {"id": criterion_id},
                )
            ]
        stored = self._with_interpretation(stored, values)
        if current is not None and _same(current, stored):
            self.counts.unchanged += 1
            return []
        self.plans.append(_Planned(row.number, criterion_id, stored))
        return []

    def _interpretation_not_kept(
        self, row: int, criterion_id: str, values: dict[str, str]
    ) -> list[Problem]:
        """A warning that the library's own criterion stays as it is, without the sender's
        interpretation (which the reader may still want to copy into a procurement)."""
        interpretation = values.get("interpretation", "").strip()
        if not interpretation:
            return []
        warning = self._problem(
            row,
            "interpretation",
            interpretation,
            _(
                "The library already has “%(id)s” with the same content and keeps it as it "
                "is; the sender's interpretation is not stored. Copy it into your procurement "
                "if you share it."
            )
            % {"id": criterion_id},
        )
        return [Problem(**{**warning.as_dict(), "warning": True})]

    def _with_interpretation(self, stored: dict[str, Any], values: dict[str, str]) -> dict:
        """The sending buyer's interpretation and evidence note, kept in the criterion's note."""
        extra_sv, extra_en = [], []
        interpretation = exchange.undo_neutralise(values.get("interpretation", "").strip())
        evidence = exchange.undo_neutralise(values.get("evidence_note", "").strip())
        if interpretation:
            extra_sv.append(f"Avsändarens tolkning: {interpretation}")
            extra_en.append(f"The sender's interpretation: {interpretation}")
        if evidence:
            extra_sv.append(f"Avsändarens krav på bevis: {evidence}")
            extra_en.append(f"Evidence the sender asked for: {evidence}")
        if extra_sv:
            stored["note_sv"] = " ".join([stored["note_sv"], *extra_sv]).strip()
            stored["note_en"] = " ".join([stored["note_en"], *extra_en]).strip()
        return stored

    def _problem(self, row: int, column: str, value: str, message: object) -> Problem:
        return Problem(
            row=row,
            column=column,
            value=str(value)[:200],
            code="criterion",
            file=self.file_name,
            message=str(message),
        )

    def planned(self) -> Counts:
        counts = Counts(unchanged=self.counts.unchanged)
        for plan in self.plans:
            if plan.criterion_id in self.existing:
                counts.updated += 1
            else:
                counts.created += 1
        return counts

    @transaction.atomic
    def commit(self) -> Counts:
        from kretslopp.procurement.models import Criterion, CriterionVersion

        counts = Counts(unchanged=self.counts.unchanged)
        with audit.acting_as(self.context.actor):
            for plan in self.plans:
                values = dict(plan.values)
                criterion_id = plan.criterion_id
                current = self.existing.get(criterion_id)
                if current is None:
                    Criterion.objects.create(
                        criterion_id=criterion_id,
                        origin="imported",
                        imported_from=self.imported_from[:200],
                        **values,
                    )
                    counts.created += 1
                    continue
                CriterionVersion.objects.create(
                    criterion=current,
                    version=current.version,
                    content=current.content(),
                    change_note=_("Replaced by the file %(file)s") % {"file": self.file_name},
                    saved_by=self.context.actor,
                )
                for name, value in values.items():
                    setattr(current, name, value)
                current.imported_from = self.imported_from[:200]
                current.version += 1
                current.save()
                counts.updated += 1
        return counts


#: The values a column of the library may take, for the message naming them.
_ALLOWED = {
    "level": LEVELS,
    "type": CRITERION_TYPES,
    "check_kind": CHECK_KINDS,
    "product_groups": PRODUCT_GROUPS,
    "check_operator": THRESHOLD_OPERATORS,
}


def _reason(error: LibraryError, row: dict[str, str]) -> str:
    """The library check's complaint in the reader's language, with what to write instead.

    The library reports in English for its maintainers; the person importing gets the
    rule for the column at fault.
    """
    column = error.column
    value = row.get(column, "")
    if column in _ALLOWED and value:
        return _("“%(value)s” is not allowed here. Write one of: %(allowed)s.") % {
            "value": value,
            "allowed": ", ".join(code for code in _ALLOWED[column] if code),
        }
    if column in ("version_date", "last_reviewed") and value:
        return _("“%(value)s” is not a date. Write it as YYYY-MM-DD.") % {"value": value}
    if column == "check_value" and value:
        return _("“%(value)s” is not a number. Use a point as the decimal sign.") % {"value": value}
    if column == "accepted_proof":
        return _(
            "A label named here is not in our label list (scheme, or scheme:tier as in "
            "the library), or a label check names no label."
        )
    if column in ("check_field", "check_operator", "check_value", "scoring_rule", "type"):
        return _(
            "This column does not fit how the criterion is judged (check_kind “%(kind)s”): "
            "a threshold needs check_field, check_operator and check_value; points by bands "
            "need a known scoring_rule and the type award_criterion."
        ) % {"kind": row.get("check_kind", "")}
    return _("This column must not be empty.")


def _same(current, stored: dict[str, Any]) -> bool:
    for name, value in stored.items():
        if name == "criterion_id":
            continue
        have = getattr(current, name)
        if have == value or (have is not None and value is not None and str(have) == str(value)):
            continue
        return False
    return True


def _json_table(content: bytes, file_name: str) -> exchange.JsonTable:
    """The JSON form, holding at most as many values as the cells an import reads from a
    spreadsheet (``KRETSLOPP_IMPORT_MAX_CELLS``): refused before it is parsed if more."""
    return exchange.JsonTable(content, file_name, read_limits().max_cells)


def _not_exchange_file(error: Exception) -> str:
    return _(
        "This is not a criteria exchange file from Kretslopp (%(reason)s). Ask the "
        "sender for the JSON or CSV file Kretslopp exports."
    ) % {"reason": error}


def _unknown_fields(file_name: str, unknown: list[tuple[int, str]]) -> ImportResult:
    """A JSON entry that is no object, or has a field the format does not have: refused."""
    result = ImportResult(status="rejected", file_name=file_name)
    for row, name in unknown:
        message = (
            _("The field “%(name)s” is not part of the criteria exchange format.") % {"name": name}
            if name
            else _("Each criterion must be an object with the format's fields.")
        )
        result.problems.append(
            Problem(
                row=row,
                column=name or None,
                value="",
                code="unknown_field",
                file=file_name,
                message=message,
            )
        )
    result.problem_count = len(result.problems)
    return result
