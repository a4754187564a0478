"""From a partner's result to lifecycle moves: which statuses an item passes, checked up front.

Plain Python on top of :mod:`kretslopp.inventory.lifecycle`, so the partner-report import can
refuse a row *while validating* (naming the row and the column) with exactly the reason the
lifecycle would give when the move is made, and the rule "no exit without erasure evidence"
is the lifecycle's own rule rather than a second copy of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kretslopp.inventory import lifecycle

#: Where an outcome leaves the asset's status. Refurbished devices are sold on by the
#: partner (the asset register has no "refurbished" status); reuse inside the
#: organisation puts the device back in stock.
OUTCOME_STATUS: dict[str, str] = {
    "reused_internally": lifecycle.IN_STOCK,
    "resold": lifecycle.RESOLD,
    "donated": lifecycle.DONATED,
    "refurbished": lifecycle.RESOLD,
    "recycled": lifecycle.RECYCLED,
    "destroyed": lifecycle.DESTROYED,
}
#: Outcomes whose target status is only reachable from "graded".
NEEDS_GRADING = frozenset({"reused_internally", "resold", "donated", "refurbished"})


@dataclass(frozen=True)
class Refusal:
    """Why a result cannot be applied, and which result field is to blame."""

    field: str  # "erasure_certificate" or "outcome"
    error: lifecycle.IllegalMove


def steps_for(*, outcome: str, certificate: str, grade: str) -> list[lifecycle.Step]:
    """The moves from "with partner" that a result (certificate, grade, outcome) implies."""
    if outcome == "destroyed":
        # The destruction record is the evidence: the lifecycle asks for it as reference.
        return [lifecycle.Step(lifecycle.DESTROYED, reference=certificate)]
    steps: list[lifecycle.Step] = []
    if certificate:
        steps.append(lifecycle.Step(lifecycle.ERASED, reference=certificate))
    if grade or outcome in NEEDS_GRADING:
        steps.append(lifecycle.Step(lifecycle.GRADED, note=grade))
    steps.append(lifecycle.Step(OUTCOME_STATUS[outcome], reference=certificate))
    return steps


def check_steps(source: str, steps: list[lifecycle.Step], *, has_storage: bool) -> Refusal | None:
    """Walk ``steps`` from ``source`` through the lifecycle; the first refusal, or None."""
    status = source
    for step in steps:
        try:
            lifecycle.check_move(
                status, step.target, has_storage=has_storage, reference=step.reference
            )
        except lifecycle.IllegalMove as error:
            evidence = error.template in (lifecycle.NEEDS_ERASURE, lifecycle.NEEDS_REFERENCE)
            return Refusal("erasure_certificate" if evidence else "outcome", error)
        status = step.target
    return None


def final_status(steps: list[lifecycle.Step]) -> str:
    return steps[-1].target
