"""Results remembered until what they depend on changes: a small, thread-safe LRU store.

Dashboards ask the same questions of 100,000 assets on every request; the answers change
only when the data does. Callers key each result by a *data version* (a few cheap
aggregates that change whenever the data does), so a stale answer is never served: a new
version is simply a new key, and old keys age out.

This is the one in-process cache for results computed from the database: never key one by
``id()`` of an object (a freed object's address is reused by the next). ``functools.cache``
stays only where what is read cannot change while the process runs (the shipped data files).

When the data changes, the figures for the new version are computed once per process, and
that can take a second or two at a large fleet. Meanwhile, a question whose answer for an
*earlier* version is still remembered (the same question of the same reader's scope: the
key without its :class:`DataVersion` parts) gets that earlier answer, instead of waiting for,
or joining, the computation: see :meth:`Memo.get`. Why: after a large import all app
processes of a host noticed the change at once and each recomputed the start page's figures,
on the same cores, and every page on the host stalled for seconds (``bench_load``). Now one
computation runs at a time per host (:func:`recompute_slot`), and an earlier answer is
served for at most ``settings.STALE_FIGURES_SECONDS`` (``KRETSLOPP_STALE_FIGURES_SECONDS``,
0 turns it off).

Under ``kretslopp serve`` the processes of a host also share what they compute
(:func:`share_between_processes`): the first to compute a named memo's result for a data
version leaves it in a folder of the host, and the others read it there instead of
computing it again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import hashlib
import logging
import os
import shutil
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

try:
    import fcntl
except ImportError:  # not on Windows: there every process computes for itself
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")

_MISSING = object()
logger = logging.getLogger(__name__)


class DataVersion(tuple):
    """What :func:`data_version` answers: marks the part of a key that moves with the data."""

    __slots__ = ()


def family_of(key: Hashable) -> Hashable:
    """``key`` with its data versions left out: the same question, asked of any version."""
    if isinstance(key, DataVersion):
        return DataVersion
    if isinstance(key, tuple):
        return tuple(family_of(part) for part in key)
    return key


#: Set while a result is computed: what it reads must be fresh, never an earlier answer
#: (a result built on a stale part would be remembered as the new version's).
_fresh_only: ContextVar[bool] = ContextVar("kretslopp_fresh_only", default=False)
#: Set by the web's read-only requests (``core.middleware``) for a reader who has not just
#: written: only they may get an earlier answer. A job, a command, a report being archived
#: or the request after one's own change always gets the current figures.
_earlier_allowed: ContextVar[bool] = ContextVar("kretslopp_earlier_allowed", default=False)


@contextmanager
def earlier_answers(allowed: bool = True) -> Iterator[None]:
    """Within the block, a memo may answer with the figures of just before a change while
    the current ones are computed elsewhere (see :meth:`Memo.get`)."""
    token = _earlier_allowed.set(allowed)
    try:
        yield
    finally:
        _earlier_allowed.reset(token)


def stale_seconds() -> float:
    """How long an earlier answer may stand in for the current one (0: never)."""
    from django.conf import settings

    return float(getattr(settings, "STALE_FIGURES_SECONDS", 0))


@contextmanager
def recompute_slot(wait_seconds: float = 0.0) -> Iterator[bool]:
    """Whether this thread may recompute now: at most one recomputation at a time per host.

    A lock file that the kernel releases when its holder ends, however it ends; each attempt
    opens the file anew, so it excludes the other threads of this process too. The library
    caches we have (Django's) share results, not CPU: what must not happen is four processes
    on two cores recomputing the same figures side by side while every page waits. Tried
    again until ``wait_seconds`` have passed; False if it is still taken then.
    """
    if fcntl is None:
        yield True
        return
    from django.conf import settings

    # Per host: VAR_DIR may be on a disk several app hosts share.
    path = Path(settings.VAR_DIR) / f"recompute-{socket.gethostname()}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.02)
        with _holders_lock:
            _holders[0] += 1
        try:
            yield True
        finally:
            with _holders_lock:
                _holders[0] -= 1
    finally:
        os.close(descriptor)  # releases the lock


#: How many threads of this process hold the slot (0 or 1).
_holders = [0]
_holders_lock = threading.Lock()


def _slot_held_here() -> bool:
    """Whether a thread of this process holds the slot: then no thread here waits for it
    (the holder may be waiting for what this one is about to compute)."""
    with _holders_lock:
        return _holders[0] > 0


class UnstableKey(Exception):
    """A key part whose text is not the same in every process (a closure, a lazy text)."""


_PLAIN = (type(None), bool, int, float, str, bytes, Decimal, dt.date, dt.time, dt.timedelta)


def stable_text(key: Hashable) -> str:
    """``key`` as text that every process of any run writes the same for the same key.

    ``repr`` alone would not do: a function's shows its address, and a set's order depends
    on hashing. Raises :class:`UnstableKey` for what cannot be written so (a function made
    inside another, a lazy translation): such a result is simply not shared.
    """
    if isinstance(key, (enum.Enum, *_PLAIN)):
        return repr(key)
    if isinstance(key, tuple):
        return "(" + ",".join(stable_text(part) for part in key) + ")"
    if isinstance(key, frozenset | set):
        return "{" + ",".join(sorted(stable_text(part) for part in key)) + "}"
    if dataclasses.is_dataclass(key) and not isinstance(key, type):
        fields = (getattr(key, field.name) for field in dataclasses.fields(key))
        return type(key).__qualname__ + stable_text(tuple(fields))
    qualname = getattr(key, "__qualname__", "")
    if callable(key) and qualname and "<" not in qualname:
        return f"{key.__module__}.{qualname}"
    raise UnstableKey(type(key).__name__)


#: The host's shared store (None: this process keeps its results to itself).
_shared: Any = None


def share_between_processes(root: Path) -> Path:
    """Let the processes forked from this one share the named memos' results; returns where.

    Django's file cache is the store: written atomically, readable by every process of the
    host, old entries culled. Each server keeps its own folder under ``root``, named by its
    host and first process: a second server (blue/green, another version of the code, or
    another host where ``root`` is on a shared disk) never reads what this one computed.
    Folders of this host's servers that have ended are removed. Called by ``kretslopp
    serve`` before it forks its processes.
    """
    from django.core.cache.backends.filebased import FileBasedCache

    global _shared
    root.mkdir(parents=True, exist_ok=True)
    host = socket.gethostname()
    for folder in root.iterdir():
        found_host, _dash, pid = folder.name.rpartition("-")
        if found_host == host and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    own = root / f"{host}-{os.getpid()}"
    shutil.rmtree(own, ignore_errors=True)  # a pid reused since a crash
    _shared = FileBasedCache(
        str(own), {"TIMEOUT": 24 * 3600, "OPTIONS": {"MAX_ENTRIES": 1000, "CULL_FREQUENCY": 4}}
    )
    return own


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: running
        return True
    return True


def stop_sharing() -> None:
    global _shared
    _shared = None


class Memo:
    """At most ``size`` results by key; the least recently used goes first.

    A memo with a ``name`` shares its results with the host's other processes when they are
    shared (:func:`share_between_processes`); the name keeps two memos' keys apart there.
    """

    #: How long a reader waits for another thread computing the same key before computing
    #: it too (a safety valve: two computations nesting in opposite orders never deadlock).
    WAIT_SECONDS = 10.0
    #: How long a computation with no earlier answer to show waits for the host's recompute
    #: slot (held by another process) before it computes anyway.
    SLOT_WAIT_SECONDS = 2.0

    def __init__(self, size: int = 64, *, name: str = "") -> None:
        self.size = size
        self.name = name
        self._results: OrderedDict[Hashable, object] = OrderedDict()
        self._computing: dict[Hashable, threading.Event] = {}
        #: The latest key remembered per family (:func:`family_of`), and since when an
        #: earlier answer has stood in for a newer version of it.
        self._latest: dict[Hashable, Hashable] = {}
        self._stale_since: dict[Hashable, float] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The result remembered for ``key``, else ``compute()`` remembered.

        Computed outside the lock, once: a request missing a key another request is already
        computing waits for that result instead of computing it a second time. When a data
        version moves, the next requests all miss at once (eight clients on a busy page);
        computing it eight times over in one process only makes each of them wait longer
        for the same answer. Different keys never wait for each other.

        Where an answer for an earlier data version of the same question is remembered, no
        one waits: while another thread computes the new one, or another process of the
        host recomputes something (:func:`recompute_slot`), the earlier answer is returned,
        for at most :func:`stale_seconds` after it was first returned for a newer version.
        Before either, the host's shared store is read: another process may have computed it.
        A result with no earlier answer waits for the slot (at most
        :data:`SLOT_WAIT_SECONDS`, and not while a thread of this process holds it), then
        reads the store again: the holder has often just computed it. With
        ``STALE_FIGURES_SECONDS`` 0 every result is computed at once, as it was asked; so is
        every result outside the web's read-only requests (:func:`earlier_answers`).
        """
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]  # type: ignore[return-value]
            family = family_of(key)  # on a miss only: a hit is the hot path
            stale = self._stale(family)
            underway = self._computing.get(key)
            if underway is None:
                underway = self._computing[key] = threading.Event()
                mine = True
            else:
                mine = False
        # Inside a computation everything is computed fresh, and the slot is the outer's.
        serialised = stale_seconds() > 0 and _earlier_allowed.get() and not _fresh_only.get()
        if stale is not _MISSING and not (serialised and self._within_allowance(family)):
            stale = _MISSING
            serialised = False  # overdue: computed now, whatever else the host computes
        if not mine:
            if stale is not _MISSING:
                return stale  # type: ignore[return-value]
            underway.wait(self.WAIT_SECONDS)
            with self._lock:
                if key in self._results:
                    self._results.move_to_end(key)
                    return self._results[key]  # type: ignore[return-value]
            # The other computation failed, is too slow or its result aged out: our own.
            return self._compute(key, compute, self._shared_key(key))
        shared_key = self._shared_key(key)
        try:
            if not serialised:
                return self._compute(key, compute, shared_key)
            stored = self._from_store(shared_key)
            if stored is not _MISSING:
                return self._remember(key, stored)  # type: ignore[return-value]
            if stale is not _MISSING:
                with recompute_slot() as free:
                    if not free:
                        return stale  # type: ignore[return-value]
                    return self._compute(key, compute, shared_key)
            # Nothing to show meanwhile: wait for our turn (the one computing may well be
            # computing this very result for the host), but not for ever.
            wait = 0.0 if _slot_held_here() else self.SLOT_WAIT_SECONDS
            with recompute_slot(wait_seconds=wait):
                return self._compute(key, compute, shared_key)
        finally:
            with self._lock:
                self._computing.pop(key, None)
            underway.set()

    def _stale(self, family: Hashable) -> object:
        """The latest remembered answer of ``family`` (caller holds the lock), or _MISSING."""
        latest = self._latest.get(family)
        return _MISSING if latest is None else self._results.get(latest, _MISSING)

    def _within_allowance(self, family: Hashable) -> bool:
        """Whether an earlier answer of ``family`` may still stand in (see :meth:`get`)."""
        limit = stale_seconds()
        now = time.monotonic()
        with self._lock:
            since = self._stale_since.setdefault(family, now)
        return now - since < limit

    def _compute(self, key: Hashable, compute: Callable[[], T], shared_key: str | None) -> T:
        """``key``'s result from the shared store, else computed (and shared)."""
        value = self._from_store(shared_key)
        if value is _MISSING:
            token = _fresh_only.set(True)
            try:
                value = compute()
            finally:
                _fresh_only.reset(token)
            if shared_key:
                self._share(shared_key, value)
        return self._remember(key, value)

    def _from_store(self, shared_key: str | None) -> object:
        """The result kept under ``shared_key`` (:meth:`_shared_key`) in the host's shared
        store, or _MISSING.

        An entry that cannot be read (a torn file, a pickle of code since changed) is removed
        and counts as missing: it is computed again rather than failing the request.
        """
        if not shared_key:
            return _MISSING
        try:
            return _shared.get(shared_key, _MISSING)
        except Exception:
            logger.warning("A shared %s result could not be read; computing it", self.name)
            with contextlib.suppress(Exception):
                _shared.delete(shared_key)
            return _MISSING

    def _remember(self, key: Hashable, value: T) -> T:
        family = family_of(key)
        with self._lock:
            self._results[key] = value
            self._results.move_to_end(key)
            if family != key:
                self._latest[family] = key
                self._stale_since.pop(family, None)
            while len(self._results) > self.size:
                evicted, _value = self._results.popitem(last=False)
                evicted_family = family_of(evicted)
                if self._latest.get(evicted_family) == evicted:
                    del self._latest[evicted_family]
        return value

    def _shared_key(self, key: Hashable) -> str | None:
        """Where the host's processes keep ``key``'s result (None: not shared)."""
        if _shared is None or not self.name:
            return None
        try:
            text = f"{self.name}|{stable_text(key)}"
        except UnstableKey:
            return None
        return hashlib.sha256(text.encode()).hexdigest()

    def _share(self, shared_key: str, value: object) -> None:
        try:
            _shared.set(shared_key, value)
        except Exception:  # a result that cannot be pickled, a full disk: kept here only
            logger.warning("A %s result was not shared with the other processes", self.name)

    def clear(self) -> None:
        with self._lock:
            self._results.clear()
            self._latest.clear()
            self._stale_since.clear()


