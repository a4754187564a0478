"""Assets as an import target: validating each row against preloaded lookups, no queries.

A row is matched to an existing asset by its asset tag, else by manufacturer and serial
number. A matched row updates only the fields whose cells are filled in: an empty cell means
"this file does not say", never "erase it" — an import never deletes, and other systems'
exports leave out what they do not track. An unmatched row creates an asset, which then
needs a tag, a model and a department.

Rows are only *planned* here; :mod:`kretslopp.imports.assets.writer` writes the plan.
"""

from __future__ import annotations

import datetime as dt
import operator
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import repeat
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kretslopp.imports.assets import fingerprints
from kretslopp.imports.assets.columns import ASSET_FIELDS, suggest_mapping
from kretslopp.imports.assets.lookups import INDEX, Existing, Lookups, manufacturer_key, name_key
from kretslopp.imports.assets.plan import NEW_FIELDS, Plan, Update
from kretslopp.imports.cells import CachedParser, clean
from kretslopp.imports.pipeline import Context, Counts, FieldSpec, ImportTarget, UnknownName
from kretslopp.imports.problems import Problem, tabular_message
from kretslopp.imports.valuemaps import category_resolver, status_resolver
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import CATEGORIES_WITH_STORAGE, Asset
from kretslopp.organisation.access import Access, Action
from kretslopp.organisation.models import Location, Person
from kretslopp.tabular import (
    Row,
    looks_like_markup,
    normalise_header,
    parse_bool,
    parse_date,
    parse_decimal,
    strip_html,
)
from kretslopp.tabular.mapping import ColumnMapping

DATE_FIELDS = (
    "purchase_date", "delivery_date", "in_use_date", "warranty_end", "planned_end_of_life",
)  # fmt: skip
TEXT_FIELDS = ("supplier", "order_number", "notes")
USERNAME_HEADERS = frozenset({"username", "användarnamn", "user name"})
#: The one source whose exports are HTML; see :meth:`AssetTarget.prepare`.
MARKUP_PROFILE = "snipeit"
MAX_PRICE = Decimal("9999999999.99")
CENT = Decimal("0.01")


def _max_lengths() -> dict[str, int]:
    """Text stored as written must fit its column; looked-up names (status…) need not."""
    lengths = {
        name: Asset._meta.get_field(name).max_length
        for name in ("asset_tag", "serial_number", "supplier", "order_number")
    }
    lengths.update(manufacturer=100, model_name=200, model_number=100, location=200)
    return lengths


def field_labels() -> dict[str, str]:
    """The asset fields a column may feed, with the names the asset pages use."""
    labels = {
        field.name: str(field.verbose_name).capitalize()
        for field in Asset._meta.concrete_fields
        if field.name in ASSET_FIELDS
    }
    labels.update(
        manufacturer=_("Manufacturer"),
        model_name=_("Model"),
        model_number=_("Model number"),
        category=_("Category"),
        warranty_months=_("Warranty (months)"),
    )
    return labels


