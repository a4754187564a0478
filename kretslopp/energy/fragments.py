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
_fragments: OrderedDict[tuple, tuple[tuple, SafeString]] = OrderedDict()
_lock = threading.Lock()


def fragment(
    owner: Any, key: tuple, template: str, context: Callable[[], dict[str, Any]]
) -> SafeString:
    """``template`` rendered with ``context()``, remembered for ``owner`` and ``key``.

    ``owner`` may be a tuple of objects (say a department's ledger and the organisation's,
    for a page that shows both): the fragment holds while every one of them is the same.
    """
    owners = owner if isinstance(owner, tuple) else (owner,)
    full_key = (*(id(o) for o in owners), *key)
    with _lock:
        found = _fragments.get(full_key)
        if found is not None and _same(found[0], owners):
            _fragments.move_to_end(full_key)
            return found[1]
    html = mark_safe(render_to_string(template, context()))  # noqa: S308 - our own template
    with _lock:
        _fragments[full_key] = (owners, html)
        if len(_fragments) > _SIZE:
            _fragments.popitem(last=False)
    return html


def _same(kept: tuple, owners: tuple) -> bool:
    return len(kept) == len(owners) and all(a is b for a, b in zip(kept, owners, strict=True))


def clear() -> None:
    with _lock:
        _fragments.clear()
