"""Where every figure comes from: the shipped data files and their sources table.

The package ships its data (``kretslopp/footprint/data``) so that it runs on a closed network;
``data/sources.csv`` names each source with publisher, year, licence and URL, and every factor
the engine returns carries one of these ids.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .texts import Localised

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(name: str) -> Path:
    """Path of a shipped data file (``name`` relative to the package's ``data`` folder)."""
    return DATA_DIR / name


def read_csv(name: str) -> list[dict[str, str]]:
    """Read a shipped CSV file as dictionaries (UTF-8, a byte-order mark is tolerated)."""
    with data_path(name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True, slots=True)
class Source(Localised):
    """One published dataset or documented choice a figure rests on.

    ``title``, ``publisher`` and ``licence`` are as published; ``note`` is ours, with its
    Swedish twin ``note_sv`` (``text("note", "sv")``).
    """

    source_id: str
    title: str
    publisher: str
    year: str
    licence: str
    url: str
    file: str
    note: str
    note_sv: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "source_id": self.source_id,
            "title": self.title,
            "publisher": self.publisher,
            "year": self.year,
            "licence": self.licence,
            "url": self.url,
            "file": self.file,
            "note": self.note,
        }


@cache
def sources() -> dict[str, Source]:
    """All sources by id, read once from ``data/sources.csv``."""
    return {row["source_id"]: Source(**row) for row in read_csv("sources.csv")}


def source(source_id: str) -> Source:
    """The source with ``source_id``; a ``KeyError`` names the unknown id."""
    try:
        return sources()[source_id]
    except KeyError:
        raise KeyError(f"unknown source id {source_id!r}") from None
