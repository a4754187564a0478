"""Rendered page fragments remembered with the data version of the ledger they show.

A busy dashboard (eight people at once) would otherwise format the same ledger table and
target summaries on every request. A fragment is keyed by the version of each ledger it
shows (see :func:`kretslopp.energy.ledger.cached`), the language, and whatever else it
depends on (the targets' ids and change times), so it is never stale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from kretslopp.core.memo import Memo

_fragments = Memo(size=256, name="energy.fragments")


def fragment(
    owner: Any, key: tuple, template: str, context: Callable[[], dict[str, Any]]
) -> SafeString:
    """``template`` rendered with ``context()``, remembered for ``owner``'s version and ``key``.

    ``owner`` is a remembered ledger, or a tuple of them (say a department's ledger and the
    organisation's, for a page that shows both): the fragment holds while every one of their
    versions does. A ledger without a version (built, not remembered) is rendered every time.
    """
    owners = owner if isinstance(owner, tuple) else (owner,)
    versions = tuple(o.version for o in owners)

    def render() -> SafeString:
        return mark_safe(render_to_string(template, context()))  # noqa: S308 - our own template

    if not all(versions):
        return render()
    return _fragments.get((versions, *key), render)


def clear() -> None:
    _fragments.clear()
