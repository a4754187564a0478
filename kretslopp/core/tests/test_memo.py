"""The one in-process cache: results by data version, versions asked at most so often."""

from __future__ import annotations

import os
import socket
import threading
import time

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


# --- after a change: an earlier answer while the new one is computed elsewhere -----------


def _version(number: int):
    from kretslopp.core.memo import DataVersion

    return DataVersion((number, "2026-12-01T10:00"))


@pytest.fixture
def stale_allowed(settings, tmp_path):
    """A web reader's read-only request, with the production allowance."""
    from kretslopp.core.memo import earlier_answers

    settings.STALE_FIGURES_SECONDS = 20
    settings.VAR_DIR = tmp_path
    with earlier_answers():
        yield settings


def test_while_another_thread_computes_the_new_version_readers_get_the_earlier_answer(
    stale_allowed,
):
    memo = Memo()
    memo.get(("fleet", "all", _version(1)), lambda: "figures of version 1")
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(30)
        return "figures of version 2"

    first = threading.Thread(target=lambda: memo.get(("fleet", "all", _version(2)), slow))
    first.start()
    assert started.wait(30)
    # no wait: the answer of just before the change
    assert memo.get(("fleet", "all", _version(2)), lambda: "again") == "figures of version 1"
    release.set()
    first.join(30)
    assert memo.get(("fleet", "all", _version(2)), lambda: "again") == "figures of version 2"


