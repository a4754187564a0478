"""The registry apps fill at start-up: keyed, ordered, and loud about unknown keys."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kretslopp.core.registry import Store


@dataclass(frozen=True)
class Entry:
    name: str
    order: int = 100


def test_entries_come_back_in_their_order_then_by_key():
    store: Store[Entry] = Store("entry")
    store.register("b", Entry("second", order=20))
    store.register("a", Entry("third", order=20))
    store.register("z", Entry("first", order=10))
    assert [entry.name for entry in store] == ["first", "third", "second"]
    assert store.keys() == ["z", "a", "b"]


def test_registering_again_under_a_key_replaces_rather_than_duplicates():
    store: Store[Entry] = Store("entry")
    store.register("a", Entry("old"))
    store.register("a", Entry("new"))
    assert len(store) == 1
    assert store["a"].name == "new"


def test_an_unknown_key_names_the_kind_of_store():
    store: Store[Entry] = Store("import target")
    with pytest.raises(KeyError, match="no import target registered as 'offers'"):
        store["offers"]
    assert store.get("offers") is None
    assert "offers" not in store


def test_a_lazy_reference_imports_on_its_first_call_only():
    from kretslopp.core.registry import lazy

    missing = lazy("kretslopp.no_such_module.handle")  # naming it imports nothing yet
    with pytest.raises(ModuleNotFoundError):
        missing()
    quantile = lazy("kretslopp.targets.tdist.t_two_sided_quantile")
    assert quantile(0.80, 10) == pytest.approx(1.3722, abs=1e-3)
