"""Kretslopp's procurement core: the criteria library and the offer evaluation engine.

Plain Python, no Django: the ``procurement`` app stores procurements, offers and decided
evaluations and calls this package to do the work.

* :func:`library` — the criteria library, label schemes, scoring bands and offer-form columns,
  shipped as data in ``data/`` with their sources (format in ``data/SOURCES.md``);
* :class:`ProcurementParameters`, :class:`CriterionUse`, :class:`OfferLine` — an
  evaluation's inputs, each turning into a plain dictionary and back;
* :func:`evaluate` — requirements, award points, lifecycle cost and CO2e, and the ranking of
  every lot by value deductions and by weighted points; :func:`reproduce` runs a frozen
  evaluation again.

The formulas and a worked example are in ``docs/methodology.md``, section "Procurement:
evaluating offers".
"""

from .engine import (
    METHOD_VERSION,
    AwardResult,
    Evaluation,
    LineResult,
    RequirementResult,
    annuity_factor,
    evaluate,
    inputs_from_dict,
    reproduce,
    round_half_up,
)
from .library import Criterion, LabelTier, Library, LibraryError, OfferColumn, library
from .model import (
    CellError,
    Certificate,
    CriterionUse,
    EmbodiedDefault,
    InputError,
    OfferLine,
    OfferRowError,
    ProcurementParameters,
    parse_offer_row,
)
from .scoring import Band, BandedRule

__all__ = [
    "METHOD_VERSION",
    "AwardResult",
    "Band",
    "BandedRule",
    "CellError",
    "Certificate",
    "Criterion",
    "CriterionUse",
    "EmbodiedDefault",
    "Evaluation",
    "InputError",
    "LabelTier",
    "Library",
    "LibraryError",
    "LineResult",
    "OfferColumn",
    "OfferLine",
    "OfferRowError",
    "ProcurementParameters",
    "RequirementResult",
    "annuity_factor",
    "evaluate",
    "inputs_from_dict",
    "library",
    "parse_offer_row",
    "reproduce",
    "round_half_up",
]
