"""The footprint data's own texts (grid labels, bases, notes, descriptions) in the page's language.

The engine keeps them in English and Swedish (:mod:`kretslopp.footprint.texts`); this is the
one place the web side picks between them, by the language of the request. Templates use the
``data_text`` filter of the ``carbon`` template library, which calls :func:`data_text`.

Other apps' data files follow the same rule (a prose column ``<column>`` with its Swedish twin
``<column>_sv`` beside it); their rows, as ``csv.DictReader`` gives them, go through the same
helper.

The engine's match reasons are another matter: they are English templates that gettext
translates (:func:`match_reason`).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, gettext_noop

from kretslopp import footprint
from kretslopp.footprint.texts import SWEDISH_SUFFIX, language_code


def data_text(item, field: str) -> str:
    """``item``'s ``field`` (a grid's ``label``, a factor's ``embodied_basis``, a data file
    row's ``note``, …) in the active language: Swedish on Swedish pages, English otherwise."""
    if item is None:
        return ""
    if isinstance(item, Mapping):  # a data file's row: the Swedish is <field>_sv
        english = item[field]
        if language_code(get_language()) != "sv":
            return english
        return item.get(field + SWEDISH_SUFFIX) or english
    return item.text(field, get_language())


def grid_note(grid_id: str, year: int) -> str:
    """The note on the grid factor ``grid_id`` gives for ``year`` ('' when the year has its
    own figure), in the active language."""
    return data_text(footprint.get_grid(grid_id).factor(year), "note")


#: The match reasons of :mod:`kretslopp.footprint.matching` once more, so that ``makemessages``
#: keeps their Swedish in this app's catalogue, beside the templates that show them (it files
#: strings found under kretslopp/footprint in kretslopp/locale). A test checks the two agree.
MATCH_REASONS: tuple[str, ...] = (
    gettext_noop("match rejected by a person"),
    gettext_noop("match confirmed by a person"),
    gettext_noop("no manufacturer or model given"),
    gettext_noop("no PCF sheet matches"),
    gettext_noop("exact match"),
    gettext_noop("probable match"),
    gettext_noop(
        "weak match (confidence %(confidence)s) not used without confirmation; "
        "category default used"
    ),
    gettext_noop(
        "ambiguous match (confidence %(confidence)s) not used without confirmation; "
        "category default used"
    ),
)


#: The match statuses' names, listed here for the same reason.
MATCH_STATUS_LABELS: tuple[str, ...] = (
    gettext_noop("exact"),
    gettext_noop("probable"),
    gettext_noop("weak"),
    gettext_noop("ambiguous"),
)


def match_status(status: str) -> str:
    """A match status (``exact``, ``weak``, …) named in the active language."""
    from kretslopp.footprint import matching

    return gettext(matching.MATCH_STATUS_LABELS.get(status, status))


def match_reason(resolution: footprint.ModelResolution | None) -> str:
    """Why a model's PCF sheet is used or not, in the active language, its confidence written
    the page's way (``0,72`` in Swedish)."""
    if resolution is None:
        return ""
    return resolution.explain(gettext, lambda value: number_format(value, 2))