class AssetTarget(ImportTarget):
    """Creates and updates assets (and, when allowed, models, makers and locations)."""

    name = "assets"

    def start_url(self) -> str | None:
        return reverse("imports:upload")

    def result_url(self) -> str | None:
        return reverse("inventory:assets")

    def __init__(self) -> None:
        self.plan = Plan()
        self.lookups = Lookups()
        self.positions: list[tuple[str, int]] = []
        self.headers: list[str] = []
        self.context: Context | None = None
        self.max_lengths = _max_lengths()

    # --- mapping ----------------------------------------------------------------------

    def fields(self) -> Sequence[FieldSpec]:
        labels = field_labels()
        names = [*ASSET_FIELDS, "warranty_months"]
        return [FieldSpec(name, labels.get(name, name)) for name in names]

    def suggest_mapping(self, headers: list[str]) -> ColumnMapping:
        """tabular's suggestion, but people are found by username rather than full name.

        Snipe-IT exports both "Checked Out To" (a display name) and "Username"; only the
        username identifies a person in Kretslopp, so it feeds the assignee when present.
        """
        mapping = suggest_mapping(headers)
        usernames = [
            position
            for position in mapping.conflicts
            if normalise_header(headers[position]) in USERNAME_HEADERS
        ]
        current = mapping.position_of("assignee")
        if usernames and current is not None:
            del mapping.fields[current]
            mapping.fields[usernames[0]] = "assignee"
            mapping.fields = dict(sorted(mapping.fields.items()))
            mapping.conflicts = sorted({*mapping.conflicts, current} - {usernames[0]})
        return mapping

    def check_mapping(self, mapping: ColumnMapping, file_name: str) -> list[Problem]:
        mapped = set(mapping.fields.values())
        if "asset_tag" in mapped or "serial_number" in mapped:
            return []
        return [
            Problem(
                row=1,
                column=None,
                value="",
                code="no_identifier",
                file=file_name,
                message=_(
                    "No column was recognised as the asset tag or the serial number, so no "
                    "row can be matched or created. Is the first row the column names? "
                    "Choose the columns in the mapping."
                ),
            )
        ]

    # --- preparing --------------------------------------------------------------------

    def prepare(self, context: Context, mapping: ColumnMapping) -> None:
        self.context = context
        self.plan = Plan()
        self.lookups = Lookups.load()
        self.headers = mapping.headers
        self.positions = sorted(
            ((name, position) for position, name in mapping.fields.items()),
            key=lambda item: item[1],
        )
        # One call picks every mapped cell of a row, in the order of ``limits``.
        self.limits = [(name, self.max_lengths.get(name, 0)) for name, _pos in self.positions]
        self.pick = _picker([position for _name, position in self.positions])
        self.names = [name for name, _limit in self.limits]
        # Only the mapped ones: a row cannot fill a field no column feeds.
        self.date_fields = [name for name in DATE_FIELDS if name in self.names]
        self.text_fields = [name for name in ("serial_number", *TEXT_FIELDS) if name in self.names]
        # For the whole-row check: a column without a limit takes any length.
        self.lengths = [limit or sys.maxsize for _name, limit in self.limits]
        self.default_status = mapping.defaults.get("status") or lifecycle.IN_STOCK
        # Snipe-IT writes its export as HTML (names as links, "&amp;" for "&"): decoding
        # it gives the text Snipe-IT holds. Any other file's text is stored as written.
        self.unwrap_markup = mapping.profile == MARKUP_PROFILE
        self.category = category_resolver()
        self.status = status_resolver()
        self.dates = CachedParser(parse_date)
        self.decimals = CachedParser(parse_decimal)
        self.bools = CachedParser(parse_bool)
        access = context.access
        # Another department's location or person is no more the user's to name in a file
        # than in the asset form: the ids they may name (None: any).
        self.readable_locations = _readable_ids(access, Location, "location" in self.names)
        self.readable_people = _readable_ids(access, Person, "assignee" in self.names)
        self.department_bound = access.department_bound
        self.may_add_locations = context.options.allow_new_models
        self.may_add_models = context.options.allow_new_models and access.can(Action.EDIT_CATALOGUE)
        self.may_edit: dict[int, bool] = {}
        self.seen_tags: dict[str, int] = {}
        self.seen_serials: dict[tuple[int, str], int] = {}
        self.seen_assets: dict[int, int] = {}
        self.maker_cache: dict[str, int] = {}
        self.answers: dict[tuple, int | None] = {}
        self.unknown: dict[tuple[str, str], UnknownName] = {}
        self.today = dt.date.today()
        self._prepare_fingerprints(context, mapping)

    def _prepare_fingerprints(self, context: Context, mapping: ColumnMapping) -> None:
        """The fast path needs the tag column; without one every row goes the normal way."""
        self.key = fingerprints.run_key(self.names, mapping, context.options, self.lookups)
        self.tag_index = self.names.index("asset_tag") if "asset_tag" in self.names else None
        self.serial_index = (
            self.names.index("serial_number") if "serial_number" in self.names else None
        )
        self.known = fingerprints.load() if self.tag_index is not None else {}

    def remembered(self, lookup: Callable[..., int | None], *args: Any) -> int | None:
        """``lookup(*args)``, asked once per distinct question: files repeat their names."""
        key = (lookup.__name__, *args)
        found = self.answers.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = self.answers[key] = lookup(*args)
        return found

    def may_name(self, readable: frozenset[int] | None, record_id: int) -> bool:
        """Whether the user may point an asset at this location or person."""
        return readable is None or record_id in readable

    def _can_edit(self, department_id: int) -> bool:
        allowed = self.may_edit.get(department_id)
        if allowed is None:
            assert self.context is not None
            allowed = self.context.access.can(Action.EDIT_ASSETS, department_id)
            self.may_edit[department_id] = allowed
        return allowed

    # --- validating -------------------------------------------------------------------

    def validate(self, row: Row) -> list[Problem]:
        cells = self.pick(row.values)
        if self.unwrap_markup:
            cells = _unwrapped(cells)
        digest = fingerprints.digest(self.key, cells)
        if self.known and self._unchanged_since_imported(row.number, cells, digest):
            self.plan.unchanged += 1
            return []
        problems: list[Problem] = []
        texts = self._texts(row, cells, problems)
        check = _RowCheck(self, row, texts, problems, digest)
        check.run()
        return problems

    def _unchanged_since_imported(self, number: int, cells: tuple[str, ...], digest: str) -> bool:
        """Whether the row is the one that last wrote its asset, which nobody changed since.

        Besides the fingerprint, what it cannot know is checked as the normal way checks
        it (anything unexpected sends the row the normal way, which words the problem):
        the user's right to edit the asset, the serial number still being this asset's, and
        the tag, asset and serial number occurring once in the file.
        """
        assert self.tag_index is not None
        tag = cells[self.tag_index]
        existing = self.lookups.assets_by_tag.get(tag) if tag else None
        if existing is None:
            return False
        known = self.known.get(existing.id)
        if known is None or known[0] != digest or known[1] != existing.updated_at:
            return False
        if not self._can_edit(existing.get("department_id")):
            return False
        serial_key = None
        if self.serial_index is not None and cells[self.serial_index]:
            serial = existing.get("serial_number")
            serial_key = (existing.manufacturer_id, serial.casefold())
            if self.lookups.assets_by_serial.get(serial_key) is not existing:
                return False
        if (
            self.seen_tags.setdefault(tag, number) != number
            or self.seen_assets.setdefault(existing.id, number) != number
        ):
            return False
        return serial_key is None or self.seen_serials.setdefault(serial_key, number) == number

    def _texts(self, row: Row, cells: tuple[str, ...], problems: list[Problem]) -> dict[str, str]:
        """The filled-in cells of the row by field, cleaned; formulas are refused.

        Nearly every row needs no cleaning and fits its columns; that is checked for the
        whole row in C (the cells' first and last characters against the ones that need a
        closer look, and their lengths against the limits); only a row that fails goes cell
        by cell.
        """
        firsts = "".join(map(operator.getitem, cells, repeat(_FIRST)))
        lasts = "".join(map(operator.getitem, cells, repeat(_LAST)))
        if (
            _NEEDS_CLEANING.isdisjoint(firsts)
            and _NEEDS_CLEANING.isdisjoint(lasts)
            and not any(map(operator.gt, map(len, cells), self.lengths))
        ):
            return {name: text for name, text in zip(self.names, cells, strict=True) if text}
        return self._cleaned_texts(row, cells, problems)

    def _cleaned_texts(
        self, row: Row, cells: tuple[str, ...], problems: list[Problem]
    ) -> dict[str, str]:
        """:meth:`_texts` cell by cell: trims, undoes the apostrophe guard, checks lengths."""
        texts: dict[str, str] = {}
        needs_cleaning = _NEEDS_CLEANING
        for (name, limit), text in zip(self.limits, cells, strict=True):
            if not text:
                continue
            if text[0] in needs_cleaning or text[-1] in needs_cleaning:
                text, formula = clean(text)
                if not text:
                    continue
                if formula:
                    problems.append(self.problem(row, name, text, "formula", _formula_message()))
                    continue
            if limit and len(text) > limit:
                message = _("The text is %(length)s characters long; at most %(limit)s fit.") % {
                    "length": len(text),
                    "limit": limit,
                }
                problems.append(self.problem(row, name, text[:80], "too_long", message))
                continue
            texts[name] = text
        return texts

    def column_of(self, field: str | None) -> str | None:
        """The header of the column that feeds ``field``, if one does."""
        if field is not None:
            for name, position in self.positions:
                if name == field:
                    return self.headers[position]
        return None

    def problem(
        self, row: Row, field: str | None, value: str, code: str, message: str, warning=False
    ) -> Problem:
        return Problem(row.number, self.column_of(field), value, message, code, warning=warning)

    # --- names Kretslopp does not know ----------------------------------------------------

    def note_unknown(
        self, kind: str, text: str, row: Row, department_id: int | None = None
    ) -> None:
        """Count a row naming ``text`` that no record or value mapping explains.

        The row is not imported, but it gets no error of its own: the name gets one, once
        every row has been seen (:meth:`after_rows`), and one decision settles every row.
        """
        key = (kind, normalise_header(text))
        found = self.unknown.get(key)
        if found is None:
            found = UnknownName(kind, text, self.column_of(kind), row.number)
            self.unknown[key] = found
        found.rows += 1
        if department_id is not None:
            found.departments[department_id] = found.departments.get(department_id, 0) + 1

    def unknown_names(self) -> list[UnknownName]:
        return sorted(
            self.unknown.values(), key=lambda name: (UNKNOWN_KINDS.index(name.kind), name.first_row)
        )

    def after_rows(self) -> list[Problem]:
        return [
            Problem(
                name.first_row,
                name.column,
                name.value,
                self._unknown_message(name),
                f"unknown_{name.kind}",
            )
            for name in self.unknown_names()
        ]

    def _unknown_message(self, name: UnknownName) -> str:
        values = {"name": name.value, "count": name.rows, "row": name.first_row}
        if name.kind == "department" and self.lookups.department_ambiguous(name.value):
            template = ngettext(
                "Several departments are called “%(name)s” (%(count)s row, the first is row "
                "%(row)s). Say once which one it is in the preview of an upload (Import), or "
                "use the department's code.",
                "Several departments are called “%(name)s” (%(count)s rows, the first is row "
                "%(row)s). Say once which one it is in the preview of an upload (Import), or "
                "use the department's code.",
                name.rows,
            )
        else:
            template = _unknown_template(name.kind, name.rows)
        return template % values

    # --- planning ---------------------------------------------------------------------

    def planned(self) -> Counts:
        return self.plan.counts()

    def commit(self) -> Counts:
        from kretslopp.imports.assets.writer import write

        assert self.context is not None
        write(self.plan, self.context)
        return self.plan.counts()


