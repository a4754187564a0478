"""The summary's fast readers agree exactly with the general path (jobs, then aggregator)."""

from __future__ import annotations

import io
import pickle
import random

import pytest

from kretslopp.printlogs import (
    UNMAPPED,
    DepartmentMap,
    ErrorLog,
    MonthlyTally,
    PrintAggregator,
    PrintJob,
    read_print_log,
    summarise_print_log,
)
from kretslopp.printlogs.fastcups import summarise_default_cups
from kretslopp.printlogs.papercut_parts import summarise_papercut_in_parts
from kretslopp.printlogs.parallel import summarise_in_parts
from kretslopp.printlogs.sources import iter_text_blocks

PRINTERS = ["SBK-Plan3-MFP", "FRI-Reception", "MIL-Lab-Farg", "SKOL-A", "SKOL-B"]
MEDIA = ["iso_a4_210x297mm", "iso_a3_297x420mm", "na_letter_8.5x11in", "A5", "-"]
SIDES = ["one-sided", "two-sided-long-edge", "two-sided-short-edge", "-"]
MAPPING = DepartmentMap(
    users={"anna": "stadsbyggnad", "Erik Berg": "fritid"},
    printers={"SBK-Plan3-MFP": "stadsbyggnad", "mil-lab-farg": "miljo", "SKOL-A": "skola"},
    billing_codes={"KST-1": "ekonomi"},
)


def _stamp(rng: random.Random, month: int) -> str:
    day, hour = rng.randint(1, 28), rng.randint(0, 23)
    return f"[{day:02d}/{['Jan', 'Feb', 'Mar', 'Nov', 'Dec'][month]}/2026:{hour:02d}:05:09 +0100]"


def generated_page_log(jobs: int = 1500, seed: int = 7) -> bytes:
    """Page and total lines, interleaved printers, odd-but-valid lines, several line ends."""
    rng = random.Random(seed)
    out: list[str] = []
    for job_id in range(1, jobs + 1):
        printer = rng.choice(PRINTERS)
        user = rng.choice(["anna", "per", "Erik Berg", "lisa"])  # "Erik Berg": a user with a space
        billing = rng.choice(["-", "-", "KST-1", "KST-2"])
        tail = f"{billing} host{rng.randrange(9)} {rng.choice(['x.pdf', 'Ritning A3  rev 2', ''])}"
        tail += f" {rng.choice(MEDIA)} {rng.choice(SIDES)}"
        stamp = _stamp(rng, rng.randrange(5))
        if rng.random() < 0.05:
            stamp = stamp.replace(" +0100]", ".250000 +0100]")  # microseconds: general parser
        head = f"{printer} {user} {job_id} {stamp}"
        kind = rng.random()
        if kind < 0.5:
            out.append(f"{head} total {rng.randint(0, 9)} {tail}")
        else:
            pages, copies = rng.randint(1, 4), rng.choice([0, 1, 2, 3])
            out.extend(f"{head} {page} {copies} {tail}" for page in range(1, pages + 1))
            if kind > 0.8:
                out.append(f"{head} total {rng.randint(0, 12)} {tail}")
        if rng.random() < 0.02:
            out.append(rng.choice(["", "   ", f"{printer} old {job_id + 9000} {stamp} 1 2 #kst"]))
    text = "\n".join(out[:700]) + "\r\n" + "\r\n".join(out[700:1400]) + "\n" + "\n".join(out[1400:])
    return text.encode()


def general(data: bytes, department_of, **kwargs) -> dict:  # type: ignore[no-untyped-def]
    result = read_print_log(data, **kwargs)
    aggregator = PrintAggregator(department_of)
    aggregator.add_all(result.jobs)
    return {key: stats.as_dict() for key, stats in aggregator.results().items()}


def as_dicts(result) -> dict:  # type: ignore[no-untyped-def]
    return {key: stats.as_dict() for key, stats in result.stats.items()}


def by_printer_prefix(job: PrintJob) -> str | None:
    return {"SBK": "stadsbyggnad", "FRI": "fritid", "MIL": "miljo"}.get(job.printer[:3])


