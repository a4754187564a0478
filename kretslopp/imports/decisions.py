"""Deciding, once per name, what another system's unknown names mean here.

A file from Snipe-IT, GLPI or Intune names companies, entities, locations, categories and
statuses Kretslopp has never heard of. The preview gathers each distinct one (see
:class:`kretslopp.imports.pipeline.UnknownName`) and offers, for each, what the user's role
allows:

* a department name → one of the departments they import into, or (administrators, who
  keep the organisation) a new department of that name;
* a location name → one of the locations of their departments, or a new location of that
  name in one of their departments;
* a category or status name → one of ours, for whoever manages import settings (these
  mean the same in every department's imports).

A choice of an existing record is kept as a :class:`~kretslopp.imports.models.ValueMap`,
so the next file with the same name needs no decision; a new record is found by its name.
Every write is audited, attributed to the user. Who may choose what is decided by
:class:`~kretslopp.organisation.access.Access` (``may_map_names``, ``can``), nowhere else.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kretslopp.core import audit
from kretslopp.imports import valuemaps
from kretslopp.imports.assets.lookups import name_key
from kretslopp.imports.models import ValueKind, ValueMap
from kretslopp.organisation.access import Access, Action
from kretslopp.organisation.models import Department, Location
from kretslopp.tabular import normalise_header

NEW_DEPARTMENT = "new-department"
NEW_LOCATION = "new-location:"
Choices = list[tuple[str, Any]]


@dataclass
class Name:
    """One unknown name of a job's preview, with what this user may say it means."""

    kind: str
    value: str
    column: str | None
    first_row: int
    rows: int
    departments: dict[int, int]
    choices: Choices = field(default_factory=list)

    @classmethod
    def from_summary(cls, data: dict[str, Any]) -> Name:
        return cls(
            kind=str(data["kind"]),
            value=str(data["value"]),
            column=data.get("column"),
            first_row=int(data.get("first_row") or 0),
            rows=int(data.get("rows") or 0),
            departments={int(pk): int(n) for pk, n in dict(data.get("departments", {})).items()},
        )

    @property
    def kind_label(self) -> str:
        return str(ValueKind(self.kind).label)

    @property
    def why_not(self) -> str:
        """Why there is nothing to choose, for the user who cannot decide this one."""
        if self.kind in (ValueKind.CATEGORY, ValueKind.STATUS):
            return _(
                "An administrator or the sustainability lead says what it means, under "
                "Import → Value mappings."
            )
        return _("None of your departments has one to choose; ask an administrator.")


class _Options:
    """What a user may choose from, loaded once for every name of the form."""

    def __init__(self, access: Access) -> None:
        self.access = access
        self.departments = [
            department
            for department in access.departments().order_by("name")
            if access.may_map_names(department.pk)
        ]
        self.creatable_in = [
            department
            for department in self.departments
            if access.can(Action.EDIT_ASSETS, department.pk)
        ]
        self.locations = [
            location
            for location in access.scope(Location.objects.select_related("department"))
            .exclude(department=None)
            .order_by("name")
            if access.may_map_names(location.department_id)
        ]
        if access.can(Action.MANAGE_IMPORT_SETTINGS):  # shared locations too
            self.locations += list(Location.objects.filter(department=None).order_by("name"))

    def choices(self, name: Name) -> Choices:
        if name.kind == ValueKind.DEPARTMENT:
            return self._departments(name)
        if name.kind == ValueKind.LOCATION:
            return self._locations(name)
        if not self.access.may_map_names():
            return []
        return [(f"{name.kind}:{code}", label) for code, label in valuemaps.choices(name.kind)]

    def _departments(self, name: Name) -> Choices:
        groups: Choices = []
        existing = [(f"department:{d.pk}", f"{d.name} ({d.code})") for d in self.departments]
        if existing:
            groups.append((_("Existing departments"), existing))
        if self.access.can(Action.EDIT_ORGANISATION):
            label = _("Create the department “%(name)s”") % {"name": department_name(name.value)}
            groups.append((_("New"), [(NEW_DEPARTMENT, label)]))
        return groups

    def _locations(self, name: Name) -> Choices:
        groups: Choices = []
        existing = [(f"location:{loc.pk}", _location_label(loc)) for loc in self.locations]
        if existing:
            groups.append((_("Existing locations"), existing))
        # The department most of its rows go to first: where it most likely belongs.
        usual = sorted(self.creatable_in, key=lambda d: -name.departments.get(d.pk, 0))
        new = [
            (
                f"{NEW_LOCATION}{department.pk}",
                _("Create “%(name)s” in %(department)s")
                % {"name": name.value, "department": department.name},
            )
            for department in usual
        ]
        if new:
            groups.append((_("New"), new))
        return groups


