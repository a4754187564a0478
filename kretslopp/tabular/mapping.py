"""Which column of a file feeds which field, and how other systems' names map to our codes.

Generic over what is imported: :class:`ColumnMapping` is the mapping a user confirms (any
import target's fields), :func:`value_map` and :func:`lookup` turn the names another system
writes (its categories, its statuses) into our codes. Which headers and names mean what for
assets lives with the asset import (:mod:`kretslopp.imports.assets.columns`); matching is
always by :func:`~kretslopp.tabular.values.normalise_header`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kretslopp.tabular.values import normalise_header


@dataclass
class ColumnMapping:
    """Which column (by position) feeds which field, and which source was recognised."""

    headers: list[str]
    fields: dict[int, str] = field(default_factory=dict)
    profile: str = "unknown"
    conflicts: list[int] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)

    @property
    def unmapped(self) -> list[int]:
        """Positions that feed no field (including the conflicts)."""
        return [pos for pos in range(len(self.headers)) if pos not in self.fields]

    def position_of(self, field_name: str) -> int | None:
        """The column position feeding ``field_name``, if any."""
        for position, name in self.fields.items():
            if name == field_name:
                return position
        return None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; keys of ``fields`` become strings as JSON requires."""
        return {
            "headers": list(self.headers),
            "fields": {str(pos): name for pos, name in sorted(self.fields.items())},
            "profile": self.profile,
            "conflicts": list(self.conflicts),
            "defaults": dict(self.defaults),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnMapping:
        """Rebuild a mapping saved with :meth:`to_dict`."""
        return cls(
            headers=list(data.get("headers", [])),
            fields={int(pos): str(name) for pos, name in dict(data.get("fields", {})).items()},
            profile=str(data.get("profile", "unknown")),
            conflicts=[int(pos) for pos in data.get("conflicts", [])],
            defaults=dict(data.get("defaults", {})),
        )


def by_field_names(headers: list[str], names: Iterable[str], profile: str) -> ColumnMapping:
    """Each column whose heading is a field's own name (as headings compare) feeds that field.

    For exchange formats with fixed column names (KPI values, procurement criteria): a file
    of the format names its columns exactly, so no aliases are guessed; the first column of
    a name wins and a repeated one is left unmapped.
    """
    wanted = {normalise_header(name): name for name in names}
    fields: dict[int, str] = {}
    for position, header in enumerate(headers):
        name = wanted.get(normalise_header(header))
        if name and name not in fields.values():
            fields[position] = name
    return ColumnMapping(headers=list(headers), fields=fields, profile=profile)


def value_map(names: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """normalised name → code, from code → the names other systems write for it (a code
    also stands for itself; the first code to claim a name keeps it)."""
    mapping = {normalise_header(code): code for code in names}
    for code, aliases in names.items():
        for alias in aliases:
            mapping.setdefault(normalise_header(alias), code)
    return mapping


def lookup(
    text: str, defaults: Mapping[str, str], overrides: Mapping[str, str] | None
) -> str | None:
    """``text``'s code: ``overrides`` (name → code, say saved by the app) first, then
    ``defaults`` (a :func:`value_map`); ``None`` when neither knows it."""
    key = normalise_header(text)
    if not key:
        return None
    if overrides:
        for name, code in overrides.items():
            if normalise_header(name) == key:
                return code
    return defaults.get(key)