def _readable_ids(access: Access, model: type, needed: bool) -> frozenset[int] | None:
    """The ids of ``model``'s rows in the user's scope, or None where any row is theirs.

    Loaded once per run, and only when the file has the column that names such rows.
    """
    if not needed or access.all_departments:
        return None
    return frozenset(access.scope(model.objects.all()).values_list("pk", flat=True))


#: The kinds of names gathered for a decision, in the order the preview lists them.
UNKNOWN_KINDS = ("department", "location", "category", "status")


def _unknown_template(kind: str, rows: int) -> str:
    """What to do about a name nobody has explained, for the person importing."""
    if kind == "department":
        return ngettext(
            "“%(name)s” is not a department Kretslopp knows (%(count)s row, the first is row "
            "%(row)s). Say once which department it is, or create it, in the preview of an "
            "upload (Import); then its rows are imported, in later files too.",
            "“%(name)s” is not a department Kretslopp knows (%(count)s rows, the first is row "
            "%(row)s). Say once which department it is, or create it, in the preview of an "
            "upload (Import); then its rows are imported, in later files too.",
            rows,
        )
    if kind == "location":
        return ngettext(
            "“%(name)s” is not a location Kretslopp knows (%(count)s row, the first is row "
            "%(row)s). Say once which location it is, or create it, in the preview of an "
            "upload (Import), or allow missing locations to be created (the checkbox, or "
            "--allow-new-models).",
            "“%(name)s” is not a location Kretslopp knows (%(count)s rows, the first is row "
            "%(row)s). Say once which location it is, or create it, in the preview of an "
            "upload (Import), or allow missing locations to be created (the checkbox, or "
            "--allow-new-models).",
            rows,
        )
    if kind == "category":
        return ngettext(
            "The category “%(name)s” is not known (%(count)s row, the first is row %(row)s). "
            "Say once which of ours it is in the preview of an upload, or under Import → "
            "Value mappings.",
            "The category “%(name)s” is not known (%(count)s rows, the first is row "
            "%(row)s). Say once which of ours it is in the preview of an upload, or under "
            "Import → Value mappings.",
            rows,
        )
    return ngettext(
        "The status “%(name)s” is not known (%(count)s row, the first is row %(row)s). Say "
        "once which of ours it means in the preview of an upload, or under Import → Value "
        "mappings (what happened to the device decides which).",
        "The status “%(name)s” is not known (%(count)s rows, the first is row %(row)s). Say "
        "once which of ours it means in the preview of an upload, or under Import → Value "
        "mappings (what happened to the device decides which).",
        rows,
    )


