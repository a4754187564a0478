"""The forum's measures as a source of expected effects for the target pages.

Registered in the ``target_effects`` store of :mod:`kretslopp.core.registry`, so the energy
app's target page adds the measures to its forecast without importing the forum. A measure's
status gives the stage the targets engine counts it in (:mod:`kretslopp.targets.effects`):
proposed; decided or in progress ("decided"); done. Postponed, cancelled and merged measures
count nowhere: nothing is planned for them.
"""

from __future__ import annotations

from typing import Any

from kretslopp import targets
from kretslopp.forum.models import ExpectedEffect, Status

STAGE_OF: dict[str, targets.Stage] = {
    Status.PROPOSED: "proposed",
    Status.DECIDED: "decided",
    Status.IN_PROGRESS: "decided",
    Status.DONE: "done",
}


def effects_on(user: Any, kpi: str, department_id: int | None) -> list[targets.Effect]:
    """Every counted measure's expected effect on ``kpi``.

    An organisation-wide target (``department_id`` None) counts every measure; a
    department's target counts the measures that department is responsible for. The sums
    use every measure, since the target is about the KPI, not the reader; a measure is named
    and linked only for those who may read it (:mod:`kretslopp.forum.access`).
    """
    from kretslopp.forum.access import forum_access_for

    found = ExpectedEffect.objects.filter(kpi=kpi, measure__status__in=list(STAGE_OF))
    if department_id is not None:
        found = found.filter(measure__department_id=department_id)
    found = found.select_related("measure", "measure__forum").order_by("effective_from", "pk")
    rows = list(found)
    readable: set[int] = set()
    if rows and user is not None:
        measure_ids = {row.measure_id for row in rows}
        readable = set(
            forum_access_for(user)
            .measures()
            .filter(pk__in=measure_ids)
            .values_list("pk", flat=True)
        )
    return [_effect(row, row.measure_id in readable) for row in rows]


def _effect(row: ExpectedEffect, readable: bool) -> targets.Effect:
    measure = row.measure
    low, high = row.change_low_per_year, row.change_high_per_year
    amount = row.change_per_year
    if low is not None and high is not None:
        # A range typed the wrong way round, or an amount outside it, must not hide the rest
        # of the page: widen the range to hold the amount (the measure's page shows all three).
        low, high = min(low, high, amount), max(low, high, amount)
    elif low is not None or high is not None:
        given = low if low is not None else high
        low, high = min(given, amount), max(given, amount)
    return targets.Effect(
        amount_per_year=amount,
        start=row.effective_from,
        stage=STAGE_OF[measure.status],
        low=low,
        high=high,
        label=measure.title if readable else "",
        reference=f"{measure.forum.name} {measure.reference}" if readable else "",
        url=measure.get_absolute_url() if readable else "",
    )