@pytest.mark.parametrize("department_of", [MAPPING, by_printer_prefix])
def test_fast_cups_summary_equals_the_general_path(department_of) -> None:  # type: ignore[no-untyped-def]
    data = generated_page_log()
    expected = general(data, department_of)
    result = summarise_print_log(data, department_of, log_format="cups")
    assert result.ok, result.errors[:3]
    assert as_dicts(result) == expected  # every count, share and float identical
    assert result.jobs_counted == sum(s["jobs"] for s in expected.values())
    assert len(expected) > 10 and (UNMAPPED, "2026-01") in expected


@pytest.mark.parametrize("batch_bytes", [1, 97, 4096])
def test_blocks_cut_anywhere_give_the_same_totals(batch_bytes: int) -> None:
    data = generated_page_log(jobs=400)
    tally = MonthlyTally(MAPPING)
    errors = ErrorLog("page_log")
    summarise_default_cups(iter_text_blocks(io.BytesIO(data), batch_bytes), errors, tally)
    assert errors.count == 0
    assert {k: s.as_dict() for k, s in tally.results().items()} == general(data, MAPPING)


def test_fast_cups_summary_reports_the_same_errors() -> None:
    lines = generated_page_log(jobs=300).decode().splitlines()
    lines[10] = lines[10].replace("/2026:", "/20x6:")  # a broken date
    lines[20] = lines[20].rsplit(" ", 2)[0]  # media and sides cut off
    lines[30] = lines[30].replace(" [", " [31/Feb/2026:00:00:00 +0100] [", 1)
    lines[40] = "garbage"
    lines[50] = lines[50].replace("+0100", "+9900")  # an impossible UTC offset
    data = "\n".join(lines).encode()
    slow = read_print_log(data, file_name="page_log")
    fast = summarise_print_log(data, MAPPING, file_name="page_log")
    assert fast.stats == {} and fast.jobs_counted == 0 and not fast.ok
    assert [(e.line, e.code, e.message) for e in fast.errors] == [
        (e.line, e.code, e.message) for e in slow.errors
    ]
    assert [e.line for e in fast.errors][:2] == [11, 21]
    skipped = summarise_print_log(data, MAPPING, skip_malformed=True)
    assert as_dicts(skipped) == general(data, MAPPING, skip_malformed=True)


def generated_papercut_log() -> bytes:
    """A Print Logger file with two malformed rows (a bad flag on line 7, a bad time on 11)."""
    rng = random.Random(3)
    rows = ["Time,User,Pages,Copies,Printer,Document Name,Paper Size,Duplex,Grayscale"]
    for n in range(800):
        rows.append(
            f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00,{rng.choice(['anna', 'per'])},"
            f"{rng.randint(0, 20)},{rng.randint(0, 3)},\\\\print01\\{rng.choice(PRINTERS)},"
            f"doc{n},{rng.choice(['A4', 'A3', 'Letter', ''])},"
            f"{rng.choice(['DUPLEX', 'NOT DUPLEX', ''])},"
            f"{rng.choice(['GRAYSCALE', 'NOT GRAYSCALE'])}"
        )
    rows[5] = "2026-03-01 10:00:00,anna,2,1,P,d,A4,MAYBE,GRAYSCALE"  # a bad flag
    rows[9] = "20x6-03-01 10:00:00,anna,2,1,P,d,A4,DUPLEX,GRAYSCALE"  # a bad time
    return ("PaperCut Print Logger : http://www.papercut.com/\n" + "\n".join(rows) + "\n").encode()


def test_papercut_summary_equals_the_general_path() -> None:
    data = generated_papercut_log()
    fast = summarise_print_log(data, MAPPING, skip_malformed=True)
    assert fast.error_count == 2 and [(e.line, e.column) for e in fast.errors] == [
        (7, "Duplex"),
        (11, "Time"),
    ]
    assert as_dicts(fast) == general(data, MAPPING, skip_malformed=True)
    strict = summarise_print_log(data, by_printer_prefix)
    assert strict.stats == {} and strict.error_count == 2


