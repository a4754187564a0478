"""The register of measures as a table: exported to CSV/XLSX and imported back, same columns.

A forum that kept its list in Excel starts from it: the export's columns are exactly what
the import reads (:data:`COLUMNS`), so a register exported, edited and imported again
changes only what was edited. The import is a target of the one import pipeline
(:mod:`kretslopp.imports.pipeline`): preview, located errors, all or nothing.

The import keeps the forum's rules. A new measure may come in decided, under way or done
only if the forum's mandate lets the forum decide it (:mod:`kretslopp.forum.mandate`); a
status change of an existing measure must be a legal move (:mod:`kretslopp.forum.lifecycle`)
and, into a decided phase, within the mandate or approved by the body it was escalated to.
Everything else is refused on its row, naming the column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from kretslopp.forum.models import Forum, Measure, Outcome, Status, Topic
from kretslopp.imports.pipeline import Context, Counts, FieldSpec, ImportTarget
from kretslopp.imports.problems import Problem
from kretslopp.organisation.access import Action
from kretslopp.organisation.models import Department
from kretslopp.tabular import Row, ValueParseError, normalise_header, parse_date
from kretslopp.tabular.mapping import ColumnMapping

TARGET_NAME = "forum_measures"

#: The register's columns, in order: field name → header. The header is written in the
#: reader's language; the import also knows the field names and both languages' headers.
COLUMNS: dict[str, Any] = {
    "forum": gettext_lazy("Forum"),
    "number": gettext_lazy("Number"),
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "status": gettext_lazy("Status"),
    "responsible": gettext_lazy("Responsible person"),
    "department": gettext_lazy("Department code"),
    "topics": gettext_lazy("Topics"),
    "start_date": gettext_lazy("Start date"),
    "due_date": gettext_lazy("Due date"),
    "capex_sek": gettext_lazy("Investment (SEK)"),
    "opex_sek_per_year": gettext_lazy("Running cost (SEK per year)"),
}
REQUIRED = ("forum", "title")
#: Decided phases: a measure gets there only through a decision within the mandate.
NEEDS_DECISION = frozenset({Status.DECIDED, Status.IN_PROGRESS, Status.DONE})
TOPIC_SEPARATOR = ";"


def headers() -> list[str]:
    """The register's headers in the active language."""
    return [str(label) for label in COLUMNS.values()]


def row_of(measure: Measure) -> list[Any]:
    """One measure as a register row (the values the import reads back unchanged)."""
    return [
        measure.forum.name,
        measure.number,
        measure.title,
        measure.description,
        str(Status(measure.status).label),
        measure.responsible.name if measure.responsible else "",
        measure.department.code if measure.department else "",
        f"{TOPIC_SEPARATOR} ".join(t.name for t in measure.topics.all()),
        measure.start_date,
        measure.due_date,
        measure.capex_sek,
        measure.opex_sek_per_year,
    ]


def rows_of(measures: Iterable[Measure]) -> Iterable[list[Any]]:
    """Register rows, one per measure, in the order given."""
    return (row_of(m) for m in measures)


def export_queryset(measures):
    """``measures`` with what :func:`row_of` reads, fetched in a few queries."""
    return measures.select_related("forum", "responsible", "department").prefetch_related("topics")


def _key(text: str) -> str:
    return normalise_header(str(text)).replace("_", " ")


def _header_keys() -> dict[str, str]:
    """Every header the import recognises → field: field names and both languages' headers."""
    known: dict[str, str] = {}
    for language in ("en", "sv"):
        with override(language):
            for name, label in COLUMNS.items():
                known.setdefault(_key(str(label)), name)
    for name in COLUMNS:
        known.setdefault(_key(name), name)
    return known


def _status_words() -> dict[str, str]:
    """Status codes and their labels in both languages → code."""
    words: dict[str, str] = {}
    for language in ("en", "sv"):
        with override(language):
            for code, label in Status.choices:
                words.setdefault(_key(str(label)), code)
    for code in Status.values:
        words.setdefault(_key(code), code)
    return words


@dataclass
class _Planned:
    measure: Measure
    topics: list[Topic] | None
    created: bool
    changes: dict[str, Any] = field(default_factory=dict)


