"""The one in-process cache: results by data version, versions asked at most so often."""

from __future__ import annotations

from kretslopp.core.memo import Memo, Recheck


def test_a_result_is_remembered_by_key_and_the_oldest_goes_first():
    memo = Memo(size=2)
    computed: list[str] = []

    def compute(name: str):
        return lambda: computed.append(name) or name

    assert memo.get(("v", 1), compute("a")) == "a"
    assert memo.get(("v", 1), compute("again")) == "a"
    memo.get(("v", 2), compute("b"))
    memo.get(("v", 3), compute("c"))  # ("v", 1) is evicted
    assert memo.get(("v", 1), compute("a2")) == "a2"
    assert computed == ["a", "b", "c", "a2"]


def test_a_version_is_asked_again_once_it_is_older_than_allowed():
    answers = iter([1, 2, 3])
    version = Recheck(lambda: next(answers))
    assert version.get(60.0) == 1
    assert version.get(60.0) == 1  # trusted for a minute
    assert version.get(0.0) == 2  # no trust: asked every time
    version.clear()
    assert version.get(60.0) == 3