def _location_label(location: Location) -> str:
    if location.department_id is None:
        return location.name
    return f"{location.name} ({location.department.code})"


def department_name(value: str) -> str:
    """The name a new department gets: of a GLPI entity path, the last part, as found."""
    return value.rsplit(">", 1)[-1].strip()[:200] or value[:200]


class NamesForm(forms.Form):
    """One choice per unknown name the user may decide; the others are only listed."""

    DECIDE_LATER = gettext_lazy("Decide later")

    def __init__(self, *args, names: Sequence[Name], access: Access, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.names = list(names)
        options = _Options(access)
        for index, name in enumerate(self.names):
            name.choices = options.choices(name)
            if not name.choices:
                continue
            self.fields[f"name_{index}"] = forms.ChoiceField(
                label=name.value,
                choices=[("", self.DECIDE_LATER), *name.choices],
                required=False,
            )
            self.fields[f"name_{index}"].widget.attrs["aria-label"] = _(
                "%(kind)s “%(name)s”: what it means here"
            ) % {"kind": name.kind_label, "name": name.value}

    def rows(self) -> list[tuple[Name, forms.BoundField | None]]:
        """Each name with its choice, or None where this user has nothing to choose."""
        return [
            (name, self[f"name_{index}"] if f"name_{index}" in self.fields else None)
            for index, name in enumerate(self.names)
        ]

    @property
    def decidable(self) -> bool:
        return bool(self.fields)

    def decided(self) -> list[tuple[Name, str]]:
        return [
            (name, self.cleaned_data[f"name_{index}"])
            for index, name in enumerate(self.names)
            if self.cleaned_data.get(f"name_{index}")
        ]


@dataclass
class Outcome:
    """What saving the choices did, for the message after it."""

    mapped: int = 0
    created: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # decided by someone else meanwhile


def save(form: NamesForm, user: Any) -> Outcome:
    """Keep every choice of a valid form, all or none, each write audited as ``user``."""
    outcome = Outcome()
    with transaction.atomic(), audit.acting_as(user):
        for name, choice in form.decided():
            _save_one(name, choice, outcome)
    return outcome


def _save_one(name: Name, choice: str, outcome: Outcome) -> None:
    key = normalise_header(name.value)
    if ValueMap.objects.filter(kind=name.kind, key=key).exists():
        outcome.already.append(name.value)
        return
    if choice == NEW_DEPARTMENT:
        department = _create_department(name.value)
        if department is None:
            outcome.already.append(name.value)
        else:
            outcome.created.append(
                _("the department %(name)s (code %(code)s)")
                % {"name": department.name, "code": department.code}
            )
        return
    if choice.startswith(NEW_LOCATION):
        department_id = int(choice.removeprefix(NEW_LOCATION))
        if Location.objects.filter(name__iexact=name.value.strip()).exists():
            outcome.already.append(name.value)
            return
        location = Location.objects.create(
            name=name.value.strip()[:200], department_id=department_id
        )
        outcome.created.append(_("the location %(name)s") % {"name": location.name})
        return
    kind, _colon, target = choice.partition(":")
    mapping = ValueMap(kind=name.kind, source_name=name.value[:200])
    if kind == ValueKind.DEPARTMENT:
        mapping.department_id = int(target)
    elif kind == ValueKind.LOCATION:
        mapping.location_id = int(target)
    else:
        mapping.code = target
    mapping.save()
    outcome.mapped += 1


def _create_department(value: str) -> Department | None:
    """A new department named as the file names it; None if one of that name appeared."""
    name = department_name(value)
    if any(
        name_key(other) == name_key(name)
        for other in Department.objects.values_list("name", flat=True)
    ):
        return None
    return Department.objects.create(name=name, code=_free_code(name))


def _free_code(name: str) -> str:
    """A code made of the name's letters (``Kulturförvaltningen`` → ``KULTURFORVALTNINGEN``),
    unique; an administrator may change it on the department's page."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = "".join(char for char in plain.upper() if char.isalnum())[:20] or "DEPARTMENT"
    code, number = base, 2
    while Department.objects.filter(code=code).exists():
        suffix = f"-{number}"
        code = base[: 20 - len(suffix)] + suffix
        number += 1
    return code