class MeasureRegisterTarget(ImportTarget):
    """Rows of the register → new or updated measures of the forums named in the rows."""

    name = TARGET_NAME

    def start_url(self) -> str | None:
        return reverse("forum:register_import")

    def result_url(self) -> str | None:
        return reverse("forum:measures")

    def fields(self) -> Sequence[FieldSpec]:
        return [FieldSpec(name, str(label)) for name, label in COLUMNS.items()]

    def suggest_mapping(self, headers: list[str]) -> ColumnMapping:
        known = _header_keys()
        fields: dict[int, str] = {}
        taken: set[str] = set()
        for position, header in enumerate(headers):
            name = known.get(_key(header))
            if name is not None and name not in taken:
                fields[position] = name
                taken.add(name)
        return ColumnMapping(headers=list(headers), fields=fields, profile=TARGET_NAME)

    def check_mapping(self, mapping: ColumnMapping, file_name: str) -> list[Problem]:
        present = set(mapping.fields.values())
        return [
            Problem(
                row=1,
                column=None,
                value="",
                code="missing_column",
                file=file_name,
                message=_("The file needs a column for “%(field)s”.") % {"field": COLUMNS[name]},
            )
            for name in REQUIRED
            if name not in present
        ]

    def prepare(self, context: Context, mapping: ColumnMapping) -> None:
        self.context = context
        self.position = {name: pos for pos, name in mapping.fields.items()}
        self.headers = mapping.headers
        self.may_import = context.access.can(Action.MANAGE_FORUM)
        self.forums = {_key(f.name): f for f in Forum.objects.prefetch_related("excluded_topics")}
        self.members = {
            (forum.pk, _key(member.name)): member
            for forum in self.forums.values()
            for member in forum.members.filter(active=True)
        }
        self.departments = {d.code.lower(): d for d in Department.objects.all()}
        self.topics = {_key(t.name): t for t in Topic.objects.all()}
        self.statuses = _status_words()
        self.existing = {
            (m.forum_id, m.number): m
            for m in Measure.objects.prefetch_related("topics", "escalations")
        }
        self.next_number = {
            row["forum"]: row["top"]
            for row in Measure.objects.values("forum").annotate(top=Max("number"))
        }
        self.seen: dict[tuple[int, int], int] = {}
        self.planned_rows: list[_Planned] = []
        self.unchanged = 0

    # --- one row ----------------------------------------------------------------------

    def _cell(self, row: Row, name: str) -> str:
        position = self.position.get(name)
        return "" if position is None else row.values[position].strip()

    def _problem(self, row: Row, name: str, value: str, message: str) -> Problem:
        column = self.headers[self.position[name]] if name in self.position else str(COLUMNS[name])
        return Problem(row=row.number, column=column, value=value, message=message, code="invalid")

    def validate(self, row: Row) -> list[Problem]:
        if not self.may_import:
            return [
                self._problem(
                    row, "forum", "", _("Only the forum's chair may import its register.")
                )
            ]
        problems: list[Problem] = []
        values: dict[str, Any] = {}
        forum_text = self._cell(row, "forum")
        forum = self.forums.get(_key(forum_text)) if forum_text else None
        if forum is None:
            problems.append(
                self._problem(
                    row,
                    "forum",
                    forum_text,
                    _("There is no forum with this name; write it as the forum's page does.")
                    if forum_text
                    else _("The forum is missing."),
                )
            )
        number = self._integer(row, "number", problems, minimum=1)
        title = self._cell(row, "title")
        if not title:
            problems.append(self._problem(row, "title", "", _("The title is missing.")))
        elif len(title) > Measure._meta.get_field("title").max_length:
            problems.append(
                self._problem(
                    row, "title", title[:40], _("The title is longer than 200 characters.")
                )
            )
        values["title"] = title
        values["description"] = self._cell(row, "description")
        status_text = self._cell(row, "status")
        status = self.statuses.get(_key(status_text)) if status_text else None
        if status_text and status is None:
            problems.append(
                self._problem(
                    row,
                    "status",
                    status_text,
                    _("Unknown status; use one of: %(statuses)s.")
                    % {"statuses": ", ".join(str(label) for _c, label in Status.choices)},
                )
            )
        responsible = None
        responsible_text = self._cell(row, "responsible")
        if responsible_text and forum is not None:
            responsible = self.members.get((forum.pk, _key(responsible_text)))
            if responsible is None:
                problems.append(
                    self._problem(
                        row,
                        "responsible",
                        responsible_text,
                        _("Nobody of this name is an active member of the forum."),
                    )
                )
        values["responsible"] = responsible
        department = None
        code = self._cell(row, "department")
        if code:
            department = self.departments.get(code.lower())
            if department is None:
                problems.append(
                    self._problem(
                        row, "department", code, _("There is no department with this code.")
                    )
                )
        values["department"] = department
        topics: list[Topic] | None = None
        if "topics" in self.position:
            topics = []
            for name in filter(
                None, (t.strip() for t in self._cell(row, "topics").split(TOPIC_SEPARATOR))
            ):
                topic = self.topics.get(_key(name))
                if topic is None:
                    problems.append(
                        self._problem(row, "topics", name, _("There is no topic of this name."))
                    )
                else:
                    topics.append(topic)
        for name in ("start_date", "due_date"):
            values[name] = self._date(row, name, problems)
        for name in ("capex_sek", "opex_sek_per_year"):
            values[name] = self._integer(row, name, problems, minimum=0) or 0
        if problems:
            return problems
        assert forum is not None
        return self._plan(row, forum, number, status, status_text, values, topics)

    def _plan(
        self,
        row: Row,
        forum: Forum,
        number: int | None,
        status: str | None,
        status_text: str,
        values: dict[str, Any],
        topics: list[Topic] | None,
    ) -> list[Problem]:
        from kretslopp.forum import lifecycle, mandate

        if number is None:
            number = self.next_number.get(forum.pk, 0) + 1
        self.next_number[forum.pk] = max(self.next_number.get(forum.pk, 0), number)
        key = (forum.pk, number)
        if key in self.seen:
            return [
                self._problem(
                    row,
                    "number",
                    str(number),
                    _("Measure %(number)s of this forum already came in row %(row)s.")
                    % {"number": number, "row": self.seen[key]},
                )
            ]
        self.seen[key] = row.number
        current = self.existing.get(key)
        measure = current or Measure(forum=forum, number=number, status=Status.PROPOSED)
        old_status = measure.status
        new_status = status or old_status
        need = values["capex_sek"] + values["opex_sek_per_year"]
        effective_topics = (
            topics if topics is not None else (list(measure.topics.all()) if current else [])
        )
        if new_status == Status.MERGED and old_status != Status.MERGED:
            return [
                self._problem(
                    row,
                    "status",
                    status_text,
                    _("A merge names the measure it goes into: merge it on the measure's page."),
                )
            ]
        if (
            current is not None
            and new_status != old_status
            and new_status not in lifecycle.TRANSITIONS.get(old_status, frozenset())
        ):
            return [
                self._problem(
                    row,
                    "status",
                    status_text,
                    _("A measure cannot go from “%(old)s” to “%(new)s”.")
                    % {"old": Status(old_status).label, "new": Status(new_status).label},
                )
            ]
        entering_decision = new_status in NEEDS_DECISION and (
            current is None or old_status not in NEEDS_DECISION
        )
        approved = current is not None and any(
            e.outcome == Outcome.APPROVED for e in current.escalations.all()
        )
        if entering_decision and not approved:
            reasons = mandate.beyond_mandate(forum, need, effective_topics)
            if reasons:
                return [
                    self._problem(
                        row,
                        "status",
                        status_text,
                        _(
                            "The forum may not decide this measure itself: %(reasons)s. Import "
                            "it as proposed and escalate it on its page."
                        )
                        % {"reasons": "; ".join(reasons)},
                    )
                ]
        values["status"] = new_status
        changes = {name: value for name, value in values.items() if getattr(measure, name) != value}
        topics_changed = topics is not None and (
            {t.pk for t in topics} != ({t.pk for t in measure.topics.all()} if current else set())
        )
        if current is not None and not changes and not topics_changed:
            self.unchanged += 1
            return []
        self.planned_rows.append(
            _Planned(measure, topics if topics_changed else None, current is None, changes)
        )
        return []

    def _integer(self, row: Row, name: str, problems: list[Problem], *, minimum: int) -> int | None:
        text = self._cell(row, name)
        if not text:
            return None
        cleaned = text.replace("\u00a0", "").replace(" ", "")
        try:
            number = Decimal(cleaned.replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or number != number.to_integral_value() or number < minimum:
            problems.append(
                self._problem(
                    row,
                    name,
                    text,
                    _("Write a whole number of %(min)s or more.") % {"min": minimum},
                )
            )
            return None
        return int(number)

    def _date(self, row: Row, name: str, problems: list[Problem]):
        text = self._cell(row, name)
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueParseError:
            problems.append(
                self._problem(row, name, text, _("Not a date; write it as 2026-03-31."))
            )
            return None

    # --- the whole file ---------------------------------------------------------------

    def planned(self) -> Counts:
        created = sum(1 for p in self.planned_rows if p.created)
        return Counts(
            created=created, updated=len(self.planned_rows) - created, unchanged=self.unchanged
        )

    def commit(self) -> Counts:
        """Save each measure (the audit trail records every change) and its decision level."""
        from kretslopp.core import audit
        from kretslopp.forum import mandate

        with audit.acting_as(self.context.actor):
            for plan in self.planned_rows:
                measure = plan.measure
                for name, value in plan.changes.items():
                    setattr(measure, name, value)
                measure.save()
                if plan.topics is not None:
                    measure.topics.set(plan.topics)
                mandate.refresh_level(measure)
        return self.planned()


def register_target() -> None:
    """Make the register a target the import runs know (see :mod:`kretslopp.imports.runs`)."""
    from kretslopp.core.registry import ImportTargetEntry, registry

    registry.import_targets.register(
        TARGET_NAME,
        ImportTargetEntry(
            target=MeasureRegisterTarget,
            label=gettext_lazy("Forum: register of measures"),
            allowed=lambda access: access.can(Action.MANAGE_FORUM),
            order=80,
        ),
    )
