"""The mandate rule, escalation and every status move of a measure."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from kretslopp.forum import lifecycle, mandate
from kretslopp.forum.access import forum_access_for
from kretslopp.forum.models import DecisionLevel, Escalation, Measure, Outcome, Status
from kretslopp.forum.tests.conftest import make_measure

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 5, 1)


@pytest.fixture
def chair(town, forum_world):
    return town.users["sustainability_lead"], forum_access_for(town.users["sustainability_lead"])


def _move(measure, to, chair, **kwargs):
    user, forum_access = chair
    return lifecycle.move(measure, to, forum_access=forum_access, by=user, on=DAY, **kwargs)


def test_a_measure_within_the_mandate_is_decided_by_the_forum(forum_world, chair):
    measure = make_measure(
        forum_world.forum, 10, "Duplex", capex_sek=60_000, opex_sek_per_year=40_000
    )
    assert measure.decision_level == DecisionLevel.FORUM
    decided = _move(measure, Status.DECIDED, chair, meeting=forum_world.meeting)
    assert decided.status == Status.DECIDED
    assert decided.decided_on == forum_world.meeting.held_on
    assert decided.decisions.get().reference == "2025:1"


def test_a_measure_over_the_mandate_cannot_be_decided_and_must_be_escalated(forum_world, chair):
    measure = make_measure(
        forum_world.forum, 10, "Servervirtualisering", capex_sek=90_000, opex_sek_per_year=20_000
    )
    assert measure.decision_level == DecisionLevel.ESCALATED
    with pytest.raises(lifecycle.Refused) as refused:
        _move(measure, Status.DECIDED, chair)
    assert "110" in str(refused.value) and "100" in str(refused.value)
    assert Measure.objects.get(pk=measure.pk).status == Status.PROPOSED
    assert not measure.decisions.exists()

    user, forum_access = chair
    escalation = lifecycle.escalate(
        measure,
        forum_access=forum_access,
        by=user,
        body="IT-direktören",
        escalated_on=DAY,
        reference="Dnr 2025/12",
    )
    assert escalation.pending and "110" in escalation.reason
    with pytest.raises(lifecycle.Refused, match="IT-direktören"):
        _move(measure, Status.DECIDED, chair)
    with pytest.raises(lifecycle.Refused):
        lifecycle.escalate(measure, forum_access=forum_access, by=user, body="KS", escalated_on=DAY)

    lifecycle.record_outcome(
        escalation,
        forum_access=forum_access,
        by=user,
        outcome=Outcome.APPROVED,
        outcome_on=DAY + dt.timedelta(days=9),
    )
    measure.refresh_from_db()
    assert measure.status == Status.DECIDED
    assert measure.decided_on == DAY + dt.timedelta(days=9)
    with pytest.raises(lifecycle.Refused, match="redan registrerat"):
        lifecycle.record_outcome(
            escalation, forum_access=forum_access, by=user, outcome=Outcome.REJECTED, outcome_on=DAY
        )
    # Once decided by the body, the work goes on as for any measure.
    assert _move(measure, Status.IN_PROGRESS, chair).status == Status.IN_PROGRESS


def test_a_measure_touching_an_excluded_topic_is_not_the_forums_to_decide(forum_world, chair):
    measure = make_measure(forum_world.forum, 10, "Ny tjänst", topics=[forum_world.staffing])
    assert mandate.reasons_for(measure) and "Bemanning" in mandate.reasons_for(measure)[0]
    with pytest.raises(lifecycle.Refused, match="Bemanning"):
        _move(measure, Status.DECIDED, chair)


def test_the_rule_is_the_forums_data(forum_world, chair):
    measure = make_measure(forum_world.forum, 10, "Skrivarflotta", capex_sek=150_000)
    forum_world.forum.budget_limit_sek = 200_000
    forum_world.forum.save()
    assert mandate.level_of(measure) == DecisionLevel.FORUM
    assert _move(measure, Status.DECIDED, chair).status == Status.DECIDED


def test_a_rejected_measure_is_cancelled_and_one_sent_back_stays_proposed(forum_world, chair):
    user, forum_access = chair
    rejected = make_measure(forum_world.forum, 10, "A", capex_sek=500_000)
    sent_back = make_measure(forum_world.forum, 11, "B", capex_sek=500_000)
    for measure, outcome in ((rejected, Outcome.REJECTED), (sent_back, Outcome.SENT_BACK)):
        escalation = lifecycle.escalate(
            measure, forum_access=forum_access, by=user, body="KS", escalated_on=DAY
        )
        lifecycle.record_outcome(
            escalation, forum_access=forum_access, by=user, outcome=outcome, outcome_on=DAY
        )
    rejected.refresh_from_db()
    sent_back.refresh_from_db()
    assert rejected.status == Status.CANCELLED
    assert sent_back.status == Status.PROPOSED
    # Reworked within the limit, the forum decides it after all.
    sent_back.capex_sek = 50_000
    sent_back.save()
    assert _move(sent_back, Status.DECIDED, chair).status == Status.DECIDED


def test_an_outcome_cannot_predate_its_escalation(forum_world, chair):
    user, forum_access = chair
    measure = make_measure(forum_world.forum, 10, "A", capex_sek=500_000)
    escalation = lifecycle.escalate(
        measure, forum_access=forum_access, by=user, body="KS", escalated_on=DAY
    )
    with pytest.raises(lifecycle.Refused):
        lifecycle.record_outcome(
            escalation,
            forum_access=forum_access,
            by=user,
            outcome=Outcome.APPROVED,
            outcome_on=DAY - dt.timedelta(days=1),
        )
    assert Escalation.objects.get().pending


@pytest.mark.parametrize(
    ("start", "to"),
    list(itertools.product(Status.values, Status.values)),
    ids=[f"{a}-{b}" for a, b in itertools.product(Status.values, Status.values)],
)
def test_each_status_move_is_allowed_exactly_when_the_machine_says(forum_world, chair, start, to):
    target = make_measure(forum_world.forum, 20, "Målet")
    measure = make_measure(forum_world.forum, 10, "Åtgärd", status=start, decided_on=DAY)
    reason = lifecycle.refusal(measure, to, chair[1], merged_into=target)
    if to in lifecycle.TRANSITIONS[start]:
        assert reason is None
        moved = _move(measure, to, chair, merged_into=target)
        assert moved.status == to
        assert (moved.merged_into_id == target.pk) == (to == Status.MERGED)
    else:
        assert reason
        with pytest.raises(lifecycle.Refused):
            _move(measure, to, chair, merged_into=target)
        assert Measure.objects.get(pk=measure.pk).status == start


def test_done_cancelled_and_merged_are_final():
    for final in lifecycle.FINAL:
        assert lifecycle.TRANSITIONS[final] == frozenset()


def test_a_postponed_measure_never_decided_cannot_be_started(forum_world, chair):
    measure = make_measure(forum_world.forum, 10, "A", status=Status.POSTPONED)
    with pytest.raises(lifecycle.Refused, match="inte beslutad"):
        _move(measure, Status.IN_PROGRESS, chair)
    # taken up again, it is decided like any proposal: within the mandate, by the forum
    assert _move(measure, Status.DECIDED, chair).decided_on == DAY


def test_a_merge_needs_another_live_measure_of_the_same_forum(forum_world, chair):
    measure = make_measure(forum_world.forum, 10, "A")
    for target, match in (
        (None, "Välj"),
        (measure, "sig själv"),
        (forum_world.elsewhere_own, "samma forum"),
        (make_measure(forum_world.forum, 11, "B", status=Status.CANCELLED), "fortsätter"),
    ):
        with pytest.raises(lifecycle.Refused, match=match):
            _move(measure, Status.MERGED, chair, merged_into=target)


def test_the_responsible_person_makes_the_work_moves_only(town, forum_world):
    viewer = town.users["viewer"]
    forum_access = forum_access_for(viewer)
    measure = forum_world.own_measure
    with pytest.raises(lifecycle.Refused, match="ansvarig"):
        lifecycle.move(measure, Status.DECIDED, forum_access=forum_access, by=viewer)
    Measure.objects.filter(pk=measure.pk).update(status=Status.DECIDED, decided_on=DAY)
    measure.refresh_from_db()
    assert (
        lifecycle.move(measure, Status.IN_PROGRESS, forum_access=forum_access, by=viewer).status
        == Status.IN_PROGRESS
    )
    with pytest.raises(lifecycle.Refused):
        lifecycle.move(measure, Status.CANCELLED, forum_access=forum_access, by=viewer)
    with pytest.raises(lifecycle.Refused, match="ordförande"):
        lifecycle.escalate(
            measure, forum_access=forum_access, by=viewer, body="KS", escalated_on=DAY
        )


def test_a_coordinator_reading_a_measure_cannot_move_it(town, forum_world):
    coordinator = town.users["coordinator"]
    with pytest.raises(lifecycle.Refused, match="ordförande"):
        lifecycle.move(
            forum_world.own_measure,
            Status.CANCELLED,
            forum_access=forum_access_for(coordinator),
            by=coordinator,
        )
