"""Checking an XLSX archive before python-calamine reads it, in bounded memory.

python-calamine is fast, but it trusts the file: it inflates every XML part it needs in full,
buffers any stretch of text between two tags at once, and keeps a sheet as one dense block
from its first to its last cell. So a 2 MB upload can make it allocate gigabytes and abort
the whole process (whitespace inside ``<sheetData>``, one huge inline-string cell, a shared
string of a gigabyte, or just two cells at A1 and ZZ500000). :func:`check_xlsx` finds all of
these first, reading the archive a few megabytes at a time:

1. **The directory**: the number of members, read from the archive's end record before
   Python builds its list of members (a million members would cost memory by itself).
2. **Declared sizes**: the sum of uncompressed sizes and each member's compression ratio.
3. **Real sizes**: every member is inflated with :mod:`zlib` in 4 MiB steps and its real
   bytes counted, so a header that declares less than the member holds is caught at the
   first byte too many.
4. **The XML** of every member that is XML: no document type declarations (entity
   expansion), no stretch of more than :data:`RUN_LIMIT_BYTES` without a tag (what the XML
   parser would buffer at once), and the used area of each sheet — rows, columns and
   cells — from the cell references themselves.

Nothing here builds an XML tree: the checks are byte searches, with numpy for the cell
references of large sheets. Every refusal is a :class:`~kretslopp.tabular.TabularError`.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from kretslopp.tabular.errors import TabularError
from kretslopp.tabular.limits import MIB, ReadLimits, megabytes

#: Output of one inflating step, and so the most of a member held at once.
CHUNK_BYTES = 4 * MIB
#: The longest stretch without a ``<`` that a part may hold (see the module docstring).
RUN_LIMIT_BYTES = MIB
#: Compression ratios are only judged on members at least this large: a small member that
#: compresses well costs nothing.
RATIO_FLOOR_BYTES = MIB
_READ_BYTES = 512 * 1024
_END_RECORD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_LOCAL_HEADER = b"PK\x03\x04"
_CENTRAL_ENTRY_BYTES = 46  # the smallest central directory entry (no name, no extra)
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_REF_ATTRIBUTE = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
_REF = re.compile(rb"\$?([A-Za-z]{1,4})\$?([0-9]{1,9})")
_TEXT = re.compile(rb"<[^>]*>")
_LAST_REF = re.compile(rb'<(?:[\w.\-]+:)?c\s[^>]*?r="([A-Z]{1,4}[0-9]{1,9})"')

# Byte values the vectorised scan compares against.
_LT, _GT, _COLON, _QUOTE, _SLASH, _EQUALS = (ord(c) for c in '<>:"/=')
_LOWER_C, _LOWER_R, _LOWER_O, _LOWER_W = (ord(c) for c in "crow")
_ROW_NUMBER = re.compile(rb"([0-9]{1,9})\"")
_IS_DELIMITER = np.zeros(256, dtype=bool)
_IS_DELIMITER[[ord(c) for c in " \t\r\n/>"]] = True
_REF_START = np.frombuffer(b' r="', dtype=np.uint8)
_WINDOW_BYTES = 16  # ' r="', up to three letters, up to seven digits and '"' fit
_DIGIT_COLUMNS = np.arange(7)
_DIGIT_WEIGHTS = 10 ** np.arange(6, -1, -1, dtype=np.int64)
_PADDING = b"\0" * 32  # so that every window near a block's end stays inside it


def _refuse(code: str, name: str, **params: object) -> TabularError:
    return TabularError.from_code(code, file=name, **params)


def check_xlsx(stream: BinaryIO, name: str, limits: ReadLimits) -> None:
    """Refuse an XLSX archive that would cost more to read than ``limits`` allow.

    ``stream`` is seekable and holds the whole archive; ``name`` is the file name used in
    messages. Raises :class:`TabularError` (codes ``xlsx_*``, ``too_many_*``, ``sheet_too_large``,
    ``cell_too_long``, ``corrupt_xlsx``, ``not_xlsx``, ``unsupported_workbook``).
    """
    size = stream.seek(0, 2)
    _check_directory(stream, size, name, limits)
    try:
        archive = zipfile.ZipFile(stream)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise _refuse("corrupt_xlsx", name, detail=str(exc)) from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        if "content.xml" in names:
            raise _refuse("unsupported_workbook", name, kind="an OpenDocument spreadsheet (.ods)")
        raise _refuse("not_xlsx", name)
    _check_declared_sizes(members, name, limits)
    for member in members:
        if not member.is_dir():
            _check_member(stream, member, name, limits)


def _check_directory(stream: BinaryIO, size: int, name: str, limits: ReadLimits) -> None:
    """Count the members from the end record, before zipfile reads every entry."""
    tail_bytes = min(size, 22 + 65_535)
    stream.seek(size - tail_bytes)
    tail = stream.read(tail_bytes)
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) < at + 22:
        raise _refuse("corrupt_xlsx", name, detail="the archive's end record is missing")
    entries, directory_bytes = struct.unpack("<HL", tail[at + 10 : at + 16])
    locator = tail[at - 20 : at] if at >= 20 else b""
    if locator.startswith(_ZIP64_LOCATOR):
        (record_at,) = struct.unpack("<Q", locator[8:16])
        stream.seek(record_at)
        record = stream.read(56)
        if len(record) == 56 and record.startswith(b"PK\x06\x06"):
            entries, directory_bytes = struct.unpack("<QQ", record[32:48])
    # Entries take at least 46 bytes each: the directory's size bounds how many zipfile
    # would read, whatever the entry count claims.
    count = max(entries, directory_bytes // (_CENTRAL_ENTRY_BYTES + 200))
    if count > limits.max_archive_members:
        raise _refuse("xlsx_too_many_members", name, count=count, limit=limits.max_archive_members)


def _check_declared_sizes(members: list[zipfile.ZipInfo], name: str, limits: ReadLimits) -> None:
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed_bytes:
        raise _refuse(
            "xlsx_too_large",
            name,
            size_mb=megabytes(total),
            limit_mb=megabytes(limits.max_uncompressed_bytes),
        )
    for member in members:
        _check_ratio(member.filename, member.file_size, member.compress_size, name, limits)
    compressed = sum(member.compress_size for member in members)
    _check_ratio("", total, compressed, name, limits)


def _check_ratio(member: str, size: int, compressed: int, name: str, limits: ReadLimits) -> None:
    if size < RATIO_FLOOR_BYTES:
        return
    ratio = size // max(compressed, 1)
    if ratio > limits.max_compression_ratio:
        raise _refuse(
            "xlsx_compression",
            name,
            member=member or "(all)",
            ratio=ratio,
            limit=limits.max_compression_ratio,
        )


# --- inflating ---------------------------------------------------------------------------


def _inflate(stream: BinaryIO, member: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """The member's real bytes, at most :data:`CHUNK_BYTES` at a time, checked as they come.

    Refuses a member that holds more than its header declares (the "lying header" bomb) at
    the first byte too many, and one that holds less (cut off). The CRC is left to calamine:
    a damaged member costs no memory.
    """
    if member.flag_bits & 0x1:
        raise _refuse("unsupported_workbook", name, kind="a password-protected workbook")
    stream.seek(member.header_offset)
    header = stream.read(30)
    if len(header) < 30 or not header.startswith(_LOCAL_HEADER):
        raise _refuse("corrupt_xlsx", name, detail=f"{member.filename}: bad local header")
    name_bytes, extra_bytes = struct.unpack("<HH", header[26:30])
    stream.seek(member.header_offset + 30 + name_bytes + extra_bytes)
    if member.compress_type == zipfile.ZIP_STORED:
        chunks = _stored(stream, member.compress_size)
    elif member.compress_type == zipfile.ZIP_DEFLATED:
        chunks = _deflated(stream, member, name)
    else:
        raise _refuse(
            "corrupt_xlsx",
            name,
            detail=f"{member.filename}: compression method {member.compress_type}",
        )
    produced = 0
    for chunk in chunks:
        produced += len(chunk)
        if produced > member.file_size:
            raise _refuse("xlsx_size_mismatch", name, member=member.filename)
        yield chunk
    if produced != member.file_size:
        raise _refuse("corrupt_xlsx", name, detail=f"{member.filename}: cut off")


def _stored(stream: BinaryIO, size: int) -> Iterator[bytes]:
    remaining = size
    while remaining > 0:
        chunk = stream.read(min(CHUNK_BYTES, remaining))
        if not chunk:
            return
        remaining -= len(chunk)
        yield chunk


def _deflated(stream: BinaryIO, member: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-15)
    remaining = member.compress_size
    pending = b""
    while not inflater.eof:
        if not pending:
            if remaining <= 0:
                raise _refuse("corrupt_xlsx", name, detail=f"{member.filename}: cut off")
            pending = stream.read(min(_READ_BYTES, remaining))
            if not pending:
                raise _refuse("corrupt_xlsx", name, detail=f"{member.filename}: cut off")
            remaining -= len(pending)
        try:
            chunk = inflater.decompress(pending, CHUNK_BYTES)
        except zlib.error as exc:
            raise _refuse("corrupt_xlsx", name, detail=f"{member.filename}: {exc}") from None
        pending = inflater.unconsumed_tail
        if chunk:
            yield chunk


# --- scanning ----------------------------------------------------------------------------


def _check_member(stream: BinaryIO, member: zipfile.ZipInfo, name: str, limits: ReadLimits) -> None:
    scanner: _Scanner | None = None
    first = True
    for chunk in _inflate(stream, member, name):
        if first:
            first = False
            if _looks_like_xml(chunk):
                scanner = _Scanner(member.filename, name, limits)
        if scanner is not None:
            scanner.feed(chunk)
    if scanner is not None:
        scanner.finish()


def _looks_like_xml(head: bytes) -> bool:
    """XML parts start with ``<`` (after a BOM or blank space); images and the like do not."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


