"""The bidders' offer form: generated as XLSX, read back through the one import pipeline.

The form's columns are the engine's (``tendering.Library.offer_columns``): those every form
has, those the chosen criteria need, and a yes/no column per criterion judged by the bidder's
declaration. The header of each column is its Swedish label with the unit, and an
instructions sheet explains every column. Choice, yes/no, number and date columns carry
Excel validation, so most mistakes are caught while the bidder types.

A filled-in form comes back as an import into :class:`OfferFormTarget`: every row is parsed
by ``tendering.parse_offer_row`` and every problem is reported with its row and column; only
a form without errors writes anything, and then the bidder's offer is replaced whole (a
corrected form replaces the earlier one).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kretslopp.core import audit
from kretslopp.imports.pipeline import Context, Counts, FieldSpec, ImportTarget, InvalidOptions
from kretslopp.imports.problems import Problem
from kretslopp.organisation.access import Access
from kretslopp.tabular import Row, neutralise_cell, normalise_header
from kretslopp.tabular.mapping import ColumnMapping
from kretslopp.tendering import OfferColumn, OfferRowError, library, parse_offer_row

from .models import Offer, OfferLine, Procurement, Supplier

TARGET_NAME = "offer_form"
FORM_ROWS = 500
YES_NO = ("ja", "nej")

#: The engine's own wording of a line's problems, in the page's language.
ENGINE_MESSAGES = {
    "must not be empty": gettext_lazy("must not be empty"),
    "must be more than 0": gettext_lazy("must be more than 0"),
    "has more than two decimals (öre)": gettext_lazy("has more than two decimals (öre)"),
    "must not be negative": gettext_lazy("must not be negative"),
    "must be 0 or more with at most three decimals": gettext_lazy(
        "must be 0 or more with at most three decimals"
    ),
}


def columns_for(procurement: Procurement) -> list[OfferColumn]:
    """The form's columns for the criteria the procurement uses, in form order."""
    chosen = list(
        procurement.criterion_uses.order_by("order", "pk").values_list(
            "criterion__criterion_id", flat=True
        )
    )
    shipped = library()
    known = [criterion_id for criterion_id in chosen if criterion_id in shipped.criteria]
    return shipped.offer_columns(known)


#: The data's units (English) as the Swedish form writes them.
UNITS_SV = {
    "SEK excl. VAT": "kr exkl. moms",
    "kWh/year": "kWh/år",
    "years": "år",
    "cycles": "cykler",
    "kg CO2e": "kg CO2e",
    "date": "ÅÅÅÅ-MM-DD",
}


def header(column: OfferColumn) -> str:
    """The Swedish heading of a column, with its unit."""
    unit = UNITS_SV.get(column.unit, column.unit)
    return f"{column.label_sv} ({unit})" if unit else column.label_sv


def _names(column: OfferColumn) -> set[str]:
    """Every header a column is recognised by (Swedish or English label, with or without
    its unit, or its id)."""
    names = {column.column_id, column.label_sv, column.label_en, header(column)}
    if column.unit:
        names.add(f"{column.label_en} ({column.unit})")
    return {normalise_header(name) for name in names}


def build_form(procurement: Procurement) -> bytes:
    """The XLSX form for ``procurement``: an offer sheet with validation, and instructions."""
    import xlsxwriter

    columns = columns_for(procurement)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet(_("Offer"))
    for position, column in enumerate(columns):
        sheet.write_string(0, position, header(column), bold)
        sheet.set_column(position, position, max(14, min(40, len(header(column)) + 2)))
        last = FORM_ROWS
        if column.kind == "date":
            sheet.set_column(position, position, 14, date)
        validation = _validation(column)
        if validation:
            sheet.data_validation(1, position, last, position, validation)
        if column.column_id == "bidder":
            pass
    sheet.freeze_panes(1, 0)
    help_sheet = workbook.add_worksheet(_("Instructions"))
    help_sheet.set_column(0, 0, 36)
    help_sheet.set_column(1, 1, 14)
    help_sheet.set_column(2, 2, 80)
    intro = _(
        "Offer form for procurement %(reference)s “%(title)s”. Fill in one row per offered "
        "product on the sheet “%(sheet)s”; keep the column headings as they are."
    ) % {"reference": procurement.reference, "title": procurement.title, "sheet": _("Offer")}
    help_sheet.write_string(0, 0, neutralise_cell(intro), wrap)
    for position, text in enumerate((_("Column"), _("Required"), _("What to enter"))):
        help_sheet.write_string(2, position, text, bold)
    for row, column in enumerate(columns, start=3):
        help_sheet.write_string(row, 0, header(column), wrap)
        help_sheet.write_string(row, 1, _("yes") if column.required else _("no"), wrap)
        described = column.description_sv
        if column.kind == "choice":
            described += " " + _("Allowed values: %(values)s.") % {
                "values": ", ".join(column.choices)
            }
        if column.kind == "yes_no":
            described += " " + _("Answer ja or nej.")
        help_sheet.write_string(row, 2, neutralise_cell(described), wrap)
    workbook.close()
    return buffer.getvalue()


