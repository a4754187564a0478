"""How much of a file :func:`~kretslopp.tabular.open_table` agrees to read.

Files come from people and systems we do not control: a department coordinator's upload, a
take-back partner's report, another system posting to the API. A hostile or broken file must
end in a clear refusal, never in a process that allocates gigabytes and dies. These limits
bound what reading can cost; each one is checked before the work it protects:

* ``max_file_bytes`` — the file itself (``None``: any size; streaming CSV costs no more
  memory for a longer file, so only callers that store uploads need it).
* ``max_uncompressed_bytes`` and ``max_compression_ratio`` — an XLSX is a ZIP archive; a
  few megabytes can unpack to gigabytes (a "zip bomb"). Checked on the archive's declared
  sizes before anything is unpacked, and again on the real bytes while unpacking, so a
  header that under-declares its size cannot get past.
* ``max_archive_members`` — an archive of a million tiny entries costs memory for its
  directory alone.
* ``max_cells`` — python-calamine keeps a sheet as one dense block from its first to its
  last cell, about 100 bytes a cell: two cells at A1 and ZZ500000 ask for 11 GB. The used
  area (rows × columns) is measured from the cell references before calamine sees them.
* ``max_rows`` and ``max_columns`` — what the importers behind the reader can hold
  (``None`` rows: as many as the file has, for readers that only add up, like print logs).
* ``max_cell_chars`` — Excel's own limit for a cell is 32,767 characters; a longer one is a
  broken quote or an attack, and one huge cell is one huge allocation.

The defaults admit a 100,000-row × 25-column asset file several times over; the Django
settings ``KRETSLOPP_IMPORT_MAX_*`` override them for the application.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024

#: Excel cannot hold more characters in one cell.
EXCEL_MAX_CELL_CHARS = 32_767


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """The limits one reading of a file must stay within (``None``: no limit)."""

    max_file_bytes: int | None = None
    max_rows: int | None = None
    max_columns: int = 1_000
    max_cells: int = 6_000_000
    max_cell_chars: int = EXCEL_MAX_CELL_CHARS
    max_uncompressed_bytes: int = 256 * MIB
    max_compression_ratio: int = 100
    max_archive_members: int = 10_000


#: What :func:`~kretslopp.tabular.open_table` uses unless told otherwise.
DEFAULT_LIMITS = ReadLimits()

#: Error codes that mean a file is beyond what is read at all: an importer refuses the whole
#: file, wherever the reader noticed (a cell too long in row 90,000 is still a hostile file,
#: not a row to correct).
REFUSALS = frozenset(
    {
        "file_too_large",
        "too_many_rows",
        "too_many_columns",
        "sheet_too_large",
        "cell_too_long",
        "line_too_long",
        "field_too_long",
        "xlsx_too_many_members",
        "xlsx_too_large",
        "xlsx_compression",
        "xlsx_size_mismatch",
        "xlsx_padding",
        "xlsx_dtd",
    }
)


def megabytes(size_bytes: int) -> int:
    """A size in whole MB (MiB), rounded up, for messages: 1 byte over 100 MB is 101 MB."""
    return -(-size_bytes // MIB)
