"""CUPS page_log: the default layout, older layouts, total lines, custom PageLogFormat, errors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kretslopp.printlogs import (
    ErrorLog,
    PageLogFormatError,
    compile_page_log_format,
    iter_cups_jobs,
    read_print_log,
)
from kretslopp.printlogs.pagelogformat import parse_default_line

FIXTURES = Path(__file__).parent / "fixtures"
CET = timezone(timedelta(hours=1))


def by_id(jobs):
    return {job.job_id: job for job in jobs}


def test_default_format_with_page_and_total_lines() -> None:
    result = read_print_log(FIXTURES / "page_log")
    assert result.ok and result.log_format == "cups" and result.file_name == "page_log"
    jobs = by_id(result.jobs)
    assert sorted(jobs) == ["1201", "1202", "1203", "1204"]
    plan = jobs["1201"]  # three page lines and a total line: counted once
    assert (plan.pages, plan.copies, plan.sheets, plan.duplex) == (3, 1, 2, True)
    assert plan.time == datetime(2026, 11, 21, 9, 14, 7, tzinfo=CET)
    assert (plan.user, plan.printer, plan.billing_code) == (
        "anna.lind",
        "SBK-Plan3-MFP",
        "SBK-4410",
    )
    assert plan.paper_size == "A4" and plan.colour is None and plan.source_line == 1
    reception = jobs["1202"]  # two pages, two copies each, one-sided, no billing code
    assert (reception.pages, reception.copies, reception.sheets) == (4, 2, 4)
    assert reception.duplex is False and reception.billing_code is None
    drawing = jobs["1203"]  # total line only, job name with several spaces, A3 duplex
    assert (drawing.pages, drawing.sheets, drawing.paper_size) == (6, 3, "A3")
    assert drawing.a4_sheets == 6
    lab = jobs["1204"]  # sides "-": duplex unknown, counted one-sided
    assert lab.duplex is None and lab.sheets == 5 and lab.paper_size == "LETTER"
    assert lab.month == "2026-12"


def test_job_names_with_spaces_are_found_from_both_ends() -> None:
    line = (
        "P1 anna 9 [01/Mar/2026:08:00:00 +0100] 1 1 KST-12 host1 "
        "Årsredovisning 2025 - slutlig  version.pdf iso_a4_210x297mm one-sided"
    )
    fields = parse_default_line(line)
    assert (fields.billing, fields.media, fields.sides) == (
        "KST-12",
        "iso_a4_210x297mm",
        "one-sided",
    )
    # a user name with a space (e.g. from a Windows client) is kept whole
    spaced = parse_default_line(line.replace("P1 anna 9", "P1 Anna Lind 9"))
    assert spaced.user == "Anna Lind" and spaced.job_id == "9"


def test_older_cups_lines_without_job_name_media_and_sides() -> None:
    result = read_print_log(FIXTURES / "page_log_cups11")
    assert result.ok
    jobs = by_id(result.jobs)
    assert (jobs["401"].pages, jobs["401"].copies, jobs["401"].billing_code) == (6, 3, "#marketing")
    assert jobs["402"].pages == 440 and jobs["402"].duplex is None


def test_microseconds_and_gzip(tmp_path: Path) -> None:
    import gzip

    line = "P1 anna 5 [01/Mar/2026:08:00:00.250000 -0500] total 2 - h x.pdf A4 one-sided\n"
    path = tmp_path / "page_log.1.gz"
    path.write_bytes(gzip.compress(line.encode()))
    (job,) = read_print_log(path).jobs
    assert job.time.microsecond == 250_000 and job.time.utcoffset() == timedelta(hours=-5)


CUSTOM = '%T %p %j %u pages=%P copies=%C colour=%{print-color-mode} "%{job-name}" %{sides} %{media}'


def test_custom_page_log_format() -> None:
    lines = [
        '[03/Feb/2026:10:00:00 +0100] MFP-2 17 lisa pages=1 copies=1 colour=color "Affisch '
        'höstmarknad.pdf" one-sided iso_a3_297x420mm',
        '[03/Feb/2026:10:00:01 +0100] MFP-2 17 lisa pages=2 copies=1 colour=color "Affisch '
        'höstmarknad.pdf" one-sided iso_a3_297x420mm',
        "[03/Feb/2026:11:00:00 +0100] MFP-2 18 per pages=total copies=9 colour=monochrome "
        '"Kallelse" two-sided-long-edge A4',
        '[03/Feb/2026:12:00:00 +0100] MFP-3 19 per pages=total copies=1 colour=auto "x" - -',
    ]
    result = read_print_log("\n".join(lines).encode(), page_log_format=CUSTOM, log_format="cups")
    assert result.ok, result.errors
    jobs = by_id(result.jobs)
    assert (jobs["17"].pages, jobs["17"].colour, jobs["17"].paper_size) == (2, True, "A3")
    assert (jobs["18"].pages, jobs["18"].sheets, jobs["18"].colour) == (9, 5, False)
    assert jobs["19"].colour is None  # "auto" does not say what was printed


def test_page_log_format_pasted_from_cups_files_conf() -> None:
    compiled = compile_page_log_format('PageLogFormat "%p %u %j %T %P %C %{job-billing}"')
    assert not compiled.is_default
    compiled_default = compile_page_log_format(
        "PageLogFormat %p %u %j %T %P %C %{job-billing} %{job-originating-host-name} "
        "%{job-name} %{media} %{sides}"
    )
    assert compiled_default.is_default


def test_page_log_format_without_job_id_is_refused() -> None:
    with pytest.raises(PageLogFormatError, match="%j"):
        compile_page_log_format("%p %u %T %P %C")


def test_malformed_lines_are_reported_and_nothing_is_returned() -> None:
    good = "P1 anna 1 [01/Mar/2026:08:00:00 +0100] 1 1 - h x.pdf A4 one-sided"
    lines = [
        good,
        "P1 anna 2 [01/Mar/2026:08:00:00 +0100] 1 one - h x.pdf A4 one-sided",  # copies
        "P1 anna 3 01/Mar/2026:08:00:00 +0100 1 1 - h x.pdf A4 one-sided",  # no brackets
        "",  # blank lines are ignored
        "P1 anna 4 [01/Mar/2026:08:00:00 +0100] 1 1 - h x.pdf",  # 5 fields after the date
        "P1 anna 5 [31/Feb/2026:08:00:00 +0100] 1 1 - h x.pdf A4 one-sided",  # impossible date
        "P1 anna 6 [01/Foo/2026:08:00:00 +0100] 1 1 - h x.pdf A4 one-sided",  # month
        "P1 anna x7 [01/Mar/2026:08:00:00 +0100] 1 1 - h x.pdf A4 one-sided",  # job id
        "P1 anna 8 [01/Mar/2026:08:00:00 +0100] two 1 - h x.pdf A4 one-sided",  # page
        good.replace(" 1 [", " 9 ["),
    ]
    data = "\n".join(lines).encode()
    result = read_print_log(data, file_name="page_log")
    assert result.jobs == [] and not result.ok
    assert [e.line for e in result.errors] == [2, 3, 5, 6, 7, 8, 9]
    assert [e.code for e in result.errors] == [
        "bad_copies", "no_time", "wrong_field_count", "bad_time", "bad_time", "bad_job_id",
        "bad_page",
    ]  # fmt: skip
    assert str(result.errors[0]).startswith("page_log, line 2: ")
    skipped = read_print_log(data, file_name="page_log", skip_malformed=True)
    assert sorted(j.job_id for j in skipped.jobs) == ["1", "9"]
    assert skipped.skipped_malformed and skipped.error_count == 7


def test_a_new_job_id_on_the_same_printer_closes_the_open_job() -> None:
    lines = [
        "P1 a 1 [01/Mar/2026:08:00:00 +0100] 1 1 - h x A4 one-sided",
        "P2 b 2 [01/Mar/2026:08:00:01 +0100] 1 1 - h y A4 one-sided",
        "P1 a 1 [01/Mar/2026:08:00:02 +0100] 2 1 - h x A4 one-sided",
        "P1 c 3 [01/Mar/2026:08:00:03 +0100] 1 1 - h z A4 one-sided",
        "P2 b 2 [01/Mar/2026:08:00:04 +0100] 2 1 - h y A4 one-sided",
    ]
    errors = ErrorLog("page_log")
    jobs = by_id(iter_cups_jobs(lines, errors))
    assert errors.count == 0
    assert {k: j.pages for k, j in jobs.items()} == {"1": 2, "2": 2, "3": 1}


_token = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzåäö0123456789-_.#"), min_size=1)
_name = st.lists(st.text(st.sampled_from("abcdefghij.-()åäö0123456789"), min_size=0), min_size=1)


@settings(max_examples=200, deadline=None)
@given(
    printer=_token, user=_token, job=st.integers(1, 10**6), page=st.integers(1, 999),
    copies=st.integers(0, 99), billing=_token, host=_token, name=_name, media=_token,
    sides=st.sampled_from(["one-sided", "two-sided-long-edge", "two-sided-short-edge", "-"]),
    total=st.booleans(),
)  # fmt: skip
def test_fast_default_parser_agrees_with_the_compiled_format(
    printer, user, job, page, copies, billing, host, name, media, sides, total
) -> None:
    page_field = "total" if total else str(page)
    line = (
        f"{printer} {user} {job} [21/Nov/2026:09:14:07 +0100] {page_field} {copies} {billing} "
        f"{host} {' '.join(name)} {media} {sides}"
    )
    slow = compile_page_log_format(None, fast_default=False).parser()(line)
    assert parse_default_line(line) == slow
