"""Another municipality's KPI file, imported through the one import pipeline.

A registered target of :mod:`kretslopp.imports.pipeline`: a JSON file is checked against
the schema as a whole (every break located by entry and JSON pointer) before any row is
read, a CSV file row by row (located by row and column); then every entry must name a KPI
of our catalogue and a municipality other than ours, once. Nothing is written unless every
entry passes. A peer's values go to :class:`~kretslopp.exchange.models.PeerValue`, apart
from ours, under the :class:`~kretslopp.exchange.models.Peer` its municipality code names,
labelled with the source given when the file was imported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kretslopp.core import audit
from kretslopp.exchange import format as exchange_format
from kretslopp.imports import runs
from kretslopp.imports.pipeline import Context, Counts, FieldSpec, ImportTarget, RowSource
from kretslopp.imports.problems import Problem
from kretslopp.organisation.access import Access
from kretslopp.tabular import Row
from kretslopp.tabular.mapping import ColumnMapping, by_field_names

#: The key of this target in the import-target store and on import jobs.
TARGET_NAME = "kpi_exchange"
#: Fields of a peer's value compared to tell an unchanged value from an updated one.
_COMPARED = ("kpi_version", "value", "count", "status", "method", "factor_set", "data_quality")


@dataclass
class _Planned:
    municipality: str
    name: str
    kpi: str
    period: int
    values: dict[str, Any]


class PeerValuesTarget(ImportTarget):
    """KPI values of other municipalities, from a KPI exchange file (JSON or CSV)."""

    name = TARGET_NAME

    def __init__(self, source: str = "") -> None:
        self.source = source
        self.schema_problems: list[exchange_format.SchemaProblem] = []
        self.is_json = False

    @classmethod
    def for_job(cls, options: Mapping[str, Any], access: Access) -> PeerValuesTarget:
        """A job's ``source`` labels the peer's values (who sent them, how); the API's import
        route names the same thing ``imported_from``, as for received criteria."""
        return cls(source=str(options.get("source") or options.get("imported_from") or ""))

    def open(self, source: str | Path | bytes, file_name: str) -> RowSource:
        """The JSON form, checked against the schema as a whole, or the CSV form."""
        table = runs.open_exchange_file(
            source,
            file_name,
            exchange_format.JsonTable,
            _refusal,
            exchange_format.ExchangeFileError,
        )
        if isinstance(table, exchange_format.JsonTable):
            self.is_json = True
            self.schema_problems = table.problems
        return table

    def start_url(self) -> str | None:
        return reverse("exchange:publish")

    def result_url(self) -> str | None:
        return reverse("exchange:compare")

    def fields(self) -> Sequence[FieldSpec]:
        return [FieldSpec(name, name) for name in exchange_format.CSV_FIELDS]

    def suggest_mapping(self, headers: list[str]) -> ColumnMapping:
        return by_field_names(headers, exchange_format.CSV_FIELDS, TARGET_NAME)

    def check_mapping(self, mapping: ColumnMapping, file_name: str) -> list[Problem]:
        """A JSON file's schema breaks, or a CSV file's missing columns: the file is refused."""
        if self.schema_problems:
            return [
                Problem(
                    row=problem.entry,
                    column=problem.pointer or "/",
                    value="",
                    code="schema",
                    file=file_name,
                    message=_("The file breaks the KPI exchange schema here: %(reason)s")
                    % {"reason": problem.message},
                )
                for problem in self.schema_problems
            ]
        mapped = set(mapping.fields.values())
        return [
            Problem(
                row=1,
                column=name,
                value="",
                code="missing_column",
                file=file_name,
                message=_(
                    "The column “%(name)s” of the KPI exchange format is missing. Export the "
                    "file again, or add the column."
                )
                % {"name": name},
            )
            for name in exchange_format.REQUIRED_COLUMNS
            if name not in mapped
        ]

    def prepare(self, context: Context, mapping: ColumnMapping) -> None:
        from kretslopp.exchange.models import CatalogueKpi, Peer, PeerValue, Publisher

        self.context = context
        self.file_name = context.file_name
        self.positions = {name: position for position, name in mapping.fields.items()}
        self.catalogue = {kpi.kpi: kpi for kpi in CatalogueKpi.objects.all()}
        publisher = Publisher.current()
        self.own_code = publisher.municipality_code if publisher else ""
        self.peers = {peer.municipality_code: peer for peer in Peer.objects.all()}
        self.existing = {
            (value.peer.municipality_code, value.kpi_id, value.period): value
            for value in PeerValue.objects.select_related("peer")
        }
        self.seen: dict[tuple[str, str, int], int] = {}
        self.plans: list[_Planned] = []
        self.unchanged = 0

    def validate(self, row: Row) -> list[Problem]:
        cells = {
            name: row.values[position] if position < len(row.values) else ""
            for name, position in self.positions.items()
        }
        item, bad = exchange_format.entry_from_cells(cells)
        if bad:
            return [
                self._problem(row.number, name, text, _unfit_message(text, reason))
                for name, text, reason in bad
            ]
        broken = exchange_format.entry_problems(item)
        if broken:
            return [
                self._problem(
                    row.number,
                    self._column(row.number, pointer),
                    _at(item, pointer),
                    _("This breaks the KPI exchange schema: %(reason)s") % {"reason": reason},
                )
                for pointer, reason in broken
            ]
        beyond = exchange_format.too_large(item)
        if beyond:
            return [
                self._problem(
                    row.number,
                    self._column(row.number, pointer),
                    _at(item, pointer),
                    _unfit_message(_at(item, pointer), "too_large"),
                )
                for pointer in beyond
            ]
        return self._check_meaning(row.number, item)

    def _check_meaning(self, number: int, item: dict[str, Any]) -> list[Problem]:
        kpi = self.catalogue.get(item["kpi"])
        if kpi is None:
            return [
                self._problem(
                    number,
                    self._column(number, "/kpi"),
                    item["kpi"],
                    _("“%(kpi)s” is not a KPI of the catalogue (%(known)s).")
                    % {"kpi": item["kpi"], "known": ", ".join(sorted(self.catalogue))},
                )
            ]
        code = item["municipality"]
        if code == self.own_code:
            return [
                self._problem(
                    number,
                    self._column(number, "/municipality"),
                    code,
                    _(
                        "%(code)s is our own municipality code: our values are computed here, "
                        "never imported."
                    )
                    % {"code": code},
                )
            ]
        name = (item.get("municipality_name") or "").strip()
        if not name and code not in self.peers:
            return [
                self._problem(
                    number,
                    self._column(number, "/municipality_name"),
                    "",
                    _("Name the municipality %(code)s (municipality_name).") % {"code": code},
                )
            ]
        key = (code, kpi.kpi, item["period"])
        if key in self.seen:
            return [
                self._problem(
                    number,
                    self._column(number, "/period"),
                    str(item["period"]),
                    _("%(kpi)s for %(code)s and %(year)s is already in row %(row)s.")
                    % {"kpi": kpi.kpi, "code": code, "year": item["period"], "row": self.seen[key]},
                )
            ]
        self.seen[key] = number
        total = item["values"][0]
        values = {
            "kpi_version": item["kpi_version"],
            "value": total["value"],
            "count": total["count"],
            "status": total["status"],
            "method": item["method"],
            "factor_set": item["factor_set"],
            "data_quality": item["data_quality"],
        }
        current = self.existing.get(key)
        same = current is not None and all(getattr(current, f) == values[f] for f in _COMPARED)
        if same and (not self.source or current.peer.source == self.source):
            self.unchanged += 1
            return []
        self.plans.append(_Planned(code, name, kpi.kpi, item["period"], values))
        return []

    def _column(self, number: int, pointer: str) -> str:
        """Where the problem is: a JSON pointer into the file, or the CSV column."""
        if self.is_json:
            return f"/values/{number - 1}{pointer}"
        return exchange_format.column_of(pointer)

    def _problem(self, row: int, column: str, value: str, message: str) -> Problem:
        return Problem(
            row=row,
            column=column,
            value=str(value)[:200],
            code="kpi_exchange",
            file=self.file_name,
            message=str(message),
        )

    def planned(self) -> Counts:
        counts = Counts(unchanged=self.unchanged)
        for plan in self.plans:
            if (plan.municipality, plan.kpi, plan.period) in self.existing:
                counts.updated += 1
            else:
                counts.created += 1
        return counts

    @transaction.atomic
    def commit(self) -> Counts:
        from kretslopp.exchange.models import Peer, PeerValue

        counts = Counts(unchanged=self.unchanged)
        source = (self.source or self.file_name)[:200]
        job = _job_number(self.context.options.reference)
        with audit.acting_as(self.context.actor):
            for plan in self.plans:
                peer = self.peers.get(plan.municipality)
                if peer is None:
                    peer = Peer.objects.create(
                        municipality_code=plan.municipality, name=plan.name[:200], source=source
                    )
                    self.peers[plan.municipality] = peer
                elif peer.source != source or (plan.name and peer.name != plan.name):
                    peer.source = source
                    peer.name = plan.name[:200] or peer.name
                    peer.is_demo = False
                    peer.save()
                current = self.existing.get((plan.municipality, plan.kpi, plan.period))
                if current is None:
                    PeerValue.objects.create(
                        peer=peer,
                        kpi_id=plan.kpi,
                        period=plan.period,
                        import_job=job,
                        **plan.values,
                    )
                    counts.created += 1
                    continue
                for name, value in plan.values.items():
                    setattr(current, name, value)
                current.import_job = job
                current.save()
                counts.updated += 1
        return counts


def _refusal(error: exchange_format.ExchangeFileError) -> str:
    """Why a JSON file is refused as a whole, for the person importing it."""
    if error.code == "too_deep":
        return _(
            "The file is nested deeper than the KPI exchange format ever is, so it was not "
            "read. Ask the sender for the JSON or CSV file of the KPI exchange format."
        )
    if error.code == "too_many_values":
        return _(
            "The file holds more values than %(entries)s entries of the KPI exchange format "
            "could, so it was not read. Send at most %(entries)s entries in one file."
        ) % {"entries": number_format(exchange_format.max_entries(), force_grouping=True)}
    if error.line is not None:
        return _(
            "This is not a JSON document: it breaks off at line %(line)s, column %(column)s. "
            "Ask the sender for the JSON or CSV file of the KPI exchange format."
        ) % {"line": error.line, "column": error.column}
    if error.byte is not None:
        return _(
            "This is not a JSON document: it is not UTF-8 text (byte %(byte)s). Ask the "
            "sender for the JSON or CSV file of the KPI exchange format."
        ) % {"byte": error.byte}
    return _(
        "This is not a JSON document (%(reason)s). Ask the sender for the JSON or CSV file "
        "of the KPI exchange format."
    ) % {"reason": error}


def _unfit_message(text: str, reason: str) -> str:
    """Why a cell's text cannot be its number (see ``exchange_format.entry_from_cells``)."""
    if reason == "too_large":
        return _("“%(value)s” is larger than %(largest)s, the largest whole number kept.") % {
            "value": text[:40],
            "largest": number_format(exchange_format.MAX_INTEGER, force_grouping=True),
        }
    if reason == "whole":
        return _("“%(value)s” is not a whole number.") % {"value": text}
    return _("“%(value)s” is not a number.") % {"value": text}


def _at(item: dict[str, Any], pointer: str) -> str:
    """The value a pointer inside an entry names, as text (for the problem's value)."""
    node: Any = item
    for part in pointer.strip("/").split("/") if pointer else []:
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            return ""
    return "" if isinstance(node, dict | list) or node is None else str(node)


def _job_number(reference: str) -> int | None:
    digits = "".join(char for char in reference if char.isdigit())
    return int(digits) if digits else None
