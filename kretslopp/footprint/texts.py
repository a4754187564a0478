"""Our own texts in the shipped data, in English (the default) and in Swedish.

Every column of our own prose in ``data/`` (a grid's label, a factor's basis, a source's note,
a factor set's description) has a Swedish twin beside it in the same file, named
``<column>_sv``; :data:`PROSE_COLUMNS` lists them. The derived files get theirs from
:mod:`kretslopp.footprint.derive`, which writes both languages from the same rule. A source's
title, publisher and licence are quoted as published and never translated
(:data:`BIBLIOGRAPHIC_COLUMNS`).

Objects that carry such texts offer ``text(field, language)``: English unless ``language`` is
Swedish (``"sv"``, ``"sv-se"``, ``"sv_SE"``). This module knows nothing of Django; the web
pages pass the language of the request.
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("en", "sv")
DEFAULT_LANGUAGE = "en"
SWEDISH_SUFFIX = "_sv"

#: Data file -> the columns holding our own prose; each has a ``<column>_sv`` twin.
PROSE_COLUMNS: dict[str, tuple[str, ...]] = {
    "sources.csv": ("note",),
    "grids.csv": ("label", "note"),
    "set-descriptions.csv": ("description",),
    "factor-sets.csv": ("embodied_basis", "energy_basis", "lifetime_basis"),
    "avoided-factors.csv": ("note",),
    "inrego-legacy-factors.csv": ("note",),
}

#: Data file -> columns quoted as the publisher gives them: never translated.
BIBLIOGRAPHIC_COLUMNS: dict[str, tuple[str, ...]] = {
    "sources.csv": ("title", "publisher", "licence"),
}


def language_code(language: str | None) -> str:
    """``"sv"`` for Swedish (``"sv"``, ``"sv-se"``, ``"sv_SE"``); ``"en"`` for anything else."""
    if language and language.replace("_", "-").split("-", 1)[0].strip().lower() == "sv":
        return "sv"
    return DEFAULT_LANGUAGE


def swedish_number(text: str) -> str:
    """A figure written for the data files (``"64.7"``) with a Swedish decimal comma."""
    return text.replace(".", ",")


class Localised:
    """Mixin for data objects whose prose fields have a ``<field>_sv`` twin."""

    __slots__ = ()

    def text(self, field: str, language: str | None = None) -> str:
        """``field`` in ``language``: the Swedish twin for Swedish, else the English text.

        Fields without a twin (a source's title, publisher, licence) come back as published.
        """
        english = getattr(self, field)
        if language_code(language) != "sv":
            return english
        return getattr(self, field + SWEDISH_SUFFIX, "") or english
