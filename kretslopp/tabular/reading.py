"""Reading CSV and XLSX files as a stream of rows of text.

``open_table`` looks at the first bytes of a file to decide what it is — the content wins
over the file name, so an XLSX saved as ``.csv`` is still read as XLSX — and returns a
:class:`Table` whose ``rows()`` streams :class:`Row` objects. Every cell comes back as a
``str`` (``''`` when empty); turning text into numbers and dates is the job of
:mod:`kretslopp.tabular.values`, so that every error can name its row and column.

Decisions worth knowing (each one is tested):

* **Row numbers** are the spreadsheet's: the header is row 1, the first data row is row 2.
  A CSV cell may hold line breaks inside quotes; rows count *records*, as Excel shows them,
  not physical lines.
* **The header** is always the first row. An empty first row is an error. Header names are
  stripped; duplicates are kept apart by position; an empty name between other names is
  called ``column 7`` (its 1-based position); empty names at the end are dropped.
* **Short rows** are padded with ``''``. **Long rows** are an error naming the row, unless
  the extra cells are all empty (Excel writes ``a;b;;`` for trailing empty columns).
  Entirely empty rows are skipped (their numbers are still counted).
* **Values** are given exactly as written (not stripped) except that HTML is removed from
  cells that contain tags or entities (``strip_html=True``, the default), because Snipe-IT
  exports wrap names in links. Pass ``strip_html=False`` to keep markup.
* **CSV encodings**: a BOM decides (UTF-8, UTF-16 LE/BE). Otherwise UTF-8 is tried and,
  if the bytes are not UTF-8, Windows-1252 (what Swedish Excel writes for "CSV
  (semikolonavgränsad)"). A file whose first 64 KiB are plain ASCII is reported as
  ``utf-8`` and switches to ``cp1252`` at the first byte that is not UTF-8;
  a file that has already shown UTF-8 text and then holds a cp1252 byte mixes encodings and
  gets an error naming the row.
* **CSV delimiters**: comma, semicolon or tab, chosen from the first 64 KiB by which one
  splits the header and the first rows into the same number of cells (so decimal commas in
  a semicolon file do not fool it); ties prefer tab, then semicolon, then comma. A
  one-column file gets a delimiter that does not occur in it. A later row written with
  another delimiter is an error naming the row. A first line ``sep=;`` (Excel's hint)
  decides the delimiter and is skipped, as Excel does; the header is still row 1.
* **Limits**: a physical line longer than 1 MiB characters, or a cell longer than 131,072
  characters (the ``csv`` module's default field limit), is an error naming the row —
  reading never has to hold more than one line in memory. Within that, ``limits=``
  (:class:`~kretslopp.tabular.limits.ReadLimits`) bounds the file's size, its rows and
  columns and the length of a cell (32,767 characters by default, Excel's own limit), for
  CSV and XLSX alike; each refusal names the limit, and the row and column where it can.
* **XLSX** (via python-calamine): the first sheet unless ``sheet=`` names one; date cells
  become ISO strings (``2021-03-04``, or ``2021-03-04T10:30:00`` with a time), whole numbers
  lose the ``.0`` (``1234``), booleans become ``TRUE``/``FALSE`` as Excel shows them, and
  formulas give their cached result. calamine loads the sheet whole (about 100 bytes a
  cell), so :mod:`kretslopp.tabular.archive` first checks the archive in bounded memory —
  zip bombs, huge cells, a used area beyond ``max_cells`` — and only then hands it over;
  rows are still handed out one at a time.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import BinaryIO, NamedTuple, TypeVar

from kretslopp.tabular.errors import TabularError, ValueParseError
from kretslopp.tabular.limits import DEFAULT_LIMITS, ReadLimits, megabytes
from kretslopp.tabular.values import looks_like_markup, strip_html

SNIFF_BYTES = 64 * 1024
READ_BYTES = 256 * 1024
MAX_LINE_CHARS = 1024 * 1024
MAX_FIELD_CHARS = csv.field_size_limit()
DELIMITERS = ("\t", ";", ",")  # tie-break order
_SNIFF_RECORDS = 50
_SEP_HINT = re.compile(r"\ufeff?sep=([,;\t|])\r?\n")
T = TypeVar("T")

Source = str | os.PathLike[str] | bytes | bytearray | BinaryIO

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"BM", "a bitmap image"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")


class Row(NamedTuple):
    """One data row: its spreadsheet row number and one ``str`` per header."""

    number: int
    values: tuple[str, ...]


class _Problem(Exception):
    """Raised inside the line reader; turned into a TabularError with the current row."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class Table:
    """An opened CSV or XLSX file: its headers and a way to stream its rows.

    ``rows()`` may be called again to read the file again when the source can be re-read
    (a path, bytes or a seekable stream).
    """

    def __init__(
        self,
        *,
        file_name: str,
        format: str,
        headers: list[str],
        row_source: Callable[[Table], Iterator[Row]],
        encoding: str | None = None,
        delimiter: str | None = None,
        sheet_name: str | None = None,
        warnings: list[str] | None = None,
        limits: ReadLimits = DEFAULT_LIMITS,
    ) -> None:
        self.file_name = file_name
        self.limits = limits
        self.format = format
        self.headers = headers
        self.encoding = encoding
        self.delimiter = delimiter
        self.sheet_name = sheet_name
        self.warnings = warnings or []
        self._row_source = row_source

    def rows(self) -> Iterator[Row]:
        """Stream the data rows; raises :class:`TabularError` at the first bad row."""
        return self._row_source(self)

    def parse(self, row: Row, position: int, parser: Callable[[str], T]) -> T:
        """Parse one cell with ``parser`` (e.g. ``parse_date``), locating any failure.

        A ``ValueError`` from the parser becomes a :class:`TabularError` naming this file,
        the row and the column, e.g. ``assets.csv, row 14, column 'Purchase Date': not a
        date: '31/02/2021'``, keeping the parser's code and params for translation.
        """
        try:
            return parser(row.values[position])
        except ValueParseError as exc:
            raise exc.to_tabular_error(
                file=self.file_name, row=row.number, column=self.headers[position]
            ) from None
        except ValueError as exc:
            raise TabularError(
                str(exc), file=self.file_name, row=row.number, column=self.headers[position]
            ) from None

    def error(self, code: str, *, row: int | None = None, **params: object) -> TabularError:
        """A :class:`TabularError` about this file."""
        return TabularError.from_code(code, file=self.file_name, row=row, **params)

    def __repr__(self) -> str:
        return (
            f"<Table {self.file_name!r} {self.format} encoding={self.encoding!r} "
            f"delimiter={self.delimiter!r} columns={len(self.headers)}>"
        )