def _validation(column: OfferColumn) -> dict | None:
    title = column.label_sv[:32]
    if column.kind == "choice":
        source = list(column.choices)
    elif column.kind == "yes_no":
        source = list(YES_NO)
    else:
        source = None
    if source is not None:
        return {
            "validate": "list",
            "source": source,
            "error_title": title,
            "error_message": _("Choose a value from the list."),
        }
    if column.kind == "decimal":
        return {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_title": title,
            "error_message": _("Enter a number of 0 or more."),
        }
    if column.kind == "integer":
        return {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_title": title,
            "error_message": _("Enter a whole number of 0 or more."),
        }
    if column.kind == "date":
        return {
            "validate": "date",
            "criteria": ">",
            "value": __import__("datetime").date(2000, 1, 1),
            "error_title": title,
            "error_message": _("Enter a date YYYY-MM-DD."),
        }
    return None


class OfferFormTarget(ImportTarget):
    """A bidder's filled-in offer form for one procurement.

    Every row must name the same bidder. Committing replaces that bidder's whole offer
    (its earlier lines go), so a corrected form is simply uploaded again.
    """

    name = TARGET_NAME

    def __init__(self, procurement: Procurement, organisation_number: str = "") -> None:
        self.procurement = procurement
        self.organisation_number = organisation_number
        self.columns = columns_for(procurement)

    @classmethod
    def for_job(cls, options: Mapping[str, Any], access: Access) -> OfferFormTarget:
        """The form of the job's procurement (``procurement``: its number), with the bidder's
        ``organisation_number`` if given; the registry's rule already checked the role."""
        procurement_id = options.get("procurement")
        found = None
        if isinstance(procurement_id, int) and not isinstance(procurement_id, bool):
            found = Procurement.objects.filter(pk=procurement_id).first()
        if found is None:
            raise InvalidOptions(_("There is no such procurement."))
        return cls(found, str(options.get("organisation_number") or ""))

    def start_url(self) -> str | None:
        return reverse("procurement:offer_upload", args=[self.procurement.pk])

    def result_url(self) -> str | None:
        return self.procurement.get_absolute_url()

    def fields(self) -> Sequence[FieldSpec]:
        return [FieldSpec(column.column_id, header(column)) for column in self.columns]

    def suggest_mapping(self, headers: list[str]) -> ColumnMapping:
        fields: dict[int, str] = {}
        taken: set[str] = set()
        for position, text in enumerate(headers):
            key = normalise_header(text)
            for column in self.columns:
                if column.column_id not in taken and key in _names(column):
                    fields[position] = column.column_id
                    taken.add(column.column_id)
                    break
        return ColumnMapping(headers=list(headers), fields=fields, profile=TARGET_NAME)

    def check_mapping(self, mapping: ColumnMapping, file_name: str) -> list[Problem]:
        if self.procurement.is_decided:  # a job kept from before the decision, or the API
            return [
                Problem(
                    row=None,
                    column=None,
                    value="",
                    code="decided",
                    file=file_name,
                    message=_("A decided procurement cannot be changed."),
                )
            ]
        present = set(mapping.fields.values())
        return [
            Problem(
                row=1,
                column=header(column),
                value="",
                code="missing_column",
                file=file_name,
                message=_(
                    "The form needs the column “%(column)s”; use the form generated for "
                    "this procurement."
                )
                % {"column": header(column)},
            )
            for column in self.columns
            if column.required and column.column_id not in present
        ]

    def prepare(self, context: Context, mapping: ColumnMapping) -> None:
        self.context = context
        self.position = {column_id: pos for pos, column_id in mapping.fields.items()}
        self.by_id = {column.column_id: column for column in self.columns}
        self.lines: list[tuple[int, object]] = []
        self.bidder: str | None = None
        self.seen: dict[str, int] = {}
        self.filled_rows = 0

    def _problem(self, row: int, column_id: str, value: str, code: str, message: str) -> Problem:
        column = self.by_id.get(column_id)
        return Problem(
            row=row,
            column=header(column) if column else column_id,
            value=value,
            code=code,
            message=message,
        )

    def validate(self, row: Row) -> list[Problem]:
        values = {
            column_id: row.values[pos] if pos < len(row.values) else ""
            for column_id, pos in self.position.items()
        }
        if not any(str(value).strip() for value in values.values()):
            return []  # an empty row of the form
        self.filled_rows += 1
        try:
            line = parse_offer_row(values, self.columns, row=row.number)
        except OfferRowError as error:
            return [
                self._problem(
                    cell.row,
                    cell.column,
                    str(values.get(cell.column, "")),
                    cell.code,
                    self._message(cell.column, cell.code, cell.message),
                )
                for cell in error.errors
            ]
        problems = []
        if self.bidder is None:
            self.bidder = line.bidder
        elif line.bidder != self.bidder:
            problems.append(
                self._problem(
                    row.number,
                    "bidder",
                    line.bidder,
                    "two_bidders",
                    _("One form holds one bidder's offer; row %(row)s names “%(first)s”.")
                    % {"row": self.lines[0][0], "first": self.bidder},
                )
            )
        if line.line_id in self.seen:
            problems.append(
                self._problem(
                    row.number,
                    "line_id",
                    line.line_id,
                    "duplicate",
                    _("The line id is already used on row %(row)s.")
                    % {"row": self.seen[line.line_id]},
                )
            )
        self.seen.setdefault(line.line_id, row.number)
        if not problems:
            self.lines.append((row.number, line))
        return problems

    def _message(self, column_id: str, code: str, detail: str) -> str:
        column = self.by_id.get(column_id)
        if code == "required":
            return _("must not be empty")
        if column is None:
            return str(ENGINE_MESSAGES.get(detail.rsplit(": ", 1)[-1], detail))
        tail = detail.rsplit(": ", 1)[-1]
        if tail in ENGINE_MESSAGES:
            return str(ENGINE_MESSAGES[tail])
        if column.kind == "decimal":
            return _("is not a number")
        if column.kind == "integer":
            return _("is not a whole number")
        if column.kind == "date":
            return _("is not a date YYYY-MM-DD")
        if column.kind == "choice":
            return _("is not in the list: %(values)s") % {"values": ", ".join(column.choices)}
        if column.kind == "yes_no":
            return _("must be ja or nej")
        return str(ENGINE_MESSAGES.get(tail, detail))

    def after_rows(self) -> list[Problem]:
        if self.filled_rows:
            return []
        return [
            Problem(
                row=None,
                column=None,
                value="",
                code="empty",
                message=_("The form holds no offer lines."),
            )
        ]

    def planned(self) -> Counts:
        existing = OfferLine.objects.filter(
            offer__procurement=self.procurement, offer__supplier__name=self.bidder
        ).count()
        return Counts(
            created=len(self.lines), updated=0, unchanged=0, new_records={"replaced": existing}
        )

    def commit(self) -> Counts:
        actor = self.context.actor
        with audit.acting_as(actor):
            supplier, created = Supplier.objects.get_or_create(
                name=self.bidder, defaults={"organisation_number": self.organisation_number}
            )
            offer, _created = Offer.objects.get_or_create(
                procurement=self.procurement,
                supplier=supplier,
                defaults={"received_by": actor if getattr(actor, "pk", None) else None},
            )
            offer.file_name = self.context.file_name[:255]
            offer.source = "form"
            offer.save()
            replaced = 0
            for old in offer.lines.all():
                old.delete()
                replaced += 1
            for number, line in self.lines:
                store_line(offer, line, number)
        return Counts(created=len(self.lines), new_records={"replaced": replaced})