class Recheck:
    """A data version asked for at most once every ``max_age_seconds``.

    Some versions cost real queries (aggregates over every asset); a busy page can trust the
    last answer for a few seconds. Results keyed by this version may then lag a change by at
    most that long, and are never served for data they were not computed from once asked.
    """

    def __init__(self, ask: Callable[[], Hashable]) -> None:
        self._ask = ask
        self._version: Hashable = None
        self._asked_at: float | None = None
        self._lock = threading.Lock()

    def get(self, max_age_seconds: float) -> Hashable:
        now = time.monotonic()
        with self._lock:
            if self._asked_at is not None and now - self._asked_at < max_age_seconds:
                return self._version
        version = self._ask()
        with self._lock:
            self._version, self._asked_at = version, now
        return version

    def clear(self) -> None:
        with self._lock:
            self._version, self._asked_at = None, None


#: A probe of a data version: (model, "COUNT" or "MAX", field name or "*").
Probe = tuple[type, str, str]

#: The probes already answered while serving the current read-only request (see
#: :func:`one_reading_per_request`); None outside one.
_answered: ContextVar[dict[Probe, Any] | None] = ContextVar("kretslopp_answered", default=None)


@contextmanager
def one_reading_per_request() -> Iterator[None]:
    """Within the block, each probe is read from the database at most once.

    A composed page asks several apps for their data versions, and most of them include the
    assets' (a count and a latest time stamp, which at a million assets is the dearest part
    of a cheap page). Inside one read-only request the data the page is built from does not
    change under it in any way the page could show, so the first answer serves the rest.
    Not for requests that write: a version read before their write would outlive it.
    """
    token = _answered.set({})
    try:
        yield
    finally:
        _answered.reset(token)


