"""The one in-process cache: results by data version, versions asked at most so often."""

from __future__ import annotations

import threading

import pytest

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


def test_a_key_being_computed_is_computed_once_for_everyone_asking_meanwhile():
    memo = Memo()
    started, release = threading.Event(), threading.Event()
    computed: list[str] = []
    results: dict[str, object] = {}

    def slow() -> str:
        computed.append("first")
        started.set()
        release.wait(30)
        return "the answer"

    def fast() -> str:
        computed.append("second")
        return "computed twice"

    first = threading.Thread(target=lambda: results.update(first=memo.get("k", slow)))
    first.start()
    assert started.wait(30)
    second = threading.Thread(target=lambda: results.update(second=memo.get("k", fast)))
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting for the first, not computing it again
    release.set()
    first.join(30)
    second.join(30)
    assert results == {"first": "the answer", "second": "the answer"}
    assert computed == ["first"]


def test_when_a_computation_fails_the_next_asking_computes_it_again():
    memo = Memo()

    def broken() -> str:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        memo.get("k", broken)
    assert memo.get("k", lambda: "fine") == "fine"


def test_a_version_is_asked_again_once_it_is_older_than_allowed():
    answers = iter([1, 2, 3])
    version = Recheck(lambda: next(answers))
    assert version.get(60.0) == 1
    assert version.get(60.0) == 1  # trusted for a minute
    assert version.get(0.0) == 2  # no trust: asked every time
    version.clear()
    assert version.get(60.0) == 3


def test_a_page_reads_the_assets_data_version_once_however_many_panels_ask(town, login):
    """The start page's panels each depend on the assets; their version is read once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(town.users["sustainability_lead"])
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assets_table = connection.ops.quote_name("inventory_asset")
    # A data version is one statement of sub-selects; those reading the assets' table:
    versions = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT (SELECT") and f"FROM {assets_table})" in q["sql"]
    ]
    assert len(versions) == 1, versions


def test_inside_one_reading_a_probe_is_asked_once_and_outside_every_time(town):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kretslopp.core.memo import data_version, one_reading_per_request
    from kretslopp.inventory.models import Asset
    from kretslopp.organisation.models import Department

    count_assets = (Asset, "COUNT", "*")
    count_departments = (Department, "COUNT", "*")
    with one_reading_per_request(), CaptureQueriesContext(connection) as queries:
        first = data_version(count_assets)
        both = data_version(count_departments, count_assets)
        again = data_version(count_assets, count_departments)
    assert len(queries) == 2  # the second call asked only for the departments
    assert both == (again[1], first[0]) and again == (first[0], both[0])
    with CaptureQueriesContext(connection) as queries:
        data_version(count_assets)
        data_version(count_assets)
    assert len(queries) == 2
