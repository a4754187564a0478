"""Reading and writing tabular files (CSV and XLSX) — plain Python, no Django.

The bottom layer of every import (asset files, Snipe-IT/GLPI/Intune exports, partner
reports, meter readings) and of every export. See :mod:`kretslopp.tabular.reading` for the
reading rules, :mod:`kretslopp.tabular.values` for parsing cell text,
:mod:`kretslopp.tabular.writing` for exports and :mod:`kretslopp.tabular.mapping` for the
column mapping a user confirms and for value maps; which headers and names mean what for
assets lives with the asset import (:mod:`kretslopp.imports.assets.columns`).
:mod:`kretslopp.tabular.limits` bounds what reading a file may cost, and
:mod:`kretslopp.tabular.archive` checks an XLSX archive before it is read.
"""

from kretslopp.tabular.errors import MESSAGES, TabularError, ValueParseError
from kretslopp.tabular.limits import DEFAULT_LIMITS, ReadLimits
from kretslopp.tabular.reading import Row, Table, open_table
from kretslopp.tabular.values import (
    looks_like_formula,
    looks_like_markup,
    neutralise_cell,
    normalise_header,
    parse_bool,
    parse_date,
    parse_decimal,
    strip_html,
    undo_neutralise,
)
from kretslopp.tabular.writing import write_csv, write_xlsx, write_xlsx_sheets

__all__ = [
    "DEFAULT_LIMITS",
    "MESSAGES",
    "ReadLimits",
    "Row",
    "Table",
    "TabularError",
    "ValueParseError",
    "looks_like_markup",
    "looks_like_formula",
    "neutralise_cell",
    "undo_neutralise",
    "normalise_header",
    "open_table",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "strip_html",
    "write_csv",
    "write_xlsx",
    "write_xlsx_sheets",
]
