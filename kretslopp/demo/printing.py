"""Two years of the demo city's print volumes (2024–2025), as the import would store them.

Aggregated totals per department, month and printer are generated directly (no raw logs,
no user names), deterministically from the seed, and kept under one :class:`PrintImport`
marked as demo. Sized for 26,000 staff: about 2 million jobs and 26 million pages in 2024,
roughly one printer per 40 employees; 2025 is about 11 % lower after the sustainability
forum's campaign (more duplex, less colour), unevenly across departments so that the
"biggest changes" list has something to say. July prints least, the autumn term most.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from kretslopp.core import audit, bulk
from kretslopp.demo import city
from kretslopp.energy.models import Target
from kretslopp.organisation.models import Department
from kretslopp.printing.models import LogSource, PrintImport, PrintVolume

YEARS = (2024, 2025)
PAGES_PER_EMPLOYEE_2024 = 1000
PAGES_PER_JOB = 13
EMPLOYEES_PER_PRINTER = 40
#: Relative printing per month (July is the summer holiday).
SEASON = (1.0, 1.05, 1.1, 1.0, 1.05, 0.85, 0.35, 0.8, 1.15, 1.15, 1.1, 0.85)


@dataclass(frozen=True)
class Volume:
    department: str
    month: dt.date
    printer: str
    jobs: int
    pages: int
    sheets: int
    a4_sheets: float
    pages_duplex: int
    pages_colour: int


def volumes(seed: int = 1) -> list[Volume]:
    rng = random.Random(f"printing-{seed}")
    out: list[Volume] = []
    season_total = sum(SEASON)
    for spec in city.DEPARTMENTS:
        printers = max(1, round(spec.employees / EMPLOYEES_PER_PRINTER))
        change = rng.uniform(-0.25, 0.02)  # the department's 2024→2025 change
        weights = [rng.uniform(0.5, 1.5) for _ in range(printers)]
        total_weight = sum(weights)
        for year in YEARS:
            level = 1.0 if year == YEARS[0] else 1.0 + change
            duplex = 0.55 if year == YEARS[0] else 0.63
            colour = 0.18 if year == YEARS[0] else 0.14
            yearly = spec.employees * PAGES_PER_EMPLOYEE_2024 * level
            for month in range(1, 13):
                monthly = yearly * SEASON[month - 1] / season_total
                for index, weight in enumerate(weights):
                    pages = round(monthly * weight / total_weight * rng.uniform(0.9, 1.1))
                    if pages <= 0:
                        continue
                    pages_duplex = round(pages * duplex)
                    a3_share = 0.02
                    sheets = pages - pages_duplex + -(-pages_duplex // 2)
                    out.append(
                        Volume(
                            department=spec.code,
                            month=dt.date(year, month, 1),
                            printer=f"{spec.code}-MFP-{index + 1:03d}",
                            jobs=max(1, round(pages / PAGES_PER_JOB)),
                            pages=pages,
                            sheets=sheets,
                            a4_sheets=sheets * (1 + a3_share),
                            pages_duplex=pages_duplex,
                            pages_colour=round(pages * colour),
                        )
                    )
    return out


def load(seed: int = 1) -> dict[str, int]:
    """Write the volumes under one demo import, and a print-reduction target."""
    rows = volumes(seed)
    departments = dict(Department.objects.values_list("code", "pk"))
    record = PrintImport.objects.create(
        file_name=f"Demodata: utskrifter {YEARS[0]}–{YEARS[-1]}",
        sha256=hashlib.sha256(f"kretslopp-demo-printing-{seed}".encode()).hexdigest(),
        source=LogSource.DEMO,
        jobs=sum(r.jobs for r in rows),
        pages=sum(r.pages for r in rows),
        first_month=rows[0].month if rows else None,
        last_month=max(r.month for r in rows) if rows else None,
        is_demo=True,
    )
    bulk.create(
        PrintVolume,
        [
            PrintVolume(
                print_import=record,
                department_id=departments[r.department],
                month=r.month,
                printer=r.printer,
                jobs=r.jobs,
                pages=r.pages,
                sheets=r.sheets,
                a4_sheets=r.a4_sheets,
                pages_duplex=r.pages_duplex,
                pages_duplex_known=r.pages,
                pages_colour=r.pages_colour,
                pages_colour_known=r.pages,
            )  # fmt: skip
            for r in rows
        ],
    )
    audit.record(record, "update", {"volumes": [None, len(rows)]})
    baseline = sum(r.pages for r in rows if r.month.year == YEARS[0])
    Target.objects.create(
        name="Utskrivna sidor −25 % till 2027",
        kpi="pages_printed",
        baseline_year=YEARS[0],
        baseline_value=baseline,
        target_year=YEARS[0] + 3,
        target_value=round(baseline * 0.75),
        trajectory="constant_rate",
        commitment="Hållbarhetsforum: minska utskrifterna",
        is_demo=True,
    )
    return {"print_volumes": len(rows), "print_targets": 1}


def delete() -> None:
    Target.objects.filter(is_demo=True, kpi="pages_printed").delete()
    PrintImport.objects.filter(is_demo=True).delete()