#: When an asset's life began, in order of preference; and the dates that must not be earlier.
_STARTS = ("in_use_date", "delivery_date", "purchase_date")
_ENDS = ("warranty_end", "planned_end_of_life")


def _date_order_message(end_name: str, start_name: str) -> str:
    """One whole sentence per pair of dates, so that each translates naturally."""
    return {
        ("warranty_end", "in_use_date"): _(
            "The warranty ends (%(end)s) before the asset was in use (%(start)s). "
            "Check the dates; this does not stop the import."
        ),
        ("warranty_end", "delivery_date"): _(
            "The warranty ends (%(end)s) before the asset was delivered (%(start)s). "
            "Check the dates; this does not stop the import."
        ),
        ("warranty_end", "purchase_date"): _(
            "The warranty ends (%(end)s) before the asset was bought (%(start)s). "
            "Check the dates; this does not stop the import."
        ),
        ("planned_end_of_life", "in_use_date"): _(
            "The planned end of life (%(end)s) is before the asset was in use (%(start)s). "
            "Check the dates; this does not stop the import."
        ),
        ("planned_end_of_life", "delivery_date"): _(
            "The planned end of life (%(end)s) is before the asset was delivered "
            "(%(start)s). Check the dates; this does not stop the import."
        ),
        ("planned_end_of_life", "purchase_date"): _(
            "The planned end of life (%(end)s) is before the asset was bought (%(start)s). "
            "Check the dates; this does not stop the import."
        ),
    }[(end_name, start_name)]


def _formula_message() -> str:
    return _(
        "This looks like a spreadsheet formula, which is not accepted as a value. "
        "If it is meant as text, start it with an apostrophe (')."
    )


