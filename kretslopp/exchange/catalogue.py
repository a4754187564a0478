"""The shipped KPI catalogue (``data/catalogue.csv``), written into the catalogue table.

The migration ``0002_seed_catalogue`` seeds it at install; :func:`ensure` writes it again
where a test database was flushed.
"""

from __future__ import annotations

import csv
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent / "data" / "catalogue.csv"


def rows() -> list[dict[str, str]]:
    with CATALOGUE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def ensure() -> None:
    from kretslopp.exchange.models import CatalogueKpi

    for row in rows():
        kpi = row.pop("kpi")
        row["version"] = int(row["version"])
        CatalogueKpi.objects.update_or_create(kpi=kpi, defaults=row)