def once_per_request(key: Hashable, read: Callable[[], T]) -> T:
    """``read()``'s answer, read at most once inside :func:`one_reading_per_request`.

    For the rows several panels of one composed page each look up (the organisation, the
    method chosen for the figures): within a read-only request they cannot change under it,
    so the first reading serves every panel. Outside such a request, ``read()`` each time.
    The answer is shared: callers read it and do not change it.
    """
    answered = _answered.get()
    if answered is None:
        return read()
    marker = ("once", key)
    if marker not in answered:
        answered[marker] = read()
    return answered[marker]


def data_version(*probes: Probe) -> tuple:
    """The probes' answers (row counts, latest time stamps) in one query.

    A dashboard asks for its data version on every request, so the few index look-ups it
    needs go to the database as one statement of sub-selects rather than one query each;
    inside :func:`one_reading_per_request` only the probes not yet answered are asked.
    """
    answered = _answered.get()
    if answered is None:
        return DataVersion(_ask(probes))
    missing = tuple(dict.fromkeys(probe for probe in probes if probe not in answered))
    if missing:
        answered.update(zip(missing, _ask(missing), strict=True))
    return DataVersion(answered[probe] for probe in probes)


def _ask(probes: tuple[Probe, ...]) -> tuple:
    from django.db import connection

    quote = connection.ops.quote_name
    selects = []
    for model, function, field in probes:
        if function not in ("COUNT", "MAX"):
            raise ValueError(f"a data version counts or takes a maximum, not {function}")
        column = "*" if field == "*" else quote(model._meta.get_field(field).column)
        selects.append(f"(SELECT {function}({column}) FROM {quote(model._meta.db_table)})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects))
        return tuple(cursor.fetchone())
