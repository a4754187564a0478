"""Tables as downloads — CSV, CSV for Swedish Excel, XLSX — the same way on every page.

Every export goes through :mod:`kretslopp.tabular`'s writers, which neutralise cells a
spreadsheet would run as a formula. CSV is streamed in chunks (the header once); an XLSX
workbook is a ZIP finished only at its end, so it is spooled to a temporary file and
streamed from there. Memory stays flat for a 100,000-row asset list. Rows already in memory
(a manifest, an error report) are written in one piece.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)

from kretslopp.core import bulk
from kretslopp.tabular import write_csv, write_xlsx

CHUNK = 2_000
#: format → (CSV dialect, or None for XLSX; content type; end of the file name). The two
#: CSV kinds get different names, so both can sit in one downloads folder, told apart.
FORMATS: dict[str, tuple[str | None, str, str]] = {
    "csv": ("comma", "text/csv; charset=utf-8", ".csv"),
    "csv-sv": ("swedish", "text/csv; charset=windows-1252", "-excel-sv.csv"),
    "xlsx": (None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}


def safe_stem(name: str) -> str:
    """A file name stem that is safe in a Content-Disposition header and on any disk."""
    return "".join(char if char.isalnum() or char in "-_." else "_" for char in name)[:80]


def table_download(
    fmt: str,
    file_stem: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str = "Kretslopp",
) -> HttpResponseBase:
    """``rows`` under ``header`` as a download in ``fmt`` (a key of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise Http404
    dialect, content_type, ending = FORMATS[fmt]
    filename = f"{safe_stem(file_stem)}{ending}"
    if isinstance(rows, Sequence):  # already in memory (a manifest, an error report)
        return _whole(dialect, content_type, filename, header, rows, sheet_name)
    if dialect is None:
        return FileResponse(
            xlsx_file(header, rows, sheet_name),
            as_attachment=True,
            filename=filename,
            content_type=content_type,
        )
    response = StreamingHttpResponse(csv_stream(header, rows, dialect), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _whole(
    dialect: str | None,
    content_type: str,
    filename: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    sheet_name: str,
) -> HttpResponse:
    buffer = io.BytesIO()
    if dialect is None:
        write_xlsx(buffer, header, rows, sheet_name=sheet_name)
    else:
        write_csv(buffer, header, rows, dialect=dialect)  # type: ignore[arg-type]
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_stream(
    header: Sequence[str], rows: Iterable[Sequence[Any]], dialect: str
) -> Iterator[bytes]:
    """CSV bytes in chunks: ``write_csv`` per chunk of rows, the header only once."""
    prefix = io.BytesIO()
    write_csv(prefix, header, [], dialect=dialect)  # type: ignore[arg-type]
    head = prefix.getvalue()
    yield head
    for batch in bulk.batched(rows, CHUNK):
        buffer = io.BytesIO()
        write_csv(buffer, header, batch, dialect=dialect)  # type: ignore[arg-type]
        yield buffer.getvalue()[len(head) :]


def xlsx_file(
    header: Sequence[str], rows: Iterable[Sequence[Any]], sheet_name: str = "Kretslopp"
) -> IO[bytes]:
    """A temporary file holding the workbook, positioned at its start."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    write_xlsx(handle, header, rows, sheet_name=sheet_name)
    handle.seek(0)
    return handle
