"""A corpus of hostile files, built in memory in milliseconds (no large binary is committed).

Every XLSX here is a real ZIP archive that python-calamine would open. The bombs are built
the way attackers build them: a megabyte of blank space deflated once after a full flush
always gives the same ~1 KB, so repeating those bytes makes an archive of a few megabytes
that unpacks to gigabytes without anyone having to compress gigabytes. The archive is
written by hand (:func:`zip_archive`) so a test can also make its header lie about sizes.

Used by tabular's own tests and by the upload tests of the web pages, the API and the
command line (the same files must be refused everywhere).
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Member:
    """One archive member: its compressed bytes and what its headers declare."""

    name: str
    data: bytes
    size: int  # declared uncompressed size
    crc: int
    method: int = 8  # deflate


def deflated(name: str, content: bytes) -> Member:
    """An honest member."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    return Member(name, data, len(content), zlib.crc32(content))


def padded(name: str, before: bytes, filler: bytes, mib: int, after: bytes) -> Member:
    """``before`` + ``mib`` MiB of ``filler`` + ``after``, deflated in a few milliseconds.

    Each part is deflated on its own and ends on a full flush, so the parts can be laid
    end to end as one stream, and the megabyte of filler is deflated only once. The CRC is
    not computed (it would take seconds for gigabytes); readers that check it only do so at
    the end, after the damage.
    """
    data = _flushed(before) + _filled_mib(filler) * mib + _finished(after)
    return Member(name, data, len(before) + mib * MIB + len(after), 0)