def test_while_another_process_recomputes_readers_get_the_earlier_answer_then_the_new_one(
    stale_allowed, tmp_path
):
    """The recompute slot is one per host: a second process holding it is enough."""
    import subprocess
    import sys

    memo = Memo()
    memo.get(("fleet", "all", _version(1)), lambda: "figures of version 1")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({str(tmp_path / f'recompute-{socket.gethostname()}.lock')!r}, "
            "os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        computed: list[str] = []
        new = ("fleet", "all", _version(2))
        assert memo.get(new, lambda: computed.append("2") or "v2") == "figures of version 1"
        assert computed == []
    finally:
        holder.communicate("done\n", timeout=30)
    assert memo.get(new, lambda: computed.append("2") or "v2") == "v2"
    assert computed == ["2"]


def test_an_earlier_answer_stands_in_no_longer_than_allowed(stale_allowed):
    from kretslopp.core.memo import recompute_slot

    stale_allowed.STALE_FIGURES_SECONDS = 0.2
    memo = Memo()
    memo.get(("fleet", "all", _version(1)), lambda: "v1")
    with recompute_slot() as held:  # someone else on the host recomputes all the while
        assert held
        assert memo.get(("fleet", "all", _version(2)), lambda: "v2") == "v1"
        time.sleep(0.3)
        assert memo.get(("fleet", "all", _version(2)), lambda: "v2") == "v2"


def test_another_scope_or_setting_never_gets_an_earlier_answer(stale_allowed):
    from kretslopp.core.memo import recompute_slot

    memo = Memo()
    memo.get(("fleet", (1, 2), _version(1)), lambda: "departments 1 and 2")
    with recompute_slot():
        assert memo.get(("fleet", (3,), _version(2)), lambda: "department 3") == "department 3"
        assert memo.get(("fleet", None, _version(1)), lambda: "everyone") == "everyone"


def test_what_a_computation_reads_is_never_an_earlier_answer(stale_allowed):
    """A result built on a stale part would be remembered as the new version's."""
    from kretslopp.core.memo import recompute_slot

    memo = Memo()
    memo.get(("part", _version(1)), lambda: "part 1")
    memo.get(("whole", _version(1)), lambda: "whole of part 1")
    with recompute_slot():
        # no earlier whole is remembered for this scope: it is computed, and its part too
        whole = memo.get(
            ("whole", "new scope", _version(2)),
            lambda: "whole of " + memo.get(("part", _version(2)), lambda: "part 2"),
        )
    assert whole == "whole of part 2"


@pytest.mark.parametrize(
    ("allowance_s", "web_reader"),
    [(0, True), (20, False)],
    ids=["no allowance", "a job, a command, a report being archived"],
)
def test_without_allowance_or_outside_a_web_read_figures_are_always_the_current_ones(
    settings, tmp_path, allowance_s, web_reader
):
    from kretslopp.core.memo import earlier_answers, recompute_slot

    settings.STALE_FIGURES_SECONDS = allowance_s
    settings.VAR_DIR = tmp_path
    memo = Memo()
    memo.get(("fleet", _version(1)), lambda: "v1")
    with earlier_answers(web_reader), recompute_slot():
        assert memo.get(("fleet", _version(2)), lambda: "v2") == "v2"


# --- the processes of one server share what they compute -------------------------------


@pytest.fixture
def shared_store(tmp_path):
    from kretslopp.core import memo

    folder = memo.share_between_processes(tmp_path / "figures")
    yield folder
    memo.stop_sharing()


def test_what_one_process_computed_another_reads_instead_of_computing(shared_store):
    """Two memos of one name stand for the same memo in two processes of a server."""
    first, second = Memo(name="carbon.fleet"), Memo(name="carbon.fleet")
    key = ("fleet", frozenset({3, 1, 2}), _version(7))
    assert first.get(key, lambda: {"kg_co2e": 1234.5}) == {"kg_co2e": 1234.5}
    computed: list[str] = []
    same_key = ("fleet", frozenset({2, 3, 1}), _version(7))  # a set's order is no part of it
    assert second.get(same_key, lambda: computed.append("again") or {}) == {"kg_co2e": 1234.5}
    assert computed == []
    # another memo's results, another data version: computed
    assert Memo(name="inventory.due").get(key, lambda: "due") == "due"
    assert second.get(("fleet", frozenset({1}), _version(8)), lambda: "new") == "new"


def test_a_result_whose_key_is_not_the_same_text_everywhere_is_not_shared(shared_store):
    def made_here() -> None: ...

    first, second = Memo(name="core.panels"), Memo(name="core.panels")
    first.get(("panel", made_here, _version(1)), lambda: "html")
    assert second.get(("panel", made_here, _version(1)), lambda: "own html") == "own html"
    # a function defined at module level is named the same in every process: shared
    first.get(("panel", Memo.get, _version(1)), lambda: "html")
    assert second.get(("panel", Memo.get, _version(1)), lambda: "own html") == "html"


def test_each_server_has_its_own_store_and_an_ended_servers_store_is_removed(tmp_path):
    from kretslopp.core import memo

    root = tmp_path / "figures"
    host = socket.gethostname()
    ended = root / f"{host}-999999999"  # no such process on this host
    elsewhere = root / "another-host-999999999"  # VAR_DIR on a disk two hosts share
    elsewhere.mkdir(parents=True)
    ended.mkdir(parents=True)
    (ended / "result.djcache").write_text("old")
    try:
        own = memo.share_between_processes(root)
        Memo(name="carbon.fleet").get(("fleet", _version(1)), lambda: "mine")
    finally:
        memo.stop_sharing()
    assert not ended.exists()
    assert elsewhere.exists()  # its server may be running: not ours to remove
    assert own.parent == root and own.name == f"{host}-{os.getpid()}" and any(own.iterdir())
    # an unshared memo (no server) computes for itself
    assert Memo(name="carbon.fleet").get(("fleet", _version(1)), lambda: "own") == "own"


def test_a_fresh_answer_another_process_left_is_taken_before_an_earlier_one(
    stale_allowed, shared_store
):
    from kretslopp.core.memo import recompute_slot

    here, there = Memo(name="carbon.fleet"), Memo(name="carbon.fleet")
    here.get(("fleet", _version(1)), lambda: "v1")
    there.get(("fleet", _version(2)), lambda: "v2 computed there")
    with recompute_slot():  # the host is busy recomputing something else
        assert here.get(("fleet", _version(2)), lambda: "v2 here") == "v2 computed there"


def test_a_shared_entry_that_cannot_be_read_is_computed_again(stale_allowed, shared_store):
    first = Memo(name="carbon.fleet")
    first.get(("fleet", _version(1)), lambda: "v1")
    for entry in shared_store.iterdir():
        entry.write_bytes(b"not a pickle")
    assert Memo(name="carbon.fleet").get(("fleet", _version(1)), lambda: "again") == "again"


def test_no_thread_waits_for_the_slot_a_thread_of_its_own_process_holds(stale_allowed):
    """The holder may be waiting for the very result the other thread is asked for."""
    from kretslopp.core.memo import earlier_answers, recompute_slot

    memo = Memo()
    memo.SLOT_WAIT_SECONDS = 60.0
    results: list[str] = []

    def web_reader() -> None:  # a request thread, as the middleware runs it
        with earlier_answers():
            results.append(memo.get(("part", _version(1)), lambda: "part"))

    with recompute_slot() as held:
        assert held
        asker = threading.Thread(target=web_reader)
        asker.start()
        asker.join(30)
    assert results == ["part"]


def test_the_reader_who_just_wrote_gets_the_current_figures(settings, rf):
    """A write's answer carries a short-lived cookie; a read with it gets no earlier answer."""
    from django.http import HttpResponse

    from kretslopp.core import memo
    from kretslopp.core.middleware import WROTE_COOKIE, OneDataVersionReadingMiddleware

    settings.STALE_FIGURES_SECONDS = 20
    allowed: list[bool] = []

    def view(request):
        allowed.append(memo._earlier_allowed.get())
        return HttpResponse("ok")

    middleware = OneDataVersionReadingMiddleware(view)
    written = middleware(rf.post("/assets/1/edit/"))
    assert written.cookies[WROTE_COOKIE]["max-age"] == 21
    assert written.cookies[WROTE_COOKIE]["httponly"]
    middleware(rf.get("/"))
    reader_who_wrote = rf.get("/")
    reader_who_wrote.COOKIES[WROTE_COOKIE] = "1"
    middleware(reader_who_wrote)
    assert allowed == [False, True, False]  # the write itself, a reader, the writer reading


def test_a_row_several_panels_look_up_is_read_once_per_read_only_request():
    from kretslopp.core.memo import once_per_request, one_reading_per_request

    readings: list[int] = []

    def read() -> str:
        readings.append(1)
        return "the organisation"

    with one_reading_per_request():
        answers = [once_per_request("organisation", read) for _ in range(3)]
    assert answers == ["the organisation"] * 3 and len(readings) == 1
    # outside such a request (a write, a command) every asking reads it
    once_per_request("organisation", read)
    once_per_request("organisation", read)
    assert len(readings) == 3
