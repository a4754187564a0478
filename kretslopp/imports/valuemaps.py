"""Turning other systems' category and status names into ours, with the user's overrides.

The order of authority: a :class:`~kretslopp.imports.models.ValueMap` row the municipality
saved, then our own labels in Swedish and English (so our exports re-import whatever the
language they were written in), then the defaults in :mod:`kretslopp.imports.assets.columns`.
A resolver is built once per import and caches every distinct name it meets, so 100,000
rows cost one dictionary lookup each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import translation

from kretslopp.imports.assets.columns import map_category, map_status
from kretslopp.imports.models import ValueKind, ValueMap
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import ProductCategory
from kretslopp.tabular import normalise_header

Resolver = Callable[[str], str | None]


def _own_labels(pairs: Iterable[tuple[str, object]]) -> dict[str, str]:
    """Our labels in every configured language, normalised → code."""
    labels: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in pairs:
                labels.setdefault(normalise_header(translation.gettext(str(label))), code)
    return labels


def _resolver(kind: str, own: dict[str, str], default: Resolver, valid: set[str]) -> Resolver:
    overrides = {
        key: code
        for key, code in ValueMap.objects.filter(kind=kind).values_list("key", "code")
        if code in valid
    }
    cache: dict[str, str | None] = {}

    def resolve(text: str) -> str | None:
        if text in cache:
            return cache[text]
        key = normalise_header(text)
        found = overrides.get(key) or own.get(key) or default(text)
        cache[text] = found
        return found

    return resolve


def category_resolver() -> Resolver:
    # The labels are lazy: each one is rendered afresh inside every language's override.
    pairs = list(ProductCategory.choices)
    return _resolver(
        ValueKind.CATEGORY, _own_labels(pairs), map_category, set(ProductCategory.values)
    )


def status_resolver() -> Resolver:
    pairs = list(lifecycle.STATUS_LABELS.items())
    return _resolver(ValueKind.STATUS, _own_labels(pairs), map_status, set(lifecycle.STATUSES))


def choices(kind: str) -> list[tuple[str, str]]:
    """The codes a source name may map to, with their labels, for the editing form."""
    if kind == ValueKind.CATEGORY:
        return [(code, str(label)) for code, label in ProductCategory.choices]
    return [(code, translation.gettext(label)) for code, label in lifecycle.STATUS_LABELS.items()]
