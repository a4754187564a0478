"""PaperCut print logs: the daily Print Logger file, a plain export, and malformed rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kretslopp.printlogs import detect_log_format, read_print_log

FIXTURES = Path(__file__).parent / "fixtures"
DAILY = FIXTURES / "papercut-print-log-2026-11-21.csv"


def test_daily_print_logger_file_with_metadata_line() -> None:
    assert detect_log_format(DAILY) == "papercut"
    result = read_print_log(DAILY)
    assert result.ok and result.log_format == "papercut"
    anna, erik, karin, jonas = result.jobs
    assert anna.time == datetime(2026, 11, 21, 8, 2, 11)
    assert (anna.user, anna.printer) == ("anna.lind", r"\\print01\SBK-Plan3-MFP")
    # 10 pages over 2 copies, duplex: 2 × ceil(5 / 2) = 6 sheets; grayscale → not colour
    assert (anna.pages, anna.copies, anna.sheets, anna.duplex, anna.colour) == (
        10,
        2,
        6,
        True,
        False,
    )
    assert anna.source_line == 3  # the metadata line and the header come first
    assert (erik.sheets, erik.duplex, erik.colour) == (1, False, True)
    assert (karin.paper_size, karin.sheets, karin.a4_sheets) == ("A3", 2, 4)
    assert (jonas.paper_size, jonas.sheets, jonas.colour) == ("LETTER", 7, False)


def test_export_without_metadata_line_and_bytes_source() -> None:
    source = FIXTURES / "papercut-export.csv"
    assert detect_log_format(source) == "papercut"
    (job,) = read_print_log(source.read_bytes(), file_name="export.csv").jobs
    assert (job.pages, job.sheets, job.source_line) == (4, 2, 2)


def test_semicolon_cp1252_export_from_swedish_excel() -> None:
    text = (
        "Time;User;Pages;Copies;Printer;Document Name;Duplex;Grayscale\r\n"
        "2026-11-02 10:00:00;åsa.öberg;3;1;SKOL-MFP;Läsårsplan.docx;NOT DUPLEX;GRAYSCALE\r\n"
    )
    (job,) = read_print_log(text.encode("cp1252"), file_name="utskrifter.csv").jobs
    assert job.user == "åsa.öberg" and job.pages == 3 and job.colour is False


def test_malformed_rows_are_reported_with_line_and_column_and_nothing_returned() -> None:
    lines = DAILY.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",1,1,", ",one,1,")  # Pages not a number (line 4)
    lines[5] = lines[5].replace("2026-11-21 11:47:55", "21st November")  # Time (line 6)
    data = ("\n".join(lines) + "\n").encode()
    result = read_print_log(data, file_name="papercut-print-log-2026-11-21.csv")
    assert result.jobs == [] and result.error_count == 2
    assert [(e.line, e.column) for e in result.errors] == [(4, "Pages"), (6, "Time")]
    assert "line 4, column 'Pages'" in str(result.errors[0])
    partial = read_print_log(data, file_name="x.csv", skip_malformed=True)
    assert [job.user for job in partial.jobs] == ["anna.lind", "karin.holm"]


def test_a_file_without_papercut_columns_is_fatal_even_when_skipping() -> None:
    data = b"Time,User,Printer\n2026-11-02 10:00:00,anna,P1\n"
    result = read_print_log(data, log_format="papercut", skip_malformed=True)
    assert result.jobs == [] and result.errors[0].code == "missing_columns"
    assert "Pages" in result.errors[0].message


def test_broken_csv_structure_is_fatal() -> None:
    lines = DAILY.read_text(encoding="utf-8").splitlines()
    lines[4] += ",extra,cells"
    result = read_print_log("\n".join(lines).encode(), skip_malformed=True)
    assert result.jobs == [] and result.errors[0].line == 5


def test_uploaded_streams_of_either_format_are_detected() -> None:
    import io

    class Upload(io.RawIOBase):  # like a Django upload: read/seek/tell, no peek
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)
            self.name = "upload.csv"

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

        def seek(self, offset: int, whence: int = 0) -> int:
            return self._data.seek(offset, whence)

        def tell(self) -> int:
            return self._data.tell()

    papercut = read_print_log(Upload(DAILY.read_bytes()))
    assert papercut.ok and papercut.log_format == "papercut" and len(papercut.jobs) == 4
    cups = read_print_log(Upload((FIXTURES / "page_log").read_bytes()))
    assert cups.ok and cups.log_format == "cups" and len(cups.jobs) == 4
    assert cups.file_name == "upload.csv"
