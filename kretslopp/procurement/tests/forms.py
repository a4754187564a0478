"""Bidders' filled-in offer forms for tests, made from the form the app generates."""

from __future__ import annotations

import io

from kretslopp.procurement.models import Procurement
from kretslopp.procurement.offerform import build_form, columns_for

#: The worked example's laptop as a form row (column id → cell).
EXAMPLE_ROW = {
    "bidder": "Exempel AB",
    "line_id": "1",
    "lot": "laptop",
    "category": "laptop",
    "manufacturer": "Tillverkare",
    "model": "Bärbar 14",
    "price_per_unit_sek": 9490,
    "tec_kwh_per_year": 18.5,
    "etec_limit_kwh_per_year": 30,
    "warranty_years": 5,
    "battery_cycles": 1000,
    "spare_part_years": 5,
}


def filled_form(procurement: Procurement, rows: list[dict]) -> bytes:
    """The procurement's generated form with ``rows`` typed into its offer sheet."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(build_form(procurement)))
    sheet = workbook.worksheets[0]
    positions = {column.column_id: index for index, column in enumerate(columns_for(procurement))}
    for number, values in enumerate(rows, start=2):
        for column_id, value in values.items():
            cell = sheet.cell(row=number, column=positions[column_id] + 1, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # typed text, never a formula
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
