"""Opening a log as a stream of text lines: a path, bytes, or an uploaded binary stream.

Rotated CUPS logs are often gzipped (``page_log.1.gz``); the gzip magic bytes decide, not the
name. Text is UTF-8; bytes that are not UTF-8 (an old job name in Latin-1) are replaced,
because no field we keep depends on them.

A log is uploaded by people, so reading it stays bounded whatever it holds: a line longer
than :data:`MAX_LINE_BYTES` (a real one is under a kilobyte) or a gzip file that unpacks to
more than :data:`MAX_UNPACKED_BYTES` (a "gzip bomb") stops the reading with
:class:`LogTooLarge` before it costs memory or hours.
"""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

LogSource = str | os.PathLike[str] | bytes | bytearray | BinaryIO
_GZIP = b"\x1f\x8b"
#: The longest line read; a print log's lines are well under a kilobyte.
MAX_LINE_BYTES = 1024 * 1024
#: The most a gzipped log may unpack to: a year of a city's logs is a few hundred megabytes.
MAX_UNPACKED_BYTES = 4 * 1024 * 1024 * 1024


class LogTooLarge(ValueError):
    """The log is beyond what is read: ``code`` is ``line_too_long`` or ``unpacked_too_large``,
    ``limit_bytes`` the limit it passed."""

    def __init__(self, code: str, limit_bytes: int) -> None:
        super().__init__(code, limit_bytes)
        self.code = code
        self.limit_bytes = limit_bytes

    def __str__(self) -> str:
        if self.code == "line_too_long":
            return f"a line is longer than {self.limit_bytes:,} bytes; this is not a print log"
        return f"the gzip file unpacks to more than {self.limit_bytes:,} bytes"


class _Unpacked(io.RawIOBase):
    """A gzip stream that refuses to unpack more than ``limit_bytes``."""

    def __init__(self, unzipped: gzip.GzipFile, limit_bytes: int) -> None:
        self._unzipped = unzipped
        self._limit_bytes = limit_bytes

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        data = self._unzipped.read(min(len(buffer), MAX_LINE_BYTES))
        if self._unzipped.tell() > self._limit_bytes:
            raise LogTooLarge("unpacked_too_large", self._limit_bytes)
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._unzipped.seek(offset, whence)

    def tell(self) -> int:
        return self._unzipped.tell()


def source_name(source: LogSource, file_name: str | None = None) -> str:
    """The name used in error messages."""
    if file_name:
        return file_name
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    name = getattr(source, "name", None)
    return Path(name).name if isinstance(name, str) and name else "upload"


@contextmanager
def open_binary(source: LogSource) -> Iterator[BinaryIO]:
    """A binary stream over the source's bytes, un-gzipped if need be."""
    if isinstance(source, (bytes, bytearray)):
        stream: BinaryIO = io.BytesIO(bytes(source))
        owned = True
    elif isinstance(source, (str, os.PathLike)):
        stream = open(source, "rb")  # noqa: SIM115 - closed below
        owned = True
    else:
        stream, owned = source, False
    try:
        if hasattr(stream, "peek"):
            head = stream.peek(2)[:2]
        else:  # an uploaded file: seekable, but not buffered
            position = stream.tell()
            head = stream.read(2)
            stream.seek(position)
        if head == _GZIP:
            with gzip.GzipFile(fileobj=stream) as unzipped:
                bounded = _Unpacked(unzipped, MAX_UNPACKED_BYTES)
                yield io.BufferedReader(bounded, MAX_LINE_BYTES)  # type: ignore[misc]
        else:
            yield stream
    finally:
        if owned:
            stream.close()


@contextmanager
def open_text_lines(source: LogSource) -> Iterator[Iterator[str]]:
    """The source as text lines (UTF-8 with replacement, universal newlines)."""
    with open_binary(source) as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline=None)  # type: ignore[arg-type]
        try:
            yield _bounded_lines(text)
        finally:
            text.detach()


def _bounded_lines(text: io.TextIOWrapper) -> Iterator[str]:
    """Each line, refusing one longer than :data:`MAX_LINE_BYTES` characters."""
    while line := text.readline(MAX_LINE_BYTES + 1):
        if len(line) > MAX_LINE_BYTES:
            raise LogTooLarge("line_too_long", MAX_LINE_BYTES)
        yield line


#: Bytes read at a time by :func:`iter_line_batches`: large enough that decoding and
#: splitting run in C over megabytes, small enough to keep memory flat.
BATCH_BYTES = 8 << 20


def iter_text_blocks(binary: BinaryIO, batch_bytes: int = BATCH_BYTES) -> Iterator[str]:
    """The stream's text a few megabytes at a time, each block whole lines ending in ``\\n``.

    Holds the same lines as :func:`open_text_lines` — UTF-8 with replacement, universal
    newlines (``\\r\\n`` and ``\\r`` become ``\\n``) — but decoded a block at a time, so a
    reader can match or split a whole block in C instead of handling lines one by one. Each
    block is cut after its last ``\\n`` byte; that byte never occurs inside a UTF-8
    sequence, so a block decodes exactly as it would within the whole file.
    """
    pending: list[bytes] = []  # the start of a line that continues in the next read
    while True:
        chunk = binary.read(batch_bytes)
        if not chunk:
            break
        cut = chunk.rfind(b"\n")
        if cut < 0:  # lines may end in a lone \r (not the last byte: a \n may follow it)
            cut = chunk.rfind(b"\r", 0, len(chunk) - 1)
        if cut < 0:
            pending.append(chunk)
            _check_line(pending)
            continue
        if pending:
            _check_line([*pending, chunk[: chunk.find(b"\n") + 1 or cut + 1]])
        data = b"".join([*pending, chunk[: cut + 1]]) if pending else chunk[: cut + 1]
        pending = [chunk[cut + 1 :]] if cut + 1 < len(chunk) else []
        yield _universal_newlines(data.decode("utf-8", "replace"))
    if pending:
        _check_line(pending)
        yield _universal_newlines(b"".join(pending).decode("utf-8", "replace") + "\n")


def _check_line(parts: list[bytes]) -> None:
    """Refuse a line (given in parts) longer than :data:`MAX_LINE_BYTES`."""
    if sum(map(len, parts)) > MAX_LINE_BYTES:
        raise LogTooLarge("line_too_long", MAX_LINE_BYTES)


def _universal_newlines(text: str) -> str:
    """``\\r\\n`` and a lone ``\\r`` end a line too, as in :class:`io.TextIOWrapper`."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