@dataclass(slots=True)
class _Area:
    """The used area of a sheet, 1-based, from the cells that hold something."""

    first_row: int = 0
    last_row: int = 0
    first_column: int = 0
    last_column: int = 0

    def add(self, rows: tuple[int, int], columns: tuple[int, int]) -> None:
        if not self.last_row:
            self.first_row, self.last_row = rows
            self.first_column, self.last_column = columns
            return
        self.first_row = min(self.first_row, rows[0])
        self.last_row = max(self.last_row, rows[1])
        self.first_column = min(self.first_column, columns[0])
        self.last_column = max(self.last_column, columns[1])

    @property
    def rows(self) -> int:
        return self.last_row - self.first_row + 1 if self.last_row else 0

    @property
    def columns(self) -> int:
        return self.last_column - self.first_column + 1 if self.last_column else 0


class _Scanner:
    """Checks one XML part a chunk at a time; only the text after its last ``<`` is kept."""

    def __init__(self, member: str, name: str, limits: ReadLimits) -> None:
        self.member = member
        self.name = name
        self.limits = limits
        self.carry = b""
        self.area = _Area()
        self.row = 0  # the position the XML parser is at, for cells without a reference
        self.column = 0
        self.last_ref = b""

    def feed(self, chunk: bytes) -> None:
        block = self.carry + chunk if self.carry else chunk
        cut = block.rfind(b"<")
        if 0 < cut > len(block) - 3:  # the next tag's name must be there to look ahead
            cut = block.rfind(b"<", 0, cut)
        if cut <= 0:
            self.carry = block
        else:
            self._scan(block[:cut], block[cut : cut + 3])
            self.carry = block[cut:]
        if len(self.carry) > RUN_LIMIT_BYTES:
            self._refuse_run(self.carry)

    def finish(self) -> None:
        if self.carry:
            self._scan(self.carry, b"")
            self.carry = b""

    def _scan(self, block: bytes, lookahead: bytes) -> None:
        """Check a block of whole tags; ``lookahead`` is the start of the tag after it."""
        array = np.frombuffer(block + lookahead + _PADDING, dtype=np.uint8)
        starts = np.flatnonzero(array[: len(block) + 1] == _LT)
        if starts.size == 0:
            return
        own = starts.size - (1 if lookahead else 0)  # the lookahead's tag is not ours
        if starts[0] > RUN_LIMIT_BYTES or (
            starts.size > 1 and int(np.diff(starts).max()) > RUN_LIMIT_BYTES
        ):
            gaps = np.diff(np.concatenate(([0], starts)))
            at = int(starts[int(np.argmax(gaps)) - 1]) if int(np.argmax(gaps)) else 0
            self._refuse_run(block[at : at + int(gaps.max())])
        after = array[starts + 1]
        if (after == ord("!")).any() and _DTD.search(block):
            raise _refuse("xlsx_dtd", self.name, member=self.member)
        fast = _cells_fast(array, starts, after, own)
        if fast is None:
            area = self._cells_slow(block)
        else:
            area, end = fast
            if end is not None:
                self.row, self.column = end  # where the block ended, for cells without refs
        if area.last_row:
            self.area.add((area.first_row, area.last_row), (area.first_column, area.last_column))
            self._check_area(block)

    def _cells_slow(self, block: bytes) -> _Area:
        """Every ``row`` and ``c`` tag in order, as the XML parser places them.

        For parts the vectorised scan cannot read: cells without a reference (they take the
        next column), references after other attributes, or prefixed tags (``<x:c>``).
        """
        area = _Area()
        for match in _TAG.finditer(block):
            kind, attributes = match.groups()
            ref = _REF_ATTRIBUTE.search(attributes)
            if kind == b"row":
                self.row = int(ref.group(1)) if ref and ref.group(1).isdigit() else self.row + 1
                self.column = 0
                continue
            if ref:
                self.row, self.column = self._parse_ref(ref.group(1))
            else:
                self.column += 1
            if not attributes.rstrip().endswith(b"/"):
                area.add((self.row, self.row), (self.column, self.column))
        return area

    def _parse_ref(self, ref: bytes) -> tuple[int, int]:
        match = _REF.fullmatch(ref)
        if match is None:
            raise _refuse(
                "corrupt_xlsx", self.name, detail=f"{self.member}: cell reference {ref!r}"
            )
        column = 0
        for letter in match.group(1).upper():
            column = column * 26 + letter - 64
        return int(match.group(2)), column

    def _check_area(self, block: bytes) -> None:
        area, limits = self.area, self.limits
        if limits.max_rows is not None and area.rows - 1 > limits.max_rows:
            raise _refuse("too_many_rows", self.name, limit=limits.max_rows)
        if area.columns > limits.max_columns:
            raise _refuse(
                "too_many_columns", self.name, count=area.columns, limit=limits.max_columns
            )
        if area.rows * area.columns > limits.max_cells:
            raise _refuse(
                "sheet_too_large",
                self.name,
                rows=area.rows,
                columns=area.columns,
                cells=area.rows * area.columns,
                limit=limits.max_cells,
            )
        refs = _LAST_REF.findall(block[-4096:])
        if refs:
            self.last_ref = refs[-1]

    def _refuse_run(self, run: bytes) -> None:
        """A stretch too long for the XML parser to buffer: blank space or a huge text."""
        text = _TEXT.sub(b"", run)
        if not text.strip():
            raise _refuse(
                "xlsx_padding",
                self.name,
                member=self.member,
                limit_mb=megabytes(RUN_LIMIT_BYTES),
            )
        error = _refuse("cell_too_long", self.name, limit=self.limits.max_cell_chars)
        if self.last_ref:
            row, column = self._parse_ref(self.last_ref)
            error = error.located(row=row, column=_column_name(column))
        raise error


