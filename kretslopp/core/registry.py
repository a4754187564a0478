"""What each app contributes to the whole, filled in its ``AppConfig.ready()``.

The kernel and the composition layer never import a domain app to learn what exists: the
navigation, the dashboard panels, the import targets and commands, the API routers, the
KPIs a target can follow and the parts of the IT energy ledger are *registered* here by the
app that owns them, and read back by whoever shows or runs them. Adding a domain therefore
touches no other domain's files (see ``docs/architecture.md``).

Each store keeps its entries under a unique key, so registering twice (the test runner and
``runserver``'s reloader both call ``ready()`` more than once in some set-ups) replaces
rather than duplicates, and a typo'd key is a loud ``KeyError`` rather than a silent miss.

This module imports nothing of Django's app registry or of any app: it is safe to import
from every layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Store(Generic[T]):
    """Entries of one kind by key, read back in ``order`` (then key) order."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}

    def register(self, key: str, entry: T) -> T:
        """Add or replace ``entry`` under ``key``; returns it, so it can decorate."""
        self._entries[key] = entry
        return entry

    def __getitem__(self, key: str) -> T:
        try:
            return self._entries[key]
        except KeyError:
            raise KeyError(f"no {self.kind} registered as {key!r}") from None

    def get(self, key: str, default: T | None = None) -> T | None:
        return self._entries.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def keys(self) -> list[str]:
        return [key for key, _entry in self._sorted()]

    def __iter__(self) -> Iterator[T]:
        return iter([entry for _key, entry in self._sorted()])

    def items(self) -> list[tuple[str, T]]:
        return self._sorted()

    def __len__(self) -> int:
        return len(self._entries)

    def unregister(self, key: str) -> None:
        """Remove ``key`` (tests that register a throw-away entry clean up with this)."""
        self._entries.pop(key, None)

    def _sorted(self) -> list[tuple[str, T]]:
        return sorted(self._entries.items(), key=lambda pair: (_order(pair[1]), pair[0]))


def _order(entry: object) -> int:
    return int(getattr(entry, "order", 100))


#: Decides from a user's :class:`kretslopp.organisation.access.Access` whether an entry
#: applies (typed loosely: the kernel's core sits below the organisation app).
Allowed = Callable[[Any], bool]


@dataclass(frozen=True)
class NavigationEntry:
    """A link in the main menu: shown when the URL exists and ``allowed(access)`` holds."""

    url_name: str
    label: Any  # a lazy translation
    allowed: Allowed
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A piece of a composed page (the overview, a department page, an asset page).

    ``context(request, access, **subject)`` returns the template's context, or None when the
    panel has nothing to show for this reader (then it is left out, not shown empty).
    """

    template: str
    context: Callable[..., dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class ImportTargetEntry:
    """A kind of record the one import pipeline can write.

    ``target`` is the :class:`kretslopp.imports.pipeline.ImportTarget` subclass (or a factory
    returning one); ``label`` names it on the job list; ``allowed(access)`` says who may
    start such an import; ``options`` are extra inputs the target needs (e.g. a campaign).
    """

    target: Callable[..., Any]
    label: Any
    allowed: Allowed
    order: int = 100
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CommandEntry:
    """A ``kretslopp import <name>`` subcommand: adds its arguments, then runs.

    ``add_arguments(parser)`` fills the subparser; ``handle(command, **options)`` runs it
    and returns the exit status.
    """

    help: str
    add_arguments: Callable[[Any], None]
    handle: Callable[..., int]
    order: int = 100


@dataclass(frozen=True)
class KpiEntry:
    """A KPI a target can follow, with how its yearly actuals are computed."""

    code: str
    label: Any
    unit: str
    direction: Any  # kretslopp.targets.Direction
    actuals: Callable[..., Any]
    order: int = 100


class Registry:
    """The stores; one instance, :data:`registry`, for the process."""

    def __init__(self) -> None:
        self.navigation: Store[NavigationEntry] = Store("navigation entry")
        self.dashboard_panels: Store[Panel] = Store("dashboard panel")
        self.department_panels: Store[Panel] = Store("department panel")
        self.asset_panels: Store[Panel] = Store("asset panel")
        self.import_targets: Store[ImportTargetEntry] = Store("import target")
        self.import_commands: Store[CommandEntry] = Store("import command")
        self.api_routers: Store[Any] = Store("API router")
        self.kpis: Store[KpiEntry] = Store("KPI")
        self.ledger_sources: Store[Any] = Store("energy ledger source")
        #: Text columns searched by substring (``kretslopp.core.textsearch.TextIndex``).
        self.text_indexes: Store[Any] = Store("text index")


registry = Registry()
