"""The asset lifecycle state machine: the one definition of which moves are legal.

Plain Python (no Django) so that the model layer, forms, the API and every importer ask the
same question and get the same reason back. Labels are wrapped with a no-op marker so that
gettext extracts them; the web layer translates them when it shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kretslopp.core.refusal import Refused


def _(text: str) -> str:  # marks text for translation without importing Django
    return text


ORDERED = "ordered"
IN_STOCK = "in_stock"
IN_USE = "in_use"
RETURNED = "returned"
WITH_PARTNER = "with_partner"
ERASED = "erased"
GRADED = "graded"
RESOLD = "resold"
DONATED = "donated"
RECYCLED = "recycled"
DESTROYED = "destroyed"
LOST = "lost"
STOLEN = "stolen"

STATUS_LABELS: dict[str, str] = {
    ORDERED: _("Ordered"),
    IN_STOCK: _("In stock"),
    IN_USE: _("In use"),
    RETURNED: _("Returned"),
    WITH_PARTNER: _("With take-back partner"),
    ERASED: _("Erased"),
    GRADED: _("Graded"),
    RESOLD: _("Resold"),
    DONATED: _("Donated"),
    RECYCLED: _("Recycled"),
    DESTROYED: _("Destroyed"),
    LOST: _("Lost"),
    STOLEN: _("Stolen"),
}
STATUSES: tuple[str, ...] = tuple(STATUS_LABELS)

# States in which the organisation (or its partner on its behalf) holds the device.
IN_CUSTODY = frozenset({IN_STOCK, IN_USE, RETURNED, WITH_PARTNER, ERASED, GRADED})
# States in which the device has left the organisation for good.
LEFT_CUSTODY = frozenset({RESOLD, DONATED, RECYCLED, DESTROYED})
MISSING = frozenset({LOST, STOLEN})
#: What the asset list shows by default: in custody or on order, in one fixed (sorted) order,
#: so that the list's ``status IN (…)`` is word for word the condition of the partial index
#: on the tags of these assets (``Asset.Meta.indexes``) — SQLite uses a partial index only
#: for a query that repeats its condition exactly.
LISTED_BY_DEFAULT: tuple[str, ...] = tuple(sorted(IN_CUSTODY | {ORDERED}))
# Outcomes after which someone else may read what is on the device's storage.
LEAVES_WITH_DATA_RISK = frozenset({RESOLD, DONATED, RECYCLED})


@dataclass(frozen=True)
class Move:
    """One legal move: its verb as shown on the button, and what it needs."""

    source: str
    target: str
    label: str
    needs_reference: bool = False  # e.g. the erasure certificate id
    only_without_storage: bool = False  # skips erasure, so only for devices without storage


_MOVES: tuple[Move, ...] = (
    Move(ORDERED, IN_STOCK, _("Receive delivery")),
    Move(IN_STOCK, IN_USE, _("Take into use")),
    Move(IN_USE, IN_STOCK, _("Return to stock")),
    Move(IN_USE, RETURNED, _("Return for end of use")),
    Move(IN_STOCK, RETURNED, _("Retire from stock")),
    Move(RETURNED, WITH_PARTNER, _("Hand over to take-back partner")),
    Move(RETURNED, ERASED, _("Record data erasure"), needs_reference=True),
    Move(WITH_PARTNER, ERASED, _("Record data erasure"), needs_reference=True),
    Move(RETURNED, GRADED, _("Grade"), only_without_storage=True),
    Move(WITH_PARTNER, GRADED, _("Grade"), only_without_storage=True),
    Move(ERASED, GRADED, _("Grade")),
    Move(GRADED, IN_STOCK, _("Reuse internally")),
    Move(GRADED, RESOLD, _("Resold")),
    Move(GRADED, DONATED, _("Donated")),
    Move(GRADED, RECYCLED, _("Recycled")),
    Move(ERASED, RECYCLED, _("Recycled")),
    Move(RETURNED, RECYCLED, _("Recycled"), only_without_storage=True),
    Move(WITH_PARTNER, RECYCLED, _("Recycled"), only_without_storage=True),
    *(
        Move(source, DESTROYED, _("Destroyed physically"), needs_reference=True)
        for source in (RETURNED, WITH_PARTNER, ERASED, GRADED)
    ),
    *(Move(source, LOST, _("Report lost")) for source in sorted(IN_CUSTODY)),
    *(Move(source, STOLEN, _("Report stolen")) for source in sorted(IN_CUSTODY)),
    Move(LOST, IN_STOCK, _("Found again")),
    Move(STOLEN, IN_STOCK, _("Recovered")),
)
MOVES: dict[tuple[str, str], Move] = {(move.source, move.target): move for move in _MOVES}


NOT_A_STATUS = _("'%(target)s' is not a lifecycle status.")
ALREADY = _("The asset is already %(source)s.")
LEFT = _("The asset has left the organisation (%(source)s); it cannot move again.")
NOT_ALLOWED = _("An asset that is %(source)s cannot become %(target)s; it can become: %(allowed)s.")
NEEDS_ERASURE = _("The asset has storage: its data must be erased, with a certificate, first.")
NEEDS_REFERENCE = _("'%(move)s' needs a reference: the certificate or destruction record id.")
ORDERED_ASSIGNED = _("An ordered asset cannot be assigned to anyone yet.")


class IllegalMove(Refused, ValueError):
    """A move the lifecycle does not allow, with the reason in words a coordinator uses.

    ``template`` and ``params`` let the web layer translate the reason; statuses in
    ``params`` are codes, ``move`` a move label, ``allowed`` a list of status codes. The
    API answers it as every :class:`~kretslopp.core.refusal.Refused`: 409, about "target".
    """

    code = "illegal_move"
    field = "target"

    def __init__(self, template: str, *, source: str, target: str, **extra: object) -> None:
        self.template = template
        self.source = source
        self.target = target
        self.extra = extra
        super().__init__(self.explain(lambda text: text))

    def explain(self, translate) -> str:
        """The reason, with ``translate`` applied to the template and every status label."""
        allowed = [translate(label(code)).lower() for code in self.extra.get("allowed", [])]
        params = {
            "source": translate(label(self.source)).lower(),
            "target": translate(label(self.target)).lower()
            if self.target in STATUS_LABELS
            else self.target,
            "allowed": ", ".join(allowed) or "-",
            "move": translate(str(self.extra.get("move", ""))),
        }
        return translate(self.template) % params

    @property
    def reason(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Step:
    """One move to make: the target status and the evidence it rests on."""

    target: str
    reference: str = ""
    note: str = ""


def label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def check_move(source: str, target: str, *, has_storage: bool, reference: str = "") -> Move:
    """Return the move from ``source`` to ``target``, or raise :class:`IllegalMove` saying why."""
    if target not in STATUS_LABELS:
        raise IllegalMove(NOT_A_STATUS, source=source, target=target)
    if source == target:
        raise IllegalMove(ALREADY, source=source, target=target)
    move = MOVES.get((source, target))
    if move is None:
        if source in LEFT_CUSTODY:
            raise IllegalMove(LEFT, source=source, target=target)
        allowed = [m.target for m in next_moves(source, has_storage=has_storage)]
        raise IllegalMove(NOT_ALLOWED, source=source, target=target, allowed=allowed)
    if move.only_without_storage and has_storage:
        raise IllegalMove(NEEDS_ERASURE, source=source, target=target)
    if move.needs_reference and not reference.strip():
        raise IllegalMove(NEEDS_REFERENCE, source=source, target=target, move=move.label)
    return move


def assignment_refusal(status: str, *, assigned: bool) -> str | None:
    """Why an asset in ``status`` cannot have an assignee (untranslated); None if it may.

    An asset still on order has reached nobody, so nobody can be using it yet. The asset
    form and the import both ask here, for a new asset and for one being changed.
    """
    return ORDERED_ASSIGNED if assigned and status == ORDERED else None


def next_moves(source: str, *, has_storage: bool) -> list[Move]:
    """The moves an asset in ``source`` can make now, in the order buttons show them."""
    return [
        move
        for move in _MOVES
        if move.source == source and not (move.only_without_storage and has_storage)
    ]


def dates_after_move(
    target: str, on: dt.date, *, in_use_date: dt.date | None, end_date: dt.date | None
) -> dict[str, Any]:
    """The asset's dates a move to ``target`` on day ``on`` changes (only those that change).

    Leaving custody or going missing ends the asset's time with the organisation (its
    ``end_date``, which the footprint's years in service stop at); coming back into stock
    reopens it; the first move into use starts its service (``in_use_date``). Every path that
    moves assets — one at a time or in bulk — takes the dates from here.
    """
    changes: dict[str, Any] = {}
    if target in LEFT_CUSTODY or target in MISSING:
        if end_date != on:
            changes["end_date"] = on
    elif target == IN_STOCK and end_date is not None:
        changes["end_date"] = None
    if target == IN_USE and in_use_date is None:
        changes["in_use_date"] = on
    return changes
