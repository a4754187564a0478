"""Rendered page fragments remembered with the ledger they were rendered from.

A busy dashboard (eight people at once) would otherwise format the same ledger table and
target summaries on every request. A fragment is keyed by the ledger object it shows (kept
alive by :func:`kretslopp.energy.ledger.cached` until its data changes), the language, and
whatever else it depends on (the targets' ids and change times), so it is never stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

_SIZE = 256
_fragments: OrderedDict[tuple, tuple[Any, SafeString]] = OrderedDict()
_lock = threading.Lock()


def fragment(
    owner: Any, key: tuple, template: str, context: Callable[[], dict[str, Any]]
) -> SafeString:
    """``template`` rendered with ``context()``, remembered for ``owner`` and ``key``."""
    full_key = (id(owner), *key)
    with _lock:
        found = _fragments.get(full_key)
        if found is not None and found[0] is owner:
            _fragments.move_to_end(full_key)
            return found[1]
    html = mark_safe(render_to_string(template, context()))  # noqa: S308 - our own template
    with _lock:
        _fragments[full_key] = (owner, html)
        if len(_fragments) > _SIZE:
            _fragments.popitem(last=False)
    return html


def clear() -> None:
    with _lock:
        _fragments.clear()