def _column_name(column: int) -> str:
    """1 → A, 27 → AA: how a spreadsheet names a column."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cells_fast(
    array: np.ndarray, starts: np.ndarray, after: np.ndarray, own: int
) -> tuple[_Area, tuple[int, int] | None] | None:
    """The used area of the cells in a block and where its last cell is, vectorised;
    ``None`` if the block needs :meth:`_Scanner._cells_slow`.

    Reads cells written as ``<c r="AB12"…`` (how Excel, LibreOffice and every library we
    know write them). A cell counts when it holds something: its next tag is not the next
    cell or the end of the row (``<c r="A1" s="1"/>`` is an empty, styled cell). Only the
    first ``own`` tags belong to the block; the one after them is the next block's first.
    """
    is_cell = (after == _LOWER_C) & _IS_DELIMITER[array[starts + 2]]
    colons = np.flatnonzero(array == _COLON)
    if colons.size and ((array[colons + 1] == _LOWER_C) & _IS_DELIMITER[array[colons + 2]]).any():
        return None  # prefixed cells (<x:c …>)
    windows = np.lib.stride_tricks.sliding_window_view(array, _WINDOW_BYTES)
    row_tags = _row_tags(array, starts[:own], after[:own])
    if row_tags.size and not (windows[row_tags + 4][:, :4] == _REF_START).all():
        return None  # a row without a reference: the next row number is counted on
    positions = np.flatnonzero(is_cell[:own])
    if positions.size == 0:
        if row_tags.size:
            return _Area(), (_row_number(array, int(row_tags[-1])), 0)
        return _Area(), None
    cells = starts[positions]
    head = windows[cells + 2]  # ' r="', then the reference's letters
    if not (head[:, :4] == _REF_START).all():
        return None
    letter = (head[:, 4:8] - 65) < 26  # uint8 arithmetic wraps: one comparison
    if not letter[:, 0].all() or letter[:, 3].any():
        return None  # no letters, or more than three
    two = letter[:, 1]
    three = two & letter[:, 2]
    codes = head[:, 4:7].astype(np.int64) - 64
    column = codes[:, 0]
    column = np.where(two, column * 26 + codes[:, 1], column)
    column = np.where(three, column * 26 + codes[:, 2], column)
    # The row's digits start after the letters: one window per cell, starting there.
    tail = windows[cells + 7 + two + three]
    digits = np.argmin((tail[:, :8] - 48) < 10, axis=1)  # the first byte that is no digit
    closing = tail[np.arange(digits.size), digits]
    if (digits == 0).any() or (closing != _QUOTE).any():
        return None
    # The seven bytes before the closing quote, digits right-aligned: one dot product.
    aligned = windows[cells + two + three + digits][:, :7]
    digit_values = np.where(7 - digits[:, None] <= _DIGIT_COLUMNS, aligned - 48, 0)
    row = digit_values.astype(np.int64) @ _DIGIT_WEIGHTS
    # A cell holds something unless the next tag starts another cell or ends the row.
    following_at = np.minimum(positions + 1, starts.size - 1)
    last = positions + 1 >= starts.size
    next_tag = starts[following_at]
    next_is_cell = is_cell[following_at] & ~last
    ends_row = (array[next_tag + 1] == _SLASH) & (array[next_tag + 2] == _LOWER_R) & ~last
    holds = ~(next_is_cell | ends_row)
    area = _Area()
    if holds.any():
        rows, columns = row[holds], column[holds]
        area.add((int(rows.min()), int(rows.max())), (int(columns.min()), int(columns.max())))
    if row_tags.size and row_tags[-1] > cells[-1]:  # the block ends in a row with no cell yet
        return area, (_row_number(array, int(row_tags[-1])), 0)
    return area, (int(row[-1]), int(column[-1]))


def _row_tags(array: np.ndarray, starts: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Where the ``<row`` tags start."""
    is_row = (
        (after == _LOWER_R)
        & (array[starts + 2] == _LOWER_O)
        & (array[starts + 3] == _LOWER_W)
        & _IS_DELIMITER[array[starts + 4]]
    )
    return starts[is_row]


def _row_number(array: np.ndarray, tag: int) -> int:
    """The number in ``<row r="123"`` at ``tag`` (its reference is known to be there)."""
    match = _ROW_NUMBER.match(array[tag + 8 : tag + 24].tobytes())
    return int(match.group(1)) if match else 0