# --- opening ----------------------------------------------------------------------------


class _Opener:
    """Re-opens the source as a binary stream positioned at its start."""

    def __init__(self, source: Source) -> None:
        self.path: Path | None = None
        self.data: bytes | None = None
        self.stream: BinaryIO | None = None
        self.start = 0
        if isinstance(source, (bytes, bytearray, memoryview)):
            self.data = bytes(source)
        elif isinstance(source, (str, os.PathLike)):
            self.path = Path(source)
        else:
            self.stream = source
            try:
                self.start = source.tell() if source.seekable() else -1
            except (AttributeError, OSError):
                self.start = -1
            if self.start < 0:  # a pipe or socket: spool it so it can be read again
                self.stream = _spool(source)
                self.start = 0

    def open(self) -> BinaryIO:
        """A binary stream at the start of the data; caller closes it if it owns it."""
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.path is not None:
            return open(self.path, "rb")  # noqa: SIM115 - closed by the caller
        assert self.stream is not None
        self.stream.seek(self.start)
        return _Borrowed(self.stream)

    def size(self) -> int | None:
        """The size in bytes, without reading the content (``None``: cannot tell)."""
        if self.data is not None:
            return len(self.data)
        if self.path is not None:
            return self.path.stat().st_size
        assert self.stream is not None
        try:
            end = self.stream.seek(0, os.SEEK_END)
        except (AttributeError, OSError, ValueError):
            return None
        return end - self.start

    def seekable(self) -> BinaryIO:
        """A seekable stream over the whole content (a ZIP is read from its end)."""
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.path is not None:
            return open(self.path, "rb")  # noqa: SIM115 - closed by the caller
        assert self.stream is not None
        if self.start:  # the content starts inside the caller's stream: copy it out
            with self.open() as stream:
                return _spool(stream)
        self.stream.seek(0)
        return _Borrowed(self.stream, seekable=True)


