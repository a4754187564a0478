"""Meter readings (meter/PDU/facility kWh per month) as a target of the one import pipeline.

A row is one meter's month: ``meter``, ``scope``, ``period`` (the month), ``kwh``, and
optionally ``pue`` and ``reading_kind`` (``it_load`` or ``facility``). When a PUE is given
and the kind is not stated, the reading is taken as IT load (a PUE only makes sense on IT
load), and the ledger counts reading × PUE. Re-importing the same meter and month updates
it, so a corrected export can simply be imported again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from kretslopp.core import audit, bulk
from kretslopp.energy.models import (
    DataQuality,
    EnergyReading,
    Origin,
    ReadingKind,
    Scope,
    ledger_kwh,
)
from kretslopp.imports.pipeline import Context, Counts, FieldSpec, ImportTarget
from kretslopp.imports.problems import Problem
from kretslopp.organisation.models import Department
from kretslopp.tabular import Row, normalise_header, parse_decimal
from kretslopp.tabular.mapping import ColumnMapping

TARGET_NAME = "meter_readings"
FIELDS = ("meter", "scope", "period", "kwh", "pue", "reading_kind", "department")
REQUIRED = ("meter", "period", "kwh")
ALIASES: dict[str, tuple[str, ...]] = {
    "meter": ("meter", "meter id", "pdu", "mätare", "mätpunkt", "anläggning"),
    "scope": ("scope", "omfattning", "område", "kategori"),
    "period": ("period", "month", "månad", "date", "datum"),
    "kwh": ("kwh", "energy kwh", "energi kwh", "förbrukning kwh", "förbrukning", "energy"),
    "pue": ("pue",),
    "reading_kind": ("reading kind", "reading", "measures", "mäter", "typ"),
    "department": ("department", "förvaltning"),
}
SCOPE_WORDS = {
    "data_centre": Scope.DATA_CENTRE,
    "data centre": Scope.DATA_CENTRE,
    "datacenter": Scope.DATA_CENTRE,
    "server": Scope.DATA_CENTRE,
    "servers": Scope.DATA_CENTRE,
    "servrar": Scope.DATA_CENTRE,
    "network": Scope.NETWORK,
    "nätverk": Scope.NETWORK,
    "end_user_devices": Scope.END_USER_DEVICES,
    "printing": Scope.PRINTING,
}
KIND_WORDS = {
    "it_load": ReadingKind.IT_LOAD,
    "it load": ReadingKind.IT_LOAD,
    "it-last": ReadingKind.IT_LOAD,
    "it": ReadingKind.IT_LOAD,
    "facility": ReadingKind.FACILITY,
    "anläggning": ReadingKind.FACILITY,
    "total": ReadingKind.FACILITY,
}
_PERIOD = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?\s*$")
_PERIOD_MY = re.compile(r"^\s*(\d{1,2})[-/.](\d{4})\s*$")


def parse_period(text: str) -> dt.date | None:
    """``2025-03``, ``2025-03-01``, ``2025/3`` or ``03/2025`` → the first of that month."""
    match = _PERIOD.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
    else:
        match = _PERIOD_MY.match(text)
        if not match:
            return None
        month, year = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1990 <= year <= 2100:
        return None
    return dt.date(year, month, 1)


def _key(value: str) -> str:
    return normalise_header(value).replace("_", " ")


class MeterReadingTarget(ImportTarget):
    name = TARGET_NAME

    def start_url(self) -> str | None:
        return reverse("energy:readings")

    def result_url(self) -> str | None:
        return reverse("energy:readings")

    def fields(self) -> Sequence[FieldSpec]:
        labels = {
            "meter": _("Meter"),
            "scope": _("Scope"),
            "period": _("Month"),
            "kwh": _("kWh"),
            "pue": _("PUE"),
            "reading_kind": _("The reading measures"),
            "department": _("Department"),
        }
        return [FieldSpec(name, labels[name]) for name in FIELDS]

    def suggest_mapping(self, headers: list[str]) -> ColumnMapping:
        fields: dict[int, str] = {}
        taken: set[str] = set()
        for position, header in enumerate(headers):
            key = _key(header)
            for name, aliases in ALIASES.items():
                if name not in taken and key in {_key(a) for a in aliases}:
                    fields[position] = name
                    taken.add(name)
                    break
        return ColumnMapping(headers=list(headers), fields=fields, profile="meter_readings")

    def check_mapping(self, mapping: ColumnMapping, file_name: str) -> list[Problem]:
        present = set(mapping.fields.values())
        return [
            Problem(
                row=1,
                column=None,
                value="",
                code="missing_column",
                file=file_name,
                message=_("The file needs a column for “%(field)s”.") % {"field": name},
            )
            for name in REQUIRED
            if name not in present
        ]

    def prepare(self, context: Context, mapping: ColumnMapping) -> None:
        self.context = context
        self.position = {name: pos for pos, name in mapping.fields.items()}
        self.headers = mapping.headers
        self.departments = dict(Department.objects.values_list("code", "pk"))
        self.existing = {
            (r.scope, r.meter, r.month): r
            for r in EnergyReading.objects.only(
                "pk", "scope", "meter", "month", "reading_kwh", "reading_kind", "pue",
                "department_id",
            )
        }  # fmt: skip
        self.seen: dict[tuple[str, str, dt.date], int] = {}
        self.new: list[EnergyReading] = []
        self.changed: list[EnergyReading] = []
        self.unchanged = 0

    def _cell(self, row: Row, name: str) -> str:
        position = self.position.get(name)
        return "" if position is None else row.values[position].strip()

    def _problem(self, row: Row, name: str, value: str, message: str) -> Problem:
        column = self.headers[self.position[name]] if name in self.position else name
        return Problem(row=row.number, column=column, value=value, message=message, code="invalid")

    def validate(self, row: Row) -> list[Problem]:
        problems: list[Problem] = []
        meter = self._cell(row, "meter")
        if not meter:
            problems.append(self._problem(row, "meter", "", _("The meter is missing.")))
        scope_text = self._cell(row, "scope")
        scope = SCOPE_WORDS.get(_key(scope_text)) if scope_text else Scope.DATA_CENTRE
        if scope is None:
            problems.append(
                self._problem(
                    row, "scope", scope_text, _("Unknown scope; use data_centre or network.")
                )
            )
        period_text = self._cell(row, "period")
        month = parse_period(period_text)
        if month is None:
            problems.append(
                self._problem(row, "period", period_text, _("Not a month; write it as 2025-03."))
            )
        kwh_text = self._cell(row, "kwh")
        kwh = _number(kwh_text)
        if kwh is None or kwh < 0:
            problems.append(
                self._problem(row, "kwh", kwh_text, _("kWh must be a number of 0 or more."))
            )
        pue_text = self._cell(row, "pue")
        pue = _number(pue_text) if pue_text else None
        if pue_text and (pue is None or not Decimal("1") <= pue <= Decimal("5")):
            problems.append(
                self._problem(row, "pue", pue_text, _("PUE must be a number from 1.0 to 5.0."))
            )
        kind_text = self._cell(row, "reading_kind")
        if kind_text:
            kind = KIND_WORDS.get(_key(kind_text))
            if kind is None:
                problems.append(
                    self._problem(row, "reading_kind", kind_text, _("Write it_load or facility."))
                )
        else:
            kind = ReadingKind.IT_LOAD if pue is not None else ReadingKind.FACILITY
        code = self._cell(row, "department")
        department_id = self.departments.get(code) if code else None
        if code and department_id is None:
            problems.append(
                self._problem(row, "department", code, _("There is no department with this code."))
            )
        elif department_id is not None and not self.context.access.covers(department_id):
            problems.append(
                self._problem(row, "department", code, _("You may not import for this department."))
            )
        if problems:
            return problems
        key = (str(scope), meter, month)
        if key in self.seen:
            return [
                self._problem(
                    row,
                    "period",
                    period_text,
                    _("The same meter and month already came in row %(row)s.")
                    % {"row": self.seen[key]},
                )
            ]
        self.seen[key] = row.number
        self._plan(key, kwh, kind, pue, department_id)
        return []

    def _plan(self, key, kwh: Decimal, kind: str, pue: Decimal | None, department_id) -> None:
        scope, meter, month = key
        source = self.context.options.reference or self.context.file_name
        # IT load without a PUE leaves cooling and losses out: say so in the quality.
        quality = (
            DataQuality.MEDIUM if kind == ReadingKind.IT_LOAD and pue is None else DataQuality.HIGH
        )
        current = self.existing.get(key)
        if current is None:
            self.new.append(
                EnergyReading(
                    scope=scope, meter=meter, month=month, reading_kwh=kwh, reading_kind=kind,
                    pue=pue, kwh=ledger_kwh(kwh, kind, pue), origin=Origin.METERED,
                    data_quality=quality, department_id=department_id, source=source[:200],
                )
            )  # fmt: skip
            return
        same = (
            current.reading_kwh == kwh
            and current.reading_kind == kind
            and current.pue == pue
            and current.department_id == department_id
        )
        if same:
            self.unchanged += 1
            return
        current.reading_kwh, current.reading_kind, current.pue = kwh, kind, pue
        current.kwh = ledger_kwh(kwh, kind, pue)
        current.department_id = department_id
        current.data_quality = quality
        current.origin = Origin.METERED
        current.source = source[:200]
        self.changed.append(current)

    def planned(self) -> Counts:
        return Counts(created=len(self.new), updated=len(self.changed), unchanged=self.unchanged)

    def commit(self) -> Counts:
        bulk.create(EnergyReading, self.new)  # gives each new reading its id, for the audit
        changed = ("reading_kwh", "reading_kind", "pue", "kwh", "department_id", "data_quality",
                   "origin", "source")  # fmt: skip
        bulk.update_by_pk(
            EnergyReading,
            changed,
            ((r.pk, *(getattr(r, name) for name in changed)) for r in self.changed),
        )
        self._audit()
        return self.planned()

    def _audit(self) -> None:
        """Bulk writes send no signals: write the audit entries here, one per reading."""
        entries = (
            (
                r.pk,
                f"{r.meter} {r.month:%Y-%m}",
                action,
                {"kwh": [None, str(r.kwh)], "source": [None, r.source]},
            )
            for action, readings in (("create", self.new), ("update", self.changed))
            for r in readings
        )
        audit.record_many(EnergyReading, entries, by=self.context.actor)


def _number(text: str) -> Decimal | None:
    try:
        return parse_decimal(text)
    except Exception:
        return None


def register_target() -> None:
    """Make meter readings a target of the one import pipeline (web, command line, API)."""
    from django.utils.translation import gettext_lazy

    from kretslopp.core.registry import CommandEntry, ImportTargetEntry, lazy, registry
    from kretslopp.organisation.access import Action

    registry.import_targets.register(
        TARGET_NAME,
        ImportTargetEntry(
            target=MeterReadingTarget,
            label=gettext_lazy("Meter readings"),
            allowed=lambda access: access.can(Action.MANAGE_METHODOLOGY),
            order=30,
        ),
    )
    registry.import_commands.register(
        "meter-readings",
        CommandEntry(
            "meter, PDU or facility kWh per month (CSV or XLSX)",
            lazy("kretslopp.energy.cli.add_arguments"),
            lazy("kretslopp.energy.cli.run"),
            50,
        ),
    )
