"""A department map whose answer also names the printer — plain Python, no Django.

:class:`kretslopp.printlogs.DepartmentMap` answers "which department" with the documented
precedence (billing code, user, printer); the printing app keeps its totals per department
*and printer*, so this map answers ``"<department>\\t<printer>"``. It stays a
``DepartmentMap`` (plain, picklable data without Django), so printlogs still sums a large log
in worker processes and asks the mapping once per distinct names.
"""

from __future__ import annotations

from dataclasses import dataclass

from kretslopp.printlogs import DepartmentMap

SEPARATOR = "\t"


@dataclass(frozen=True)
class DepartmentPrinterMap(DepartmentMap):
    def department(self, user: str, printer: str, billing_code: str | None) -> str:
        found = DepartmentMap.department(self, user, printer, billing_code)
        return f"{found or ''}{SEPARATOR}{printer}"


def split_key(key: str) -> tuple[int | None, str]:
    """``"12\\tGRF-MFP-001"`` → ``(12, "GRF-MFP-001")``; no department → ``None``."""
    department, _separator, printer = key.partition(SEPARATOR)
    return (int(department) if department else None), printer
