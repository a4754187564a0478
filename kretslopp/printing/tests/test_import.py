"""Print logs through the import: totals per department, month and printer; all or nothing."""

from __future__ import annotations

import pytest

from kretslopp.core.models import AuditEntry
from kretslopp.imports.runs import SYSTEM_ACCESS
from kretslopp.printing.importer import import_print_log
from kretslopp.printing.models import PrintImport, PrintVolume
from kretslopp.printing.tests.conftest import CUSTOM_FORMAT, FIXTURES

pytestmark = pytest.mark.django_db


def totals() -> dict[tuple[str | None, str, str], int]:
    return {
        (v.department.code if v.department_id else None, f"{v.month:%Y-%m}", v.printer): v.pages
        for v in PrintVolume.objects.select_related("department")
    }


def test_cups_default_format_is_summed_per_department_month_and_printer(mapped):
    result = import_print_log(FIXTURES / "page_log", access=SYSTEM_ACCESS, log_format="cups")
    assert result.status == "committed", result.problems
    assert result.rows == 3
    assert totals() == {
        ("GRF", "2025-11", "GRF-Kansli-MFP"): 2,  # by the user's department (people register)
        ("MF", "2025-11", "MF-Reception"): 3,  # an unknown user: by the printer
        ("MF", "2025-12", "GRF-Kansli-MFP"): 5,  # a billing code wins over the printer
    }
    a3 = PrintVolume.objects.get(month__month=12)
    assert a3.a4_sheets == 10  # five A3 sheets count as ten A4
    record = PrintImport.objects.get()
    assert (record.jobs, record.pages, record.unmapped_jobs) == (3, 10, 0)
    assert AuditEntry.objects.filter(object_repr="page_log", action="create").exists()


def test_no_user_names_are_stored(mapped):
    import_print_log(FIXTURES / "page_log", access=SYSTEM_ACCESS, log_format="cups")
    stored = " ".join(str(v) for v in PrintVolume.objects.values_list()) + " ".join(
        str(v) for v in PrintImport.objects.values_list()
    )
    assert "okand.person" not in stored and "gast" not in stored


def test_unmapped_jobs_stay_in_the_totals(town):
    result = import_print_log(FIXTURES / "page_log", access=SYSTEM_ACCESS, log_format="cups")
    assert result.status == "committed"
    assert totals()[(None, "2025-11", "MF-Reception")] == 3
    assert PrintImport.objects.get().unmapped_jobs == 2


@pytest.mark.parametrize(
    ("name", "log_format", "lines"),
    [("page_log_malformed", "cups", [2, 4]), ("papercut-malformed.csv", "papercut", [4, 5])],
)
def test_malformed_lines_are_reported_and_nothing_is_written(mapped, name, log_format, lines):
    before = (PrintVolume.objects.count(), PrintImport.objects.count(), AuditEntry.objects.count())
    result = import_print_log(FIXTURES / name, access=SYSTEM_ACCESS, log_format=log_format)
    assert result.status == "rejected"
    assert [problem.row for problem in result.problems] == lines
    assert all(problem.file == name for problem in result.problems)
    after = (PrintVolume.objects.count(), PrintImport.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_custom_page_log_format_with_colour_and_spaces_in_job_names(mapped):
    result = import_print_log(
        FIXTURES / "page_log_custom",
        access=SYSTEM_ACCESS,
        log_format="cups",
        page_log_format=CUSTOM_FORMAT,
    )
    assert result.status == "committed", result.problems
    grf = PrintVolume.objects.get(department=mapped.own)
    assert (grf.pages, grf.pages_colour, grf.pages_colour_known, grf.pages_duplex) == (4, 4, 4, 4)
    mf = PrintVolume.objects.get(department=mapped.other)
    assert (mf.pages, mf.pages_colour, mf.pages_colour_known) == (2, 0, 2)


def test_papercut_log_maps_queue_names_after_the_server(mapped):
    result = import_print_log(
        FIXTURES / "papercut-print-log-2025-11-21.csv", access=SYSTEM_ACCESS, log_format="auto"
    )
    assert result.status == "committed", result.problems
    assert totals() == {
        ("GRF", "2025-11", "\\\\print01\\GRF-Kansli-MFP"): 10,
        ("MF", "2025-11", "\\\\print01\\MF-Reception"): 1,
    }


def test_the_same_file_is_not_counted_twice(mapped):
    first = import_print_log(FIXTURES / "page_log", access=SYSTEM_ACCESS, log_format="cups")
    assert first.status == "committed"
    again = import_print_log(FIXTURES / "page_log", access=SYSTEM_ACCESS, log_format="cups")
    assert again.status == "rejected"
    assert again.problems[0].code == "already_imported"
    assert PrintImport.objects.count() == 1


def test_a_file_that_is_not_a_papercut_log_is_unreadable(mapped, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Name,Colour\nanna,blue\n", encoding="utf-8")
    result = import_print_log(path, access=SYSTEM_ACCESS, log_format="papercut")
    assert result.status == "unreadable"
    assert PrintImport.objects.count() == 0
