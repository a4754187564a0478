"""The spool gives back exactly what went in, in order, however much of it went to disk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kretslopp.core.spool import Spool

rows = st.tuples(
    st.integers(min_value=-(2**62), max_value=2**62),
    st.text(max_size=20),
    st.one_of(st.none(), st.dates()),
    st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False, places=2)),
    st.one_of(st.none(), st.booleans()),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(rows, max_size=60), st.integers(min_value=0, max_value=20))
def test_rows_come_back_in_order_from_memory_and_from_disk(items, keep):
    spool = Spool(dates=[2], decimals=[3], keep=keep, batch=7)
    for item in items:
        spool.append(item)
    assert len(spool) == len(items)
    assert bool(spool) == bool(items)
    assert list(spool) == items
    assert list(spool) == items  # a second reading gives the same
    back = list(spool)
    assert [type(row[3]) for row in back] == [type(row[3]) for row in items]
    spool.close()


def test_a_large_spool_keeps_only_a_batch_in_memory():
    spool = Spool(dates=[1], decimals=[2], keep=1_000, batch=100)
    items = [
        (n, dt.date(2020, 1, 1) + dt.timedelta(days=n % 400), Decimal(f"{n}.50"))
        for n in range(5_050)
    ]
    for item in items:
        spool.append(item)
    assert len(spool.items) < 100
    assert spool.spooled == 5_000
    assert list(spool) == items


class Code(str):
    """A text subclass, as an enumeration's members are: marshal refuses it."""


def test_values_marshal_cannot_take_still_come_back():
    stamp = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
    items = [(n, Code(f"c{n}"), stamp) for n in range(10)]
    spool = Spool(dates=[2], keep=0, batch=4)
    for item in items:
        spool.append(item)
    assert list(spool) == items
    assert isinstance(list(spool)[0][1], Code)


def test_single_values_spool_too():
    spool = Spool(keep=3, batch=2)
    values = ["a", None, "b", "c", None, "d", "e"]
    for value in values:
        spool.append(value)
    assert spool.spooled == 6
    assert list(spool) == values