def test_department_map_precedence_case_and_pickling() -> None:
    assert MAPPING.department("ANNA", "MIL-Lab-Farg", "kst-1") == "ekonomi"  # billing first
    assert MAPPING.department("anna", "MIL-Lab-Farg", None) == "stadsbyggnad"  # then the user
    assert MAPPING.department("per", "\\\\print01\\mil-lab-farg", "-") == "miljo"  # queue name
    assert MAPPING.department("per", "elsewhere", None) is None
    printer_first = DepartmentMap(
        users={"anna": "a"}, printers={"p": "p"}, precedence=("printer", "user"), default="x"
    )
    assert printer_first.department("anna", "P", None) == "p"
    assert printer_first.department("bo", "q", None) == "x"
    assert pickle.loads(pickle.dumps(MAPPING)).department("Erik Berg", "q", None) == "fritid"
    with pytest.raises(ValueError, match="precedence"):
        DepartmentMap(precedence=("room",))


def test_a_callable_is_asked_once_per_user_printer_and_billing_code() -> None:
    asked: list[tuple[str, str, str | None]] = []

    def department_of(job: PrintJob) -> str:
        asked.append((job.user, job.printer, job.billing_code))
        return "d"

    data = generated_page_log(jobs=300)
    summarise_print_log(data, department_of)
    assert len(asked) == len(set(asked)) > 5


def test_parts_in_worker_processes_add_up_to_the_one_process_totals(tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = generated_page_log(jobs=1200).decode().splitlines()
    lines[100] = lines[100].replace(" [", " x [", 1).replace(" 1 ", " one ", 1)  # malformed
    lines[900] = "garbage"
    path = tmp_path / "page_log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = summarise_print_log(path, MAPPING, skip_malformed=True, workers=1)
    errors, tally = ErrorLog("page_log"), MonthlyTally(MAPPING)
    summarise_in_parts(path, MAPPING, errors, tally, workers=2, parts=37)  # cuts inside jobs
    assert [(e.line, e.code) for e in errors.errors] == [(e.line, e.code) for e in one.errors]
    assert [e.line for e in errors.errors] == [101, 901]
    parts = {key: stats.as_dict() for key, stats in tally.results().items()}
    assert parts.keys() == one.stats.keys()
    for key, stats in one.stats.items():
        expected = stats.as_dict()
        assert parts[key].pop("a4_sheets") == pytest.approx(expected.pop("a4_sheets"))
        assert parts[key].pop("duplex_share") == pytest.approx(expected.pop("duplex_share"))
        assert parts[key] == expected


def test_large_files_with_a_mapping_take_the_parallel_path(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from kretslopp.printlogs import reading

    path = tmp_path / "page_log"
    path.write_bytes(generated_page_log(jobs=300))
    called: list[int] = []
    monkeypatch.setattr(reading, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(reading, "summarise_in_parts", lambda *a: called.append(a[-1]))
    summarise_print_log(path, MAPPING, workers=2)
    summarise_print_log(path, by_printer_prefix, workers=2)  # a closure cannot be pickled
    summarise_print_log(path.read_bytes(), MAPPING, workers=2)  # not a file
    summarise_print_log(path, MAPPING, workers=1)
    assert called == [2]


def test_papercut_parts_add_up_to_the_one_process_totals(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "papercut-print-log-all.csv"
    path.write_bytes(generated_papercut_log())
    one = summarise_print_log(path, MAPPING, skip_malformed=True, workers=1)
    errors, tally = ErrorLog(path.name), MonthlyTally(MAPPING)
    assert summarise_papercut_in_parts(path, MAPPING, errors, tally, workers=2, parts=9)
    assert [(e.line, e.column, e.message) for e in errors.errors] == [
        (e.line, e.column, e.message) for e in one.errors
    ]
    parts = {key: stats.as_dict() for key, stats in tally.results().items()}
    assert parts.keys() == one.stats.keys()
    for key, stats in one.stats.items():
        expected = stats.as_dict()
        for name in ("a4_sheets", "duplex_share", "colour_share"):
            assert parts[key].pop(name) == pytest.approx(expected.pop(name))
        assert parts[key] == expected
    quoted = tmp_path / "quoted.csv"  # a quoted cell may hold a line break: one piece
    quoted.write_bytes(generated_papercut_log().replace(b",doc7,", b',"doc 7",'))
    assert not summarise_papercut_in_parts(quoted, MAPPING, ErrorLog("q"), tally, workers=2)