def store_line(offer: Offer, line: object, row_number: int | None = None) -> OfferLine:
    """Store one engine-checked line (``tendering.OfferLine``) in ``offer``."""
    return OfferLine.objects.create(
        offer=offer,
        row_number=row_number,
        line_id=line.line_id,
        lot=line.lot,
        category=line.category,
        manufacturer=line.manufacturer,
        model=line.model,
        price_per_unit_sek=line.price_per_unit_sek,
        tec_kwh_per_year=line.tec_kwh_per_year,
        etec_limit_kwh_per_year=line.etec_limit_kwh_per_year,
        warranty_years=line.warranty_years,
        battery_cycles=line.battery_cycles,
        spare_part_years=line.spare_part_years,
        pcf_kg_co2e=line.pcf_kg_co2e,
        pcf_standard=line.pcf_standard,
        pcf_source=line.pcf_source,
        certificates=[cert.as_dict() for cert in line.certificates],
        declarations=sorted(line.declarations),
    )


def save_line(procurement: Procurement, line: object, organisation_number: str, by) -> OfferLine:
    """A line entered on a page: into the bidder's offer, made if it is the first line."""
    supplier, _created = Supplier.objects.get_or_create(
        name=line.bidder, defaults={"organisation_number": organisation_number}
    )
    offer, _created = Offer.objects.get_or_create(
        procurement=procurement,
        supplier=supplier,
        defaults={"source": "entered", "received_by": by if getattr(by, "pk", None) else None},
    )
    return store_line(offer, line)
