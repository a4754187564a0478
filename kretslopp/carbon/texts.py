"""The footprint data's own texts (grid labels, bases, notes, descriptions) in the page's language.

The engine keeps them in English and Swedish (:mod:`kretslopp.footprint.texts`); this is the
one place the web side picks between them, by the language of the request. Templates use the
``data_text`` filter of the ``carbon`` template library, which calls :func:`data_text`.
"""

from __future__ import annotations

from django.utils.translation import get_language

from kretslopp import footprint


def data_text(item, field: str) -> str:
    """``item``'s ``field`` (a grid's ``label``, a factor's ``embodied_basis``, …) in the
    active language: Swedish on Swedish pages, English otherwise."""
    if item is None:
        return ""
    return item.text(field, get_language())


def grid_note(grid_id: str, year: int) -> str:
    """The note on the grid factor ``grid_id`` gives for ``year`` ('' when the year has its
    own figure), in the active language."""
    return data_text(footprint.get_grid(grid_id).factor(year), "note")
