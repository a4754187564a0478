"""The lifecycle state machine: legal moves pass, illegal ones are refused with a reason."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kretslopp.inventory import lifecycle
from kretslopp.inventory.lifecycle import IllegalMove, check_move, next_moves

attempts = st.lists(
    st.tuples(st.sampled_from(lifecycle.STATUSES), st.sampled_from(["", "CERT-1"])),
    max_size=40,
)


def replay(start: str, has_storage: bool, moves) -> list[str]:
    """Apply each attempted move that the machine accepts; return the states visited."""
    states = [start]
    for target, reference in moves:
        try:
            check_move(states[-1], target, has_storage=has_storage, reference=reference)
        except IllegalMove:
            continue
        states.append(target)
    return states


@settings(max_examples=300, deadline=None)
@given(has_storage=st.booleans(), moves=attempts)
def test_no_sequence_of_moves_reaches_an_illegal_state(has_storage, moves):
    states = replay(lifecycle.ORDERED, has_storage, moves)
    for source, target in zip(states, states[1:], strict=False):
        assert (source, target) in lifecycle.MOVES
        # Nothing ever moves once it has left the organisation.
        assert source not in lifecycle.LEFT_CUSTODY


@settings(max_examples=300, deadline=None)
@given(moves=attempts)
def test_a_device_with_storage_never_leaves_without_erasure_since_its_last_return(moves):
    states = replay(lifecycle.ORDERED, True, moves)
    for index, state in enumerate(states):
        if state in lifecycle.LEAVES_WITH_DATA_RISK:
            since_return = states[: index + 1]
            last_return = max(i for i, s in enumerate(since_return) if s == lifecycle.RETURNED)
            assert lifecycle.ERASED in since_return[last_return:]


@settings(max_examples=200, deadline=None)
@given(source=st.sampled_from(lifecycle.STATUSES), has_storage=st.booleans())
def test_the_offered_moves_are_exactly_the_accepted_ones(source, has_storage):
    offered = {move.target for move in next_moves(source, has_storage=has_storage)}
    for target in lifecycle.STATUSES:
        try:
            check_move(source, target, has_storage=has_storage, reference="ref")
            accepted = True
        except IllegalMove:
            accepted = False
        assert accepted == (target in offered)


def test_reasons_say_what_is_wrong():
    with pytest.raises(IllegalMove) as refusal:
        check_move(lifecycle.IN_USE, lifecycle.RESOLD, has_storage=True)
    assert "in use cannot become resold" in str(refusal.value)
    assert "in stock" in str(refusal.value)  # and what it can become instead

    with pytest.raises(IllegalMove) as refusal:
        check_move(lifecycle.RETURNED, lifecycle.RECYCLED, has_storage=True)
    assert "must be erased" in str(refusal.value)

    with pytest.raises(IllegalMove) as refusal:
        check_move(lifecycle.RETURNED, lifecycle.ERASED, has_storage=True, reference="  ")
    assert "needs a reference" in str(refusal.value)

    with pytest.raises(IllegalMove) as refusal:
        check_move(lifecycle.RESOLD, lifecycle.IN_STOCK, has_storage=False)
    assert "left the organisation" in str(refusal.value)


def test_a_monitor_without_storage_may_skip_erasure():
    check_move(lifecycle.RETURNED, lifecycle.GRADED, has_storage=False)
    check_move(lifecycle.RETURNED, lifecycle.RECYCLED, has_storage=False)


def test_the_reason_can_be_translated():
    swedish = {lifecycle.ALREADY: "Tillgången är redan %(source)s.", "In use": "I bruk"}
    refusal = IllegalMove(lifecycle.ALREADY, source=lifecycle.IN_USE, target=lifecycle.IN_USE)
    assert refusal.explain(lambda text: swedish.get(text, text)) == "Tillgången är redan i bruk."