class _RowCheck:
    """The checks of one row, in order; each step may add problems and stop the row."""

    def __init__(
        self,
        target: AssetTarget,
        row: Row,
        texts: dict[str, str],
        problems: list[Problem],
        digest: str | None = None,
    ) -> None:
        self.target = target
        self.lookups = target.lookups
        self.row = row
        self.texts = texts
        self.problems = problems
        self.digest = digest
        self.existing: Existing | None = None
        self.manufacturer_id: int | None = None
        self.unresolved = False  # a name needs a decision: not imported, no error of its own

    def unknown(self, kind: str, text: str, department_id: int | None = None) -> None:
        self.target.note_unknown(kind, text, self.row, department_id)
        self.unresolved = True

    def fail(self, field: str | None, code: str, message: str, warning: bool = False) -> None:
        value = self.texts.get(field, "") if field else ""
        self.problems.append(self.target.problem(self.row, field, value, code, message, warning))

    def run(self) -> None:
        errors_before = len(self.problems)
        if not self._identify():
            return
        values: dict[str, Any] = {}
        self._model(values)
        self._department(values)
        self._cost_centre(values)
        self._location(values)
        self._assignee(values)
        self._parse_values(values)
        self._date_order(values)
        self._status(values)
        if self.unresolved:
            return
        if len(self.problems) == errors_before or all(
            problem.warning for problem in self.problems[errors_before:]
        ):
            self._plan(values)

    # identity: which asset is this row about? ------------------------------------------

    def _identify(self) -> bool:
        texts, lookups, target = self.texts, self.lookups, self.target
        tag = texts.get("asset_tag", "")
        serial = texts.get("serial_number", "")
        maker = texts.get("manufacturer", "")
        if maker:
            self.manufacturer_id = self._manufacturer(maker)
        existing = lookups.assets_by_tag.get(tag) if tag else None
        maker_id = self.manufacturer_id or (existing.manufacturer_id if existing else None)
        serial_key = (maker_id, serial.casefold()) if serial and maker_id else None
        by_serial = lookups.assets_by_serial.get(serial_key) if serial_key else None
        if existing is None and by_serial is not None:
            if tag:
                self._serial_taken(by_serial)
                return False
            existing = by_serial
        elif existing is not None and by_serial is not None and by_serial.id != existing.id:
            self._serial_taken(by_serial)
            return False
        if existing is None and not tag:
            self.fail(
                "asset_tag" if "asset_tag" in dict(target.positions) else "serial_number",
                "missing_tag",
                _(
                    "No asset has this serial number from this manufacturer, and the row "
                    "has no asset tag to register it under. Add the asset tag."
                ),
            )
            return False
        if existing is not None and not target._can_edit(existing.get("department_id")):
            self.fail(
                "asset_tag" if tag else "serial_number",
                "not_yours",
                _("This asset is not in your departments; you cannot change it."),
            )
            return False
        return self._not_duplicate(tag, serial_key, existing)

    def _serial_taken(self, other: Existing) -> None:
        if self.target._can_edit(other.get("department_id")):
            message = _(
                "This serial number already belongs to asset %(tag)s from the same "
                "manufacturer. One device has one serial number: check the row."
            ) % {"tag": other.asset_tag}
        else:
            message = _(
                "This serial number already belongs to another asset from the same "
                "manufacturer (not in your departments). Check the row."
            )
        self.fail("serial_number", "serial_taken", message)

    def _not_duplicate(
        self, tag: str, serial_key: tuple[int, str] | None, existing: Existing | None
    ) -> bool:
        target = self.target
        number = self.row.number
        if tag:
            first = target.seen_tags.setdefault(tag, number)
            if first != number:
                self.fail(
                    "asset_tag",
                    "duplicate_tag",
                    _("The asset tag %(tag)s occurs twice in the file: also in row %(row)s.")
                    % {"tag": tag, "row": first},
                )
                return False
        if serial_key is not None:
            first = target.seen_serials.setdefault(serial_key, number)
            if first != number:
                self.fail(
                    "serial_number",
                    "duplicate_serial",
                    _(
                        "The serial number %(serial)s of this manufacturer occurs twice in "
                        "the file: also in row %(row)s."
                    )
                    % {"serial": self.texts["serial_number"], "row": first},
                )
                return False
        if existing is not None:
            first = target.seen_assets.setdefault(existing.id, number)
            if first != number:
                self.fail(
                    "serial_number" if "serial_number" in self.texts else "asset_tag",
                    "duplicate_asset",
                    _("Row %(row)s of the file is about the same asset.") % {"row": first},
                )
                return False
        self.existing = existing
        return True

    # the catalogue ---------------------------------------------------------------------

    def _manufacturer(self, name: str) -> int | None:
        cache = self.target.maker_cache
        if name in cache:
            return cache[name]
        found = self._find_manufacturer(name)
        if found is not None:
            cache[name] = found
        return found

    def _find_manufacturer(self, name: str) -> int | None:
        key = manufacturer_key(name)
        found = self.lookups.manufacturers.get(key)
        if found is not None:
            return found
        pending = self.target.plan.new_manufacturers.get(key)
        if pending is not None:
            return pending[0]
        if self.target.may_add_models:
            return self.target.plan.add_manufacturer(key, name)
        # Reported with the model (an unknown maker only matters where a model is needed).
        return None

    def _model(self, values: dict[str, Any]) -> None:
        texts, existing = self.texts, self.existing
        model_name = texts.get("model_name", "")
        maker = texts.get("manufacturer", "")
        if not model_name:
            if existing is None:
                self.fail(
                    "model_name" if "model_name" in dict(self.target.positions) else None,
                    "missing_model",
                    _("A new asset needs a model (and its manufacturer)."),
                )
            return
        maker_id = self.manufacturer_id
        if not maker:
            if existing is None:
                self.fail(
                    "manufacturer" if "manufacturer" in dict(self.target.positions) else None,
                    "missing_manufacturer",
                    _("The model %(model)s needs its manufacturer to be found.")
                    % {"model": model_name},
                )
                return
            maker_id = existing.manufacturer_id
        if maker_id is not None:
            found = self.target.remembered(self.lookups.model, maker_id, model_name)
            if found is None:
                pending = self.target.plan.new_models.get((maker_id, name_key(model_name)))
                found = pending[0] if pending else None
            if found is not None:
                values["model_id"] = found
                return
        self._new_model(values, maker_id, maker, model_name)

    def _new_model(
        self, values: dict[str, Any], maker_id: int | None, maker: str, model_name: str
    ) -> None:
        target = self.target
        display = f"{maker} {model_name}".strip()
        if not target.may_add_models:
            if target.context is not None and target.context.options.allow_new_models:
                message = _(
                    "The model %(model)s is not in the catalogue, and only procurement or an "
                    "administrator may add models. Ask them to add it, then import again."
                )
            else:
                message = _(
                    "The model %(model)s is not in the catalogue. Correct the name, or allow "
                    "missing models to be created (the checkbox, or --allow-new-models)."
                )
            self.fail("model_name", "unknown_model", message % {"model": display})
            return
        category_text = self.texts.get("category", "")
        category = target.category(category_text) if category_text else None
        if category is None:
            if category_text:
                self.unknown("category", category_text)
            else:
                self.fail(
                    "category" if "category" in dict(target.positions) else None,
                    "missing_category",
                    _("The new model %(model)s needs a category (laptop, monitor, …).")
                    % {"model": display},
                )
            return
        assert maker_id is not None
        values["model_id"] = target.plan.add_model(
            maker_id, name_key(model_name), model_name, self.texts.get("model_number", ""), category
        )

    # organisation ----------------------------------------------------------------------

    def _department(self, values: dict[str, Any]) -> None:
        text = self.texts.get("department", "")
        if not text:
            if self.existing is None:
                self.fail(
                    "department" if "department" in dict(self.target.positions) else None,
                    "missing_department",
                    _("A new asset needs a department (its code or name)."),
                )
            return
        found = self.target.remembered(self.lookups.department, text)
        if found is None:
            self.unknown("department", text)
            return
        if not self.target._can_edit(found):
            self.fail(
                "department",
                "not_your_department",
                _("“%(name)s” is not one of your departments; you cannot import into it.")
                % {"name": text},
            )
            return
        values["department_id"] = found

    def _cost_centre(self, values: dict[str, Any]) -> None:
        """One of the asset's department's cost centres, by code.

        A row that moves an asset to another department without naming a cost centre
        clears the old one: it belongs to the department the asset leaves.
        """
        existing = self.existing
        department_id = values.get("department_id") or (
            existing.get("department_id") if existing else None
        )
        text = self.texts.get("cost_centre", "")
        if not text:
            current = existing.get("cost_centre_id") if existing else None
            if (
                current is not None
                and "department_id" in values
                and self.lookups.cost_centre_department.get(current) != department_id
            ):
                values["cost_centre_id"] = None
            return
        found = self.lookups.cost_centres.get(name_key(text))
        if found is None:
            self.fail(
                "cost_centre",
                "unknown_cost_centre",
                _("There is no cost centre “%(code)s”. Use a cost centre's code.") % {"code": text},
            )
            return
        centre_id, owner_id, owner_code = found
        if not self.target.context.access.covers(owner_id):
            # Which department owns it is not a department-bound user's to learn.
            self.fail(
                "cost_centre",
                "not_your_cost_centre",
                _("Cost centre %(code)s is not one of your departments' cost centres.")
                % {"code": text},
            )
            return
        if department_id is not None and owner_id != department_id:
            self.fail(
                "cost_centre",
                "cost_centre_department",
                _(
                    "Cost centre %(code)s belongs to department %(owner)s, not to the asset's "
                    "department."
                )
                % {"code": text, "owner": owner_code},
            )
            return
        values["cost_centre_id"] = centre_id

    def _location(self, values: dict[str, Any]) -> None:
        text = self.texts.get("location", "")
        if not text:
            return
        key = name_key(text)
        found = self.target.remembered(self.lookups.location, text)
        if found is not None and not self.target.may_name(self.target.readable_locations, found):
            self.fail(
                "location",
                "not_your_location",
                _("The location “%(name)s” is not one of your departments' locations.")
                % {"name": text},
            )
            return
        if found is None:
            pending = self.target.plan.new_locations.get(key)
            department_id = values.get("department_id") or (
                self.existing.get("department_id") if self.existing else None
            )
            if pending is not None:
                found = pending[0]
            elif self.target.may_add_locations:
                found = self.target.plan.add_location(key, text, department_id)
            else:
                self.unknown("location", text, department_id)
                return
        values["location_id"] = found

    def _assignee(self, values: dict[str, Any]) -> None:
        text = self.texts.get("assignee", "")
        if not text:
            return
        found = self.lookups.people.get(name_key(text))
        if found is None or not self.target.may_name(self.target.readable_people, found):
            # Someone of another department reads exactly like nobody: an import must not
            # tell a department-bound user who works elsewhere.
            if self.target.department_bound:
                message = _(
                    "“%(name)s” is not a person in your departments (by employee id, username "
                    "or e-mail), so the asset is imported without this assignment."
                )
            else:
                message = _(
                    "“%(name)s” is not a person in Kretslopp (by employee id, username or "
                    "e-mail), so the asset is imported without this assignment."
                )
            self.fail("assignee", "unknown_person", message % {"name": text}, warning=True)
            return
        values["assignee_id"] = found

    # values ----------------------------------------------------------------------------

    def _parse_values(self, values: dict[str, Any]) -> None:
        texts, target = self.texts, self.target
        known_dates = target.dates.cache
        for name in target.date_fields:
            text = texts.get(name)
            if text:
                value, error = known_dates.get(text) or target.dates(text)
                if error is not None:
                    self.fail(name, error.code, tabular_message(error.code, error.params, text))
                else:
                    values[name] = value
        for name in target.text_fields:
            if name in texts:
                values[name] = texts[name]
        self._price(values)
        self._storage(values)
        self._warranty_months(values)

    def _price(self, values: dict[str, Any]) -> None:
        text = self.texts.get("purchase_price_sek")
        if not text:
            return
        value = plain_price(text)
        error = None
        if value is None:
            value, error = self.target.decimals(text)
        if error is not None:
            self.fail(
                "purchase_price_sek", error.code, tabular_message(error.code, error.params, text)
            )
        elif value < 0 or value > MAX_PRICE:
            self.fail(
                "purchase_price_sek",
                "price_out_of_range",
                _("A purchase price must be between 0 and 9,999,999,999.99 kronor."),
            )
        else:
            values["purchase_price_sek"] = value.quantize(CENT)

    def _storage(self, values: dict[str, Any]) -> None:
        text = self.texts.get("has_storage")
        if not text:
            return
        value, error = self.target.bools(text)
        if error is not None:
            self.fail("has_storage", error.code, tabular_message(error.code, error.params, text))
        else:
            values["has_storage"] = value

    def _warranty_months(self, values: dict[str, Any]) -> None:
        text = self.texts.get("warranty_months")
        if not text or "warranty_end" in values:
            return
        months, error = self.target.decimals(text)
        if error is not None or months is None or months != int(months) or not 0 <= months <= 240:
            self.fail(
                "warranty_months",
                "bad_warranty",
                _("The warranty must be a whole number of months (0–240)."),
            )
            return
        start = values.get("purchase_date") or (
            self.existing.get("purchase_date") if self.existing else None
        )
        if start is not None:
            values["warranty_end"] = _add_months(start, int(months))

    def _date_order(self, values: dict[str, Any]) -> None:
        """Warn when the warranty or the planned life ends before the asset's life began.

        Most likely a typo or swapped columns, but not certainly (a device bought used, a
        warranty counted from a framework agreement): a warning, not an error. Only dates
        this row gives are questioned, against the earliest start the asset has: in use,
        else delivered, else bought.
        """
        existing = self.existing

        def current(name: str) -> dt.date | None:
            if name in values:
                return values[name]
            return existing.get(name) if existing is not None else None

        start_name = next((name for name in _STARTS if current(name) is not None), None)
        if start_name is None:
            return
        start = current(start_name)
        for end_name in _ENDS:
            end = current(end_name)
            if end is None or end >= start:
                continue
            if end_name not in values and start_name not in values:
                continue  # the file says neither: not this import's question
            message = _date_order_message(end_name, start_name) % {
                "end": end.isoformat(),
                "start": start.isoformat(),
            }
            self.fail(self._date_column(end_name, start_name), "date_order", message, warning=True)

    def _date_column(self, end_name: str, start_name: str) -> str:
        """The column to point at: the end date's, else what gave it, else the start's."""
        if end_name in self.texts:
            return end_name
        if end_name == "warranty_end" and "warranty_months" in self.texts:
            return "warranty_months"
        return start_name

    # status: through the lifecycle -------------------------------------------------------

    def _status(self, values: dict[str, Any]) -> None:
        text = self.texts.get("status", "")
        target, existing = self.target, self.existing
        if not text:
            if existing is None:
                values["status"] = target.default_status
            self._assignable(values, values.get("status") or existing.get("status"))
            return
        status = target.status(text)
        if status is None:
            self.unknown("status", text)
            return
        if existing is not None and status != existing.get("status"):
            has_storage = values.get("has_storage", existing.get("has_storage"))
            try:
                lifecycle.check_move(existing.get("status"), status, has_storage=has_storage)
            except lifecycle.IllegalMove as refusal:
                self.fail("status", "illegal_move", refusal.explain(_))
                return
        if self._assignable(values, status):
            values["status"] = status

    def _assignable(self, values: dict[str, Any], status: str) -> bool:
        """Whether the row's assignee may be given an asset in ``status`` (the lifecycle's
        rule); if not, the row fails on its assignee."""
        refusal = lifecycle.assignment_refusal(status, assigned="assignee_id" in values)
        if refusal is not None:
            self.fail("assignee", "ordered_assigned", _(refusal))
            return False
        return True

    # the plan --------------------------------------------------------------------------

    def _plan(self, values: dict[str, Any]) -> None:
        plan = self.target.plan
        existing = self.existing
        # Only a row without even a warning may skip validation next time: the warning
        # must be shown again.
        digest = None if self.problems else self.digest
        if existing is None:
            model_id = values["model_id"]
            if "has_storage" not in values:
                category = plan.model_category(model_id, self.lookups)
                values["has_storage"] = category in CATEGORIES_WITH_STORAGE
            values["asset_tag"] = self.texts["asset_tag"]
            plan.new.append((self.row.number, *map(values.get, NEW_FIELDS, _NEW_BLANKS)))
            plan.new_digests.append(digest)
            return
        old = existing.values
        # Most rows of a re-import change nothing: compare all values at once first.
        if tuple(values.values()) == tuple(map(old.__getitem__, map(INDEX.__getitem__, values))):
            changes = {}
        else:
            changes = {name: value for name, value in values.items() if value != old[INDEX[name]]}
        if changes:
            plan.updates.append(Update(self.row.number, existing, changes, digest))
            return
        plan.unchanged += 1
        if digest is not None and self.target.known.get(existing.id) != (
            digest,
            existing.updated_at,
        ):
            plan.unchanged_digests.append((existing.id, digest, existing.updated_at))