def _spool(source: BinaryIO) -> BinaryIO:
    """Copy a non-seekable stream to memory, or to a temporary file beyond 16 MiB."""
    spooled = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    shutil.copyfileobj(source, spooled, READ_BYTES)
    spooled.seek(0)
    return spooled  # type: ignore[return-value]


class _Borrowed(io.RawIOBase):
    """Wraps a caller's stream so closing our side does not close theirs."""

    def __init__(self, stream: BinaryIO, seekable: bool = False) -> None:
        self._stream = stream
        self._seekable = seekable

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._seekable

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if not self._seekable:
            raise io.UnsupportedOperation("seek")
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _default_name(source: Source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    name = getattr(source, "name", None)
    if isinstance(name, str) and name:
        return Path(name).name
    return "upload"


def open_table(
    source: Source,
    file_name: str | None = None,
    *,
    sheet: str | None = None,
    strip_html: bool = True,
    limits: ReadLimits | None = None,
) -> Table:
    """Open a CSV or XLSX file for reading.

    ``source`` is a path (``str`` or ``Path``), the file's bytes, or a binary stream (an
    uploaded file). ``file_name`` is the name used in error messages and defaults to the
    path's or stream's name. The kind of file is decided by its content; a mismatch with
    the extension is noted in ``Table.warnings``. ``limits`` bounds what reading may cost
    (:data:`~kretslopp.tabular.limits.DEFAULT_LIMITS` unless given). Raises
    :class:`TabularError`.
    """
    name = file_name or _default_name(source)
    limits = limits or DEFAULT_LIMITS
    opener = _Opener(source)
    try:
        _check_size(opener, name, limits)
        with opener.open() as stream:
            head = _read_at_least(stream, SNIFF_BYTES)
    except OSError as exc:
        raise TabularError.from_code("unreadable", file=name, detail=str(exc)) from None
    if not head:
        raise TabularError.from_code("empty_file", file=name)
    if head.startswith(_ZIP):
        table = _open_xlsx(opener, name, sheet, strip_html, limits)
    elif head.startswith(_OLE2):
        raise TabularError.from_code(
            "unsupported_workbook",
            file=name,
            kind="an Excel 97-2003 workbook (.xls) or a password-protected workbook",
        )
    else:
        table = _open_csv(opener, name, head, strip_html, limits)
    _warn_extension(table)
    return table


def _check_size(opener: _Opener, name: str, limits: ReadLimits) -> None:
    """Refuse a file larger than ``max_file_bytes`` before reading any of it."""
    if limits.max_file_bytes is None:
        return
    size = opener.size()
    if size is not None and size > limits.max_file_bytes:
        raise TabularError.from_code(
            "file_too_large",
            file=name,
            size_mb=megabytes(size),
            limit_mb=megabytes(limits.max_file_bytes),
        )


def _read_at_least(stream: BinaryIO, size: int) -> bytes:
    """Read ``size`` bytes unless the stream ends first (raw streams may return less)."""
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def _warn_extension(table: Table) -> None:
    suffix = Path(table.file_name).suffix.casefold()
    expected = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
    if suffix in expected and expected[suffix] != table.format:
        table.warnings.append(
            f"the file name ends in {suffix} but the content is {table.format.upper()}; "
            f"it was read as {table.format.upper()}"
        )


# --- CSV: encoding ----------------------------------------------------------------------


def _binary_kind(head: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def _detect_encoding(head: bytes) -> tuple[str, int]:
    """Return (encoding, BOM length). ``'utf-8?'`` means ASCII so far, maybe cp1252 later."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    if b"\0" in head:
        guess = _guess_bomless_utf16(head)
        # A stray NUL in text is reported at its row; many NULs mean a binary file.
        if guess != "binary" or head.count(0) > len(head) // 100:
            return guess, 0
    if head.isascii():
        return "utf-8?", 0
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        # UTF-8 letters before the first bad byte: a UTF-8 file with a stray cp1252 row,
        # reported at that row rather than read as mojibake. Otherwise cp1252, and any
        # UTF-8 letters after it are reported as mixed encodings.
        first_utf8 = _utf8_signature(head)
        return ("utf-8" if 0 <= first_utf8 < exc.start else "cp1252"), 0
    return "utf-8", 0


# UTF-8 encodings of the letters Swedish files are full of: å ä ö Å Ä Ö é. Read as cp1252
# they are mojibake ("Ã¥"), which a real cp1252 file practically never contains.
_UTF8_SIGNATURES = tuple(char.encode() for char in "åäöÅÄÖé")


def _utf8_signature(data: bytes) -> int:
    """Index of the first UTF-8 encoded Swedish letter in ``data``, or -1."""
    found = [index for sig in _UTF8_SIGNATURES if (index := data.find(sig)) >= 0]
    return min(found, default=-1)


def _guess_bomless_utf16(head: bytes) -> str:
    """UTF-16 without a BOM has NULs in every other byte for Latin text; else it is binary."""
    sample = head[:4096]
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.7 * len(odd) and even.count(0) < 0.1 * max(len(even), 1):
        return "utf-16-le"
    if even.count(0) > 0.7 * len(even) and odd.count(0) < 0.1 * max(len(odd), 1):
        return "utf-16-be"
    return "binary"


class _TextDecoder:
    """Incrementally decodes chunks, switching from tentative UTF-8 to cp1252 if needed."""

    def __init__(self, encoding: str) -> None:
        self.tentative = encoding == "utf-8?"
        self.encoding = "utf-8" if self.tentative else encoding
        self._decoder = codecs.getincrementaldecoder(self.encoding)("strict")
        self.markup = False  # set once a '<' or '&' has been decoded
        self.longest = 0  # the longest physical line decoded so far, in characters

    def decode(self, chunk: bytes, final: bool = False) -> tuple[str, _Problem | None]:
        """Decode a chunk; on a bad byte return the text before it and the problem."""
        if self.tentative and chunk.isascii():
            return chunk.decode("ascii"), None
        try:
            text = self._decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            if self.tentative:
                self._switch_to_cp1252()
                return self.decode(chunk, final)
            return self._partial(exc)
        if self.tentative and not chunk.isascii():
            self.tentative = False  # real UTF-8 text seen: from now on UTF-8 only
        if (
            self.encoding == "cp1252"
            and b"\xc3" in chunk
            and (index := _utf8_signature(chunk)) >= 0
        ):
            return chunk[:index].decode("cp1252"), _Problem("mixed_encodings")
        return text, None

    def _switch_to_cp1252(self) -> None:
        self.tentative = False
        self.encoding = "cp1252"
        self._decoder = codecs.getincrementaldecoder("cp1252")("strict")

    def _partial(self, exc: UnicodeDecodeError) -> tuple[str, _Problem]:
        """The text before a bad byte (``exc.object`` includes bytes held from before)."""
        try:
            text = exc.object[: exc.start].decode(self.encoding)
        except UnicodeDecodeError:
            text = ""
        bad = exc.object[exc.start : exc.start + 1]
        return text, _Problem("undecodable", encoding=self.encoding, byte=f"0x{bad.hex()}")


def _iter_lines(stream: BinaryIO, decoder: _TextDecoder, skip: int) -> Iterator[str]:
    """Yield physical lines (ending in ``\\n``) from a binary stream, decoded.

    Raises :class:`_Problem` for undecodable bytes, NUL bytes and over-long lines *after*
    yielding every complete line before them, so the caller knows which row is at fault.
    """
    if skip:
        stream.read(skip)
    pending = ""
    newline = "\n"
    first = True
    while True:
        chunk = stream.read(READ_BYTES)
        text, problem = decoder.decode(chunk, final=not chunk)
        if first and "\n" not in text and "\r" in text:
            newline = "\r"  # classic Mac line endings
        first = False
        if "\0" in text:
            text, problem = text[: text.index("\0")], _Problem("binary_content")
        if not decoder.markup and ("<" in text or "&" in text):
            decoder.markup = True
        if text:
            lines = (pending + text).split(newline)
            pending = lines.pop()
            if lines and (longest := max(map(len, lines))) > decoder.longest:
                decoder.longest = longest
            for line in lines:
                yield line + newline
        if problem is not None:
            raise problem
        if len(pending) > MAX_LINE_CHARS:
            raise _Problem("line_too_long", limit=MAX_LINE_CHARS)
        if not chunk:
            break
    if pending:
        decoder.longest = max(decoder.longest, len(pending))
        yield pending


# --- CSV: delimiter ---------------------------------------------------------------------


def _choose_delimiter(sample: str, complete: bool) -> str:
    """Pick the delimiter that splits the first records into equally long rows."""
    lines = sample.splitlines(keepends=True)
    if not complete and len(lines) > 1:
        lines.pop()  # the last line may be cut off
    best: tuple[int, int, int, int] | None = None
    chosen = ","
    for rank, delimiter in enumerate(reversed(DELIMITERS)):
        score = _delimiter_score(lines, delimiter)
        candidate = (*score, rank)
        if best is None or candidate > best:
            best, chosen = candidate, delimiter
    if best is not None and best[1] <= 1:  # one column: use a delimiter that never occurs
        absent = [d for d in DELIMITERS if d not in sample]
        chosen = absent[0] if absent else chosen
    return chosen


def _delimiter_score(lines: list[str], delimiter: str) -> tuple[int, int, int]:
    """(all rows match the header width, header width, rows matching) for one delimiter."""
    records = []
    try:
        for record in csv.reader(lines, delimiter=delimiter):
            if record:
                records.append(record)
            if len(records) > _SNIFF_RECORDS:
                break
    except csv.Error:
        return (0, 0, 0)
    if not records:
        return (0, 0, 0)
    width = len(records[0])
    matching = sum(1 for record in records[1:] if len(record) == width)
    consistent = int(matching == len(records) - 1)
    return (consistent if width > 1 else 0, width, matching)


# --- CSV: table -------------------------------------------------------------------------


def _open_csv(opener: _Opener, name: str, head: bytes, strip: bool, limits: ReadLimits) -> Table:
    kind = _binary_kind(head)
    if kind is not None:
        raise TabularError.from_code("binary_file", file=name, kind=kind)
    encoding, bom = _detect_encoding(head)
    if encoding == "binary":
        raise TabularError.from_code("binary_file", file=name, kind="binary data (NUL bytes)")
    sample, problem = _TextDecoder(encoding).decode(head[bom:], final=len(head) < SNIFF_BYTES)
    if problem is not None and not sample.strip():
        raise TabularError.from_code(problem.code, file=name, row=1, **problem.params)
    if not sample.strip() and len(head) < SNIFF_BYTES:
        raise TabularError.from_code("only_whitespace", file=name)
    hint = _SEP_HINT.match(sample)
    if hint:  # Excel's "sep=;" line names the delimiter; Excel hides it, so do we
        delimiter = hint.group(1)
    else:
        delimiter = _choose_delimiter(sample, complete=len(head) < SNIFF_BYTES)
    skip = 1 if hint else 0
    reported = "utf-8" if encoding == "utf-8?" else encoding
    if bom == 3:
        reported = "utf-8-sig"
    table = Table(
        file_name=name,
        format="csv",
        headers=[],
        row_source=lambda t: _csv_rows(t, opener, encoding, bom, strip, skip),
        encoding=reported,
        delimiter=delimiter,
        limits=limits,
    )
    with opener.open() as stream:
        decoder = _TextDecoder(encoding)
        reader = _csv_reader(table, stream, decoder, bom)
        try:
            for _ in range(skip):
                next(reader, None)
            header = next(reader, None)
        except (_Problem, csv.Error) as exc:
            raise _located(table, exc, 1, decoder) from None
    table.headers = _clean_headers(table, header or [])
    return table


def _csv_reader(
    table: Table, stream: BinaryIO, decoder: _TextDecoder, bom: int
) -> Iterator[list[str]]:
    lines = _iter_lines(stream, decoder, bom)
    return csv.reader(lines, delimiter=table.delimiter or ",", strict=True)


def _located(
    table: Table, exc: Exception, row: int, decoder: _TextDecoder | None = None
) -> TabularError:
    """Turn a failure met while reading ``row`` into a TabularError naming it."""
    if isinstance(decoder, _TextDecoder) and table.encoding != "utf-8-sig":
        table.encoding = decoder.encoding
    if isinstance(exc, _Problem):
        return table.error(exc.code, row=row, **exc.params)
    if isinstance(exc, csv.Error):
        return _csv_error(table, exc, row)
    raise exc


def _csv_error(table: Table, exc: csv.Error, row: int) -> TabularError:
    text = str(exc)
    if "field larger than field limit" in text:
        return table.error("field_too_long", row=row, limit=MAX_FIELD_CHARS)
    if "unexpected end of data" in text:
        return table.error("unterminated_quote", row=row)
    if "expected after" in text:
        return table.error("bad_quote", row=row, detail=text)
    return TabularError(text, file=table.file_name, row=row, code="csv_error")


def _clean_headers(table: Table, cells: list[str]) -> list[str]:
    """Strip names, drop empty trailing ones, and name empty ones by position."""
    names = [cell.strip() for cell in cells]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise table.error("missing_header", row=1)
    if max(map(len, names)) > table.limits.max_cell_chars:
        raise _cell_too_long(table, 1, names)
    if len(names) > table.limits.max_columns:
        raise table.error(
            "too_many_columns", row=1, count=len(names), limit=table.limits.max_columns
        )
    return [name or f"column {position}" for position, name in enumerate(names, start=1)]


def _csv_rows(
    table: Table, opener: _Opener, encoding: str, bom: int, strip: bool, skip: int
) -> Iterator[Row]:
    with opener.open() as stream:
        decoder = _TextDecoder(encoding)
        reader = _csv_reader(table, stream, decoder, bom)
        try:
            for _ in range(skip + 1):  # a "sep=" line, then the header
                next(reader, None)
        except (_Problem, csv.Error) as exc:
            raise _located(table, exc, 1, decoder) from None
        yield from _shape_rows(table, reader, strip, decoder)
        if table.encoding != "utf-8-sig":
            table.encoding = decoder.encoding


class _AlwaysMarkup:
    """Stands in for the CSV decoder's markup flag where every row must be checked."""

    markup = True


def _shape_rows(
    table: Table,
    records: Iterator[list[str]],
    strip: bool,
    decoder: _TextDecoder | _AlwaysMarkup,
) -> Iterator[Row]:
    """Fit each record to the header width, skip empty rows, strip HTML where present.

    One loop for speed: this runs once per row of every import. ``decoder.markup`` tells
    whether any ``<`` or ``&`` has been decoded yet, so files without markup (most) skip
    the HTML check entirely. The limits on rows and on a cell's length are checked here
    too, so CSV and XLSX refuse alike; a CSV record's cells are measured only when it may
    hold a long one (it spans several lines, or a line longer than the limit was read).
    """
    width = len(table.headers)
    number = 1
    new_row = tuple.__new__
    max_chars = table.limits.max_cell_chars
    last_row = (table.limits.max_rows + 1) if table.limits.max_rows is not None else None
    csv_lines = getattr(records, "line_num", None)  # a csv.reader counts physical lines
    spanned = 2  # lines the record took; 2 or more: measure its cells
    try:
        for cells in records:
            number += 1
            if csv_lines is not None:
                spanned = records.line_num - csv_lines  # type: ignore[attr-defined]
                csv_lines = records.line_num  # type: ignore[attr-defined]
                if decoder.longest > max_chars:  # type: ignore[union-attr]
                    spanned = 2
            if len(cells) != width:
                if not any(cells):
                    continue
                cells = _fit(table, number, cells, width)
            elif not any(cells):
                continue
            if last_row is not None and number > last_row:
                raise table.error("too_many_rows", row=number, limit=table.limits.max_rows)
            if spanned > 1 and max(map(len, cells)) > max_chars:
                raise _cell_too_long(table, number, cells)
            values = tuple(cells)
            if strip and decoder.markup:
                values = _strip_markup(values)
            yield new_row(Row, (number, values))
    except (_Problem, csv.Error) as exc:
        raise _located(table, exc, number + 1, decoder) from None  # type: ignore[arg-type]


def _cell_too_long(table: Table, number: int, cells: list[str]) -> TabularError:
    limit = table.limits.max_cell_chars
    position = next(index for index, cell in enumerate(cells) if len(cell) > limit)
    column = table.headers[position] if position < len(table.headers) else None
    return TabularError.from_code(
        "cell_too_long", file=table.file_name, row=number, column=column, limit=limit
    )


def _strip_markup(values: tuple[str, ...]) -> tuple[str, ...]:
    joined = "".join(values)
    if ("<" in joined or "&" in joined) and looks_like_markup(joined):
        return tuple(strip_html(v) if looks_like_markup(v) else v for v in values)
    return values


def _fit(table: Table, number: int, cells: list[str], width: int) -> list[str]:
    count = len(cells)
    if count > width:
        if any(cells[width:]):
            raise table.error("too_many_cells", row=number, count=count, expected=width)
        return cells[:width]
    if table.delimiter is not None and width > 1:
        joined = table.delimiter.join(cells)
        for other in DELIMITERS:
            if (
                other != table.delimiter
                and other in joined
                and len(next(csv.reader([joined], delimiter=other), [])) == width
            ):
                raise table.error(
                    "mixed_delimiters", row=number, found=other, expected=table.delimiter
                )
    return cells + [""] * (width - count)


# --- XLSX -------------------------------------------------------------------------------


def _open_xlsx(
    opener: _Opener, name: str, sheet: str | None, strip: bool, limits: ReadLimits
) -> Table:
    import python_calamine  # imported here: CSV-only callers never pay for it

    from kretslopp.tabular.archive import check_xlsx

    with opener.seekable() as stream:
        check_xlsx(stream, name, limits)  # before calamine: it trusts the file completely
        try:
            if opener.path is not None:
                workbook = python_calamine.CalamineWorkbook.from_path(str(opener.path))
            else:
                stream.seek(0)
                workbook = python_calamine.CalamineWorkbook.from_filelike(stream)
            sheet_name = sheet if sheet is not None else _first_sheet(workbook, name)
            if sheet_name not in workbook.sheet_names:
                raise TabularError.from_code(
                    "no_such_sheet",
                    file=name,
                    sheet=sheet_name,
                    sheets=", ".join(workbook.sheet_names),
                )
            worksheet = workbook.get_sheet_by_name(sheet_name)
            first = next(iter(worksheet.iter_rows()), None)
        except TabularError:
            raise
        except Exception as exc:  # calamine raises several unrelated types for bad files
            raise TabularError.from_code("corrupt_xlsx", file=name, detail=str(exc)) from None
    if first is None or worksheet.start is None:
        raise TabularError.from_code("empty_sheet", file=name, sheet=sheet_name)

    def rows(table: Table) -> Iterator[Row]:
        iterator = iter(worksheet.iter_rows())
        next(iterator, None)
        records = ([v if type(v) is str else _cell_text(v) for v in cells] for cells in iterator)
        yield from _shape_rows(table, records, strip, _AlwaysMarkup())

    table = Table(
        file_name=name,
        format="xlsx",
        headers=[],
        row_source=rows,
        sheet_name=sheet_name,
        limits=limits,
    )
    table.headers = _clean_headers(table, [_cell_text(cell) for cell in first])
    return table


def _first_sheet(workbook: object, name: str) -> str:
    names: list[str] = workbook.sheet_names  # type: ignore[attr-defined]
    if not names:
        raise TabularError.from_code("corrupt_xlsx", file=name, detail="no sheets")
    return names[0]


def _cell_text(value: object) -> str:
    """Render a calamine cell value as the text a user sees, ISO for dates."""
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return "" if value is None else str(value)