def _flushed(content: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(content) + compressor.flush(zlib.Z_FULL_FLUSH)


def _finished(content: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(content) + compressor.flush()


@functools.cache
def _filled_mib(filler: bytes) -> bytes:
    return _flushed(filler * MIB)


def lying(member: Member, declared_size: int) -> Member:
    """The same bytes, but the headers declare a smaller uncompressed size."""
    return Member(member.name, member.data, declared_size, member.crc, member.method)


def zip_archive(members: Iterable[Member]) -> bytes:
    """A ZIP archive of ``members`` exactly as declared (no checks: that is the point)."""
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    count = 0
    for member in members:
        name = member.name.encode()
        header = struct.pack(
            "<4sHHHHHLLLHH",
            b"PK\x03\x04",
            20,
            0,
            member.method,
            0,
            0x21,
            member.crc,
            len(member.data),
            member.size,
            len(name),
            0,
        )
        local.append(header + name + member.data)
        central.append(
            struct.pack(
                "<4sHHHHHHLLLHHHHHLL",
                b"PK\x01\x02",
                20,
                20,
                0,
                member.method,
                0,
                0x21,
                member.crc,
                len(member.data),
                member.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
        offset += len(header) + len(name) + len(member.data)
        count += 1
    directory = b"".join(central)
    end = struct.pack(
        "<4sHHHHLLH", b"PK\x05\x06", 0, 0, count & 0xFFFF, count & 0xFFFF, len(directory), offset, 0
    )
    return b"".join(local) + directory + end


# --- a minimal workbook -------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
).encode()
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_DOC}">'
    '<sheets><sheet name="Tillgångar" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
).encode()
SHEET_START = (
    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
).encode()
SHEET_END = b"</sheetData></worksheet>"
HEADER_ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>Asset tag</t></is></c></row>'
STRINGS_START = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'.encode()
NO_STRINGS = STRINGS_START + b"</sst>"


def workbook(sheet: Member, strings: Member | None = None, extra: Iterable[Member] = ()) -> bytes:
    """A workbook around one sheet part (and optionally a shared strings part)."""
    return zip_archive(
        [
            deflated("[Content_Types].xml", _TYPES),
            deflated("_rels/.rels", _ROOT_RELS),
            deflated("xl/workbook.xml", _WORKBOOK),
            deflated("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            sheet,
            strings or deflated("xl/sharedStrings.xml", NO_STRINGS),
            *extra,
        ]
    )


def sheet_of(rows: bytes) -> Member:
    """An honest sheet part with these ``<row>`` elements."""
    return deflated("xl/worksheets/sheet1.xml", SHEET_START + rows + SHEET_END)


def inline(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def number(ref: str, value: int) -> bytes:
    return f'<c r="{ref}"><v>{value}</v></c>'.encode()


# --- the corpus ---------------------------------------------------------------------------


def small_good_workbook() -> bytes:
    """Three assets: the control, read as usual."""
    rows = HEADER_ROW + b"".join(
        f'<row r="{n}">'.encode() + inline(f"A{n}", f"MS-{n:07d}") + b"</row>" for n in (2, 3, 4)
    )
    return workbook(sheet_of(rows))


def blank_space_bomb(blank_mib: int = 4000) -> bytes:
    """Gigabytes of blank space inside ``<sheetData>``: a ~4 MB file, 4 GB unpacked."""
    sheet = padded("xl/worksheets/sheet1.xml", SHEET_START + HEADER_ROW, b" ", blank_mib, SHEET_END)
    return workbook(sheet)


def lying_header_bomb(blank_mib: int = 2000) -> bytes:
    """The blank-space bomb, its headers declaring a harmless 100 KB."""
    sheet = padded("xl/worksheets/sheet1.xml", SHEET_START + HEADER_ROW, b" ", blank_mib, SHEET_END)
    return workbook(lying(sheet, 100 * 1024))


def huge_inline_cell(mib: int = 2000) -> bytes:
    """One inline-string cell of gigabytes."""
    before = SHEET_START + HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    after = b"</t></is></c></row>" + SHEET_END
    return workbook(padded("xl/worksheets/sheet1.xml", before, b"A", mib, after))


def huge_shared_string(mib: int = 2000) -> bytes:
    """One shared string of gigabytes, used by one cell."""
    rows = HEADER_ROW + b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    strings = padded(
        "xl/sharedStrings.xml", STRINGS_START + b"<si><t>", b"B", mib, b"</t></si></sst>"
    )
    return workbook(sheet_of(rows), strings)


def far_apart_cells(last: str = "ZZ500000") -> bytes:
    """Two cells, at A1 and far away: calamine asks for one dense block (11 GB here)."""
    row = int("".join(ch for ch in last if ch.isdigit()))
    rows = HEADER_ROW + f'<row r="{row}">'.encode() + number(last, 1) + b"</row>"
    return workbook(sheet_of(rows))


def many_rows(count: int) -> bytes:
    """``count`` data rows of one number each, honestly written out."""
    rows = HEADER_ROW + b"".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'.encode() for n in range(2, count + 2)
    )
    return workbook(sheet_of(rows))


def many_columns(count: int) -> bytes:
    """One header row of ``count`` columns."""
    cells = b"".join(inline(f"{_column(n)}1", f"k{n}") for n in range(1, count + 1))
    return workbook(sheet_of(b'<row r="1">' + cells + b"</row>"))


def many_members(count: int = 70_000) -> bytes:
    """A workbook followed by tens of thousands of empty members."""
    extra = (Member(f"xl/media/x{n}.bin", b"\x03\x00", 0, 0) for n in range(count))
    return workbook(sheet_of(HEADER_ROW), extra=extra)


def nested_bomb() -> bytes:
    """A good workbook that carries a zip bomb as an embedded file, which nothing unpacks."""
    inner = zip_archive([padded("bomb.txt", b"", b" ", 4000, b"")])
    rows = HEADER_ROW + b'<row r="2">' + inline("A2", "MS-0000002") + b"</row>"
    embedded = Member("xl/embeddings/bomb.zip", inner, len(inner), zlib.crc32(inner), 0)
    return workbook(sheet_of(rows), extra=[embedded])


def entity_expansion() -> bytes:
    """A "billion laughs" document type in the shared strings."""
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "hahahahaha">'
        + b"".join(
            f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">'.encode() for n in range(9)
        )
        + b"]>"
    )
    strings = deflated(
        "xl/sharedStrings.xml",
        laughs + STRINGS_START.split(b"?>", 1)[1] + b"<si><t>&j;</t></si></sst>",
    )
    rows = HEADER_ROW + b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return workbook(sheet_of(rows), strings)


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- CSV ----------------------------------------------------------------------------------


def huge_csv_cell(chars: int = 100_000, encoding: str = "utf-8") -> bytes:
    """A CSV whose second row holds one cell of ``chars`` characters (no quotes)."""
    text = "Asset tag;Notes\r\nMS-1;" + "ö" * chars + "\r\nMS-2;ok\r\n"
    return _encoded(text, encoding)


def endless_csv_line(mib: int = 50, encoding: str = "utf-8") -> bytes:
    """A header, then a line of ``mib`` MiB with no line break."""
    return _encoded("Asset tag;Notes\r\n" + "x" * (mib * MIB), encoding)


def many_csv_rows(count: int) -> bytes:
    return ("Asset tag\r\n" + "".join(f"MS-{n}\r\n" for n in range(count))).encode()


def many_csv_columns(count: int) -> bytes:
    header = ";".join(f"k{n}" for n in range(count))
    return (header + "\r\n" + ";".join("1" for _ in range(count)) + "\r\n").encode()


def _encoded(text: str, encoding: str) -> bytes:
    if encoding == "utf-16":
        return text.encode("utf-16")  # with a BOM, as Excel's "Unicode text" writes it
    return text.encode(encoding)
