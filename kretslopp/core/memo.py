"""Results remembered until what they depend on changes: a small, thread-safe LRU store.

Dashboards ask the same questions of 100,000 assets on every request; the answers change
only when the data does. Callers key each result by a *data version* (a few cheap
aggregates that change whenever the data does), so a stale answer is never served: a new
version is simply a new key, and old keys age out.

This is the one in-process cache for results computed from the database: never key one by
``id()`` of an object (a freed object's address is reused by the next). ``functools.cache``
stays only where what is read cannot change while the process runs (the shipped data files).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """At most ``size`` results by key; the least recently used goes first."""

    #: How long a reader waits for another thread computing the same key before computing
    #: it too (a safety valve: two computations nesting in opposite orders never deadlock).
    WAIT_SECONDS = 10.0

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._results: OrderedDict[Hashable, object] = OrderedDict()
        self._computing: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The result remembered for ``key``, else ``compute()`` remembered.

        Computed outside the lock, once: a request missing a key another request is already
        computing waits for that result instead of computing it a second time. When a data
        version moves, the next requests all miss at once (eight clients on a busy page);
        computing it eight times over in one process only makes each of them wait longer
        for the same answer. Different keys never wait for each other.
        """
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]  # type: ignore[return-value]
            underway = self._computing.get(key)
            if underway is None:
                underway = self._computing[key] = threading.Event()
                mine = True
            else:
                mine = False
        if not mine:
            underway.wait(self.WAIT_SECONDS)
            with self._lock:
                if key in self._results:
                    self._results.move_to_end(key)
                    return self._results[key]  # type: ignore[return-value]
            # The other computation failed, is too slow or its result aged out: our own.
            return self._compute(key, compute)
        try:
            return self._compute(key, compute)
        finally:
            with self._lock:
                self._computing.pop(key, None)
            underway.set()

    def _compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        value = compute()
        with self._lock:
            self._results[key] = value
            self._results.move_to_end(key)
            while len(self._results) > self.size:
                self._results.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._results.clear()


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


def data_version(*probes: Probe) -> tuple:
    """The probes' answers (row counts, latest time stamps) in one query.

    A dashboard asks for its data version on every request, so the few index look-ups it
    needs go to the database as one statement of sub-selects rather than one query each;
    inside :func:`one_reading_per_request` only the probes not yet answered are asked.
    """
    answered = _answered.get()
    if answered is None:
        return _ask(probes)
    missing = tuple(dict.fromkeys(probe for probe in probes if probe not in answered))
    if missing:
        answered.update(zip(missing, _ask(missing), strict=True))
    return tuple(answered[probe] for probe in probes)


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
