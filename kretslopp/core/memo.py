"""Results remembered until what they depend on changes: a small, thread-safe LRU store.

Dashboards ask the same questions of 100,000 assets on every request; the answers change
only when the data does. Callers key each result by a *data version* (a few cheap
aggregates that change whenever the data does), so a stale answer is never served: a new
version is simply a new key, and old keys age out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class Memo:
    """At most ``size`` results by key; the least recently used goes first."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._results: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The result remembered for ``key``, else ``compute()`` remembered.

        Computed outside the lock: two threads missing at once both compute (the same
        answer) rather than one request waiting on another's database queries.
        """
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]  # type: ignore[return-value]
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
