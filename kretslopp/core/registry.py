"""What each app contributes to the whole, filled in its ``AppConfig.ready()``.

The kernel and the composition layer never import a domain app to learn what exists: the
navigation, the dashboard panels, the import targets and commands, the API routers, the
KPIs a target can follow, the parts of the IT energy ledger and the expected effects of
measures on those KPIs are *registered* here by the app that owns them, and read back by
whoever shows or runs them. Adding a domain therefore touches no other domain's files (see
``docs/architecture.md``).

Each store keeps its entries under a unique key, so registering twice (the test runner and
``runserver``'s reloader both call ``ready()`` more than once in some set-ups) replaces
rather than duplicates, and a typo'd key is a loud ``KeyError`` rather than a silent miss.

This module imports nothing of Django's app registry or of any app: it is safe to import
from every layer.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
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


def lazy(dotted: str) -> Callable[..., Any]:
    """A callable that imports ``dotted`` (``package.module.function``) on its first call.

    Registering in ``ready()`` must stay cheap: a panel's or a command's code, with what it
    imports (numpy, the footprint engine…), loads only when it is first used.
    """
    target: list[Callable[..., Any]] = []

    def call(*args: Any, **kwargs: Any) -> Any:
        if not target:
            module_name, _dot, name = dotted.rpartition(".")
            target.append(getattr(import_module(module_name), name))
        return target[0](*args, **kwargs)

    call.__qualname__ = call.__name__ = f"lazy({dotted})"
    return call


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
    """A piece of a composed page (the overview, a department, an asset, a product model).

    ``context(request, access, **subject)`` returns the template's context, or None when the
    panel has nothing to show for this reader (then it is left out, not shown empty).

    ``version(request, access, **subject)``, when given, names everything the panel's HTML
    depends on (the reader's reach, the day, the data version of what it reads): the HTML
    is then rendered once per version and language and reused, since a start page is asked
    for far more often than its data changes. Only for panels whose HTML holds nothing of
    the request itself (no CSRF token, no user name).
    """

    template: str
    context: Callable[..., dict[str, Any] | None]
    order: int = 100
    version: Callable[..., Hashable] | None = None


@dataclass(frozen=True)
class DepartmentColumn:
    """A column another app adds to the list of departments (assets in custody, …).

    ``cells(access, departments)`` returns the cell text (already formatted) for each
    department's primary key; a department it leaves out shows "–".
    """

    label: Any  # a lazy translation
    cells: Callable[[Any, list[Any]], dict[int, str]]
    order: int = 100


@dataclass(frozen=True)
class ImportTargetEntry:
    """A kind of record the one import pipeline can write.

    ``target`` is the :class:`kretslopp.imports.pipeline.ImportTarget` subclass, or its
    dotted path (imported when an import first needs it, so registering stays cheap); its
    ``for_job(options, access)`` builds one for a job. ``label`` names it on the job list;
    ``allowed(access)`` says who may start such an import; ``options`` describes the extra
    inputs a job of it keeps (e.g. a campaign), for the API's and the CLI's help.
    """

    target: Any
    label: Any
    allowed: Allowed
    order: int = 100
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CommandEntry:
    """A ``kretslopp import <name>`` subcommand: adds its arguments, then runs.

    ``add_arguments(parser)`` fills the subparser (the command adds ``--format`` and
    ``--language`` to every one); ``handle(options)`` runs the import and returns the
    pipeline's ``ImportResult``, which the command reports and turns into the exit status
    (0 written or a clean dry run, 1 rejected, 2 unreadable) alike for every source.
    """

    help: str
    add_arguments: Callable[[Any], None]
    handle: Callable[..., int]
    order: int = 100


@dataclass(frozen=True)
class ApiRouterEntry:
    """A domain's ``ninja.Router``, mounted at ``/api/v1/`` in ``order`` (then key) order.

    ``router`` is the router's dotted path, imported only when the API is assembled, so a
    command that never serves the API (``kretslopp import``) loads none of it.
    """

    router: str
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
    #: The greenhouse-gas category of a CO2e KPI (a kind in ``footprint.ghg.FIGURE_KINDS``,
    #: e.g. ``"use"`` for electricity, scope 2); empty for a KPI that is not CO2e.
    ghg: str = ""


@dataclass(frozen=True)
class LedgerSource:
    """Activity an app keeps that the IT energy ledger's estimates follow (print volumes).

    ``version()`` changes whenever that data changes (it joins the ledger's cache key);
    ``by_month(access, department_id)`` gives the activity per (year, month), over which the
    estimate of ``scope`` is spread; ``forget()`` drops what the source remembers.
    """

    scope: str  # a kretslopp.energy.models.Scope
    version: Callable[[], tuple]
    by_month: Callable[[Any, int | None], dict[tuple[int, int], float]]
    forget: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class AuditBatchKind:
    """A kind of audit batch (``kind:key`` in :func:`kretslopp.core.audit.batch`).

    ``label(key)`` names one batch in the audit log ("Import #12"); ``url(key)`` is the page
    of what made it (the import's job), or None when there is none.
    """

    label: Callable[[str], Any]
    url: Callable[[str], str | None] = lambda key: None
    order: int = 100


@dataclass(frozen=True)
class TargetEffectsEntry:
    """A source of measures' expected effects on KPIs, for a target's forecast with measures.

    ``effects(user, kpi, department_id)`` returns the :class:`kretslopp.targets.Effect`
    items on the KPI ``kpi`` (a KPI code such as ``it_energy_kwh``) for the target's
    department (``None``: the whole organisation). The target page adds them to its forecast
    without knowing which app keeps the measures. Every effect counts in the sums; the
    reading ``user`` only decides whether a measure is named and linked for them.
    """

    effects: Callable[..., list[Any]]
    label: Any
    order: int = 100


@dataclass(frozen=True)
class Landing:
    """Where a login without a role goes instead of the page saying it has none.

    ``url_for(user)`` returns the address of what that login may see all the same (an
    external forum member's forum), or None.
    """

    url_for: Callable[[Any], str | None]
    order: int = 100


@dataclass(frozen=True)
class ReportSection:
    """A section of the annual report, contributed by the app that owns its figures.

    ``build(access, year, department_id)`` runs in the report's language (the reports app
    activates it) and returns the section frozen as JSON-able data, or None when the app
    has nothing for that year: ``{"title", "paragraphs": [str], "figures": [{"label",
    "value", "low", "high", "unit", "ghg"}], "tables": [{"caption", "headers", "rows",
    "ghg"}], "charts": [{"spec", "alt"}], "sources": [str]}``. Numbers stay numbers (the
    report formats them per language); a chart is a Vega-Lite spec, drawn as SVG.
    """

    build: Callable[..., dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class PeriodicJob:
    """Work an app wants done on a schedule, as a background job (``kretslopp worker
    --with-schedule`` enqueues it when due; see :mod:`kretslopp.core.schedule`).

    ``run()`` does the work and returns one line saying what it did (kept as the last
    run's outcome); ``every_seconds`` is the least time between two starts.
    """

    label: Any  # a lazy translation
    run: Callable[[], str]
    every_seconds: int
    order: int = 100


class Registry:
    """The stores; one instance, :data:`registry`, for the process."""

    def __init__(self) -> None:
        self.navigation: Store[NavigationEntry] = Store("navigation entry")
        self.dashboard_panels: Store[Panel] = Store("dashboard panel")
        self.department_panels: Store[Panel] = Store("department panel")
        self.department_columns: Store[DepartmentColumn] = Store("department column")
        self.asset_panels: Store[Panel] = Store("asset panel")
        self.model_panels: Store[Panel] = Store("product model panel")
        self.import_targets: Store[ImportTargetEntry] = Store("import target")
        self.import_commands: Store[CommandEntry] = Store("import command")
        self.api_routers: Store[ApiRouterEntry] = Store("API router")
        self.kpis: Store[KpiEntry] = Store("KPI")
        self.ledger_sources: Store[LedgerSource] = Store("energy ledger source")
        self.audit_batches: Store[AuditBatchKind] = Store("audit batch kind")
        #: ``access_for(user)``, registered by the organisation app, for kernel code that
        #: checks access without importing it (``core.editing``).
        self.access: Store[Callable[[Any], Any]] = Store("access rule")
        self.target_effects: Store[TargetEffectsEntry] = Store("target effects provider")
        self.landings: Store[Landing] = Store("landing for a login without a role")
        #: Text columns searched by substring (``kretslopp.core.textsearch.TextIndex``).
        self.text_indexes: Store[Any] = Store("text index")
        #: Sections of the annual and department reports (``kretslopp.reports``).
        self.report_sections: Store[ReportSection] = Store("report section")
        self.periodic_jobs: Store[PeriodicJob] = Store("periodic job")
        #: Figures a starting server computes once before it forks its processes
        #: (``kretslopp serve``); each returns one line saying what it computed.
        self.warmers: Store[Callable[[], str]] = Store("figure warmer")


registry = Registry()