_UNKNOWN = object()
# Each new-asset field's value when the file does not give one, in NEW_FIELDS order.
_NEW_BLANKS = tuple("" if name in ("serial_number", *TEXT_FIELDS) else None for name in NEW_FIELDS)
# First or last characters that mean a cell needs more than a look: blank space to trim,
# a formula sign, or our export's apostrophe guard.
_NEEDS_CLEANING = frozenset(" \t\r\n\xa0=@+-'")
_FIRST, _LAST = slice(0, 1), slice(-1, None)


def plain_price(text: str) -> Decimal | None:
    """``"12345"``, ``"12345.67"`` or ``"12345,67"`` as a Decimal; anything else None.

    Prices are nearly all distinct, so the parse-once cache of the general parser almost
    never hits and its normalising (spaces, currency, signs, grouping) is paid for every
    row; machine-written exports are these plain digits. The result is what
    :func:`kretslopp.tabular.parse_decimal` gives for the same text (one separator, dot or
    comma, is the decimal separator there too); None sends the text to it.
    """
    head, separator, tail = text.partition(".")
    if not separator:
        head, separator, tail = text.partition(",")
    if not (head.isdigit() and head.isascii()):
        return None
    if not separator:
        return Decimal(head)
    if tail.isdigit() and tail.isascii():
        return Decimal(f"{head}.{tail}")
    return None


def _unwrapped(cells: tuple[str, ...]) -> tuple[str, ...]:
    """A Snipe-IT row's cells as text: ``<a href="…">Latitude 5420</a>`` → ``Latitude 5420``."""
    joined = "".join(cells)
    if ("<" in joined or "&" in joined) and looks_like_markup(joined):
        return tuple(strip_html(cell) if looks_like_markup(cell) else cell for cell in cells)
    return cells


def _picker(positions: list[int]) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    """``cells → the cells at positions`` as one C call (``itemgetter``), always a tuple."""
    if not positions:
        return lambda cells: ()
    if len(positions) == 1:
        only = positions[0]
        return lambda cells: (cells[only],)
    return operator.itemgetter(*positions)


def _add_months(start: dt.date, months: int) -> dt.date:
    month = start.month - 1 + months
    year = start.year + month // 12
    month = month % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return dt.date(year, month, 28)
