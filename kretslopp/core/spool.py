"""A list that moves its items to a temporary file, in batches, once it grows large.

An import decides every row before it writes any (all or nothing), so it keeps what it
will write: about 900 bytes of Python objects per new asset, 0.9 GB for a million rows.
A :class:`Spool` holds the first ``keep`` items as an ordinary list and, beyond that,
writes full batches to an anonymous temporary file, so memory stays flat whatever the
file's size; reading it back yields the items in the order they came.

Batches are stored column by column with :mod:`marshal` (fast, for ints, text, None and
flags), dates as day numbers and prices as their text, given which positions hold them;
a batch holding anything else goes by :mod:`pickle`. Plain Python: no Django.
"""

from __future__ import annotations

import datetime as dt
import marshal
import pickle
import struct
import tempfile
from collections.abc import Collection, Iterator
from decimal import Decimal
from typing import IO, Any

#: Items kept in memory before the spool starts writing to its file.
KEEP_IN_MEMORY = 150_000
BATCH = 2_000
_LENGTH = struct.Struct("<Q")
_MARSHAL, _COLUMNS, _PICKLE = b"M", b"C", b"P"


class _DayNumbers(dict):
    """date → its day number (None stays None), each distinct date converted once."""

    def __missing__(self, value: Any) -> int | None:
        if value is None:
            return None
        if type(value) is not dt.date:
            raise TypeError(f"not a date: {value!r}")
        number = self[value] = value.toordinal()
        return number


class _Dates(dict):
    """Day number → its date (None stays None), each distinct one made once."""

    def __missing__(self, value: int | None) -> dt.date | None:
        date = self[value] = None if value is None else dt.date.fromordinal(value)
        return date


class Spool:
    """``append`` items (tuples, or single values), then iterate over them, in order.

    ``dates`` and ``decimals`` name the positions in each tuple that hold dates and
    ``Decimal`` prices (or None), so that batches of them take the fast way to disk.
    """

    def __init__(
        self,
        *,
        dates: Collection[int] = (),
        decimals: Collection[int] = (),
        keep: int | None = None,
        batch: int | None = None,
    ) -> None:
        """``keep`` and ``batch`` default to :data:`KEEP_IN_MEMORY` and :data:`BATCH`."""
        self.dates = tuple(dates)
        self.decimals = tuple(decimals)
        self.keep = KEEP_IN_MEMORY if keep is None else keep
        self.batch = BATCH if batch is None else batch
        self.items: list[Any] = []
        self.spooled = 0
        self.file: IO[bytes] | None = None
        self._day_numbers = _DayNumbers()
        self._from_day_numbers = _Dates()

    def append(self, item: Any) -> None:
        items = self.items
        items.append(item)
        if len(items) >= self.batch and self.spooled + len(items) > self.keep:
            self._spill()

    def __len__(self) -> int:
        return self.spooled + len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items) or self.spooled > 0

    def __iter__(self) -> Iterator[Any]:
        if self.file is not None:
            self.file.seek(0)
            read = self.file.read
            for _batch in range(0, self.spooled, self.batch):
                (size,) = _LENGTH.unpack(read(_LENGTH.size))
                yield from self._decode(read(size))
        yield from self.items

    def close(self) -> None:
        """Remove the temporary file now (it also goes when the spool is collected)."""
        if self.file is not None:
            self.file.close()
            self.file = None
        self.items = []
        self.spooled = 0

    def _spill(self) -> None:
        """Write every full batch held in memory to the file; keep the rest."""
        if self.file is None:
            self.file = tempfile.TemporaryFile(prefix="kretslopp-spool-")  # noqa: SIM115 - lives as long as the spool
        items, size = self.items, self.batch
        full = len(items) - len(items) % size
        for start in range(0, full, size):
            blob = self._encode(items[start : start + size])
            self.file.write(_LENGTH.pack(len(blob)))
            self.file.write(blob)
        self.spooled += full
        del items[:full]

    def _encode(self, batch: list[Any]) -> bytes:
        try:
            if not isinstance(batch[0], tuple):
                return _MARSHAL + marshal.dumps(batch)
            columns: list[Any] = list(zip(*batch, strict=True))
            for position in self.dates:
                columns[position] = list(map(self._day_numbers.__getitem__, columns[position]))
            for position in self.decimals:
                columns[position] = [_decimal_text(value) for value in columns[position]]
            return _COLUMNS + marshal.dumps(columns)
        except (TypeError, ValueError):  # a value marshal cannot take: the slow way
            return _PICKLE + pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            if len(self._day_numbers) > 100_000:
                self._day_numbers.clear()

    def _decode(self, blob: bytes) -> list[Any]:
        kind, data = blob[:1], memoryview(blob)[1:]
        if kind == _PICKLE:
            return pickle.loads(data)  # noqa: S301 - our own file, written just before
        if kind == _MARSHAL:
            return marshal.loads(data)
        columns: list[Any] = marshal.loads(data)
        if len(self._from_day_numbers) > 100_000:
            self._from_day_numbers.clear()
        for position in self.dates:
            columns[position] = map(self._from_day_numbers.__getitem__, columns[position])
        for position in self.decimals:
            columns[position] = [
                None if text is None else Decimal(text) for text in columns[position]
            ]
        return list(zip(*columns, strict=True))


def _decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if type(value) is not Decimal:
        raise TypeError(f"not a Decimal: {value!r}")
    return str(value)
