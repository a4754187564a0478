"""Draw a report from its snapshot: HTML, a tagged PDF (PDF/UA) and an XLSX of its tables.

Everything here reads the snapshot only, so the same snapshot gives the same report in a
year's time. :func:`build_report` is the one boundary the web, the command line and (once
the background jobs exist) a job call.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import translation

from kretslopp.energy.charts import render_svg
from kretslopp.reports.models import ReportSnapshot
from kretslopp.tabular import write_xlsx_sheets

PDF_VARIANT = "pdf/ua-1"
FORMATS = ("html", "pdf", "xlsx")


def number(value: Any, digits: int | None = None) -> str:
    """A figure in the active language (decimal comma and grouped thousands in Swedish)."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if digits is None:
        digits = 0 if abs(value) >= 100 or float(value).is_integer() else 1
    # The pages' own filter (floatformat, grouped, in the active language): a figure in the
    # report is written exactly as the page writes it.
    text = floatformat(value, f"{digits}g")
    return "\u2212" + text[1:] if text.startswith("-") else text  # a real minus, as the pages


def _cell(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):  # {"value": …, "low": …, "high": …, "digits": …}
        text = number(value.get("value"), value.get("digits"))
        if value.get("low") is not None and value.get("low") != value.get("high"):
            low = number(value["low"], value.get("digits"))
            high = number(value["high"], value.get("digits"))
            text += f" ({low}–{high})"
        return {"text": text, "numeric": True}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"text": number(value), "numeric": True}
    return {"text": "" if value is None else str(value), "numeric": False}


def _prepared(section: dict[str, Any], language: str) -> dict[str, Any]:
    """A section ready for the template: cells formatted, charts drawn as SVG."""
    tables = []
    for table in section.get("tables", []):
        cells = [[_cell(v) for v in row] for row in table.get("rows", [])]
        numeric = [any(row[i]["numeric"] for row in cells) for i in range(len(table["headers"]))]
        headers = [
            {"text": h, "numeric": n} for h, n in zip(table["headers"], numeric, strict=True)
        ]
        tables.append({**table, "cells": cells, "header_cells": headers})
    figures = [{**figure, "text": _cell(figure)["text"]} for figure in section.get("figures", [])]
    charts = [
        {
            "svg_base64": base64.b64encode(
                render_svg(chart["spec"], language, chart.get("alt", "")).encode()
            ).decode(),
            "alt": chart.get("alt"),
        }
        for chart in section.get("charts", [])
    ]
    return {**section, "tables": tables, "figures": figures, "charts": charts}


@dataclass(frozen=True)
class Report:
    """One rendered report: its bytes, content type and file name."""

    data: bytes
    content_type: str
    filename: str


def title_of(snapshot: ReportSnapshot, language: str) -> str:
    with translation.override(language):
        from django.utils.translation import gettext as _

        if snapshot.department_id:
            return _("IT and climate report %(year)s: %(department)s") % {
                "year": snapshot.year,
                "department": snapshot.content["meta"]["department"],
            }
        return _("IT and climate report %(year)s") % {"year": snapshot.year}


def html(snapshot: ReportSnapshot, language: str, *, for_pdf: bool = False) -> str:
    """The report as a whole HTML document in ``language`` (also what the PDF is made from)."""
    with translation.override(language):
        sections = [_prepared(s, language) for s in snapshot.content[language]["sections"]]
        return render_to_string(
            "reports/report.html",
            {
                "snapshot": snapshot,
                "meta": snapshot.content["meta"],
                "title": title_of(snapshot, language),
                "sections": sections,
                "summary": [f for s in sections for f in s["figures"] if f.get("headline")],
                "language": language,
                "for_pdf": for_pdf,
            },
        )


def pdf(snapshot: ReportSnapshot, language: str) -> bytes:
    """The report as a tagged PDF/UA-1 document (language, title, structure, alt text)."""
    from weasyprint import HTML  # imported here: loading Pango costs a second

    document = HTML(string=html(snapshot, language, for_pdf=True), base_url=".")
    return document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False)


def xlsx(snapshot: ReportSnapshot, language: str) -> bytes:
    """Every table of the report, one sheet each, formula-safe (the shared XLSX writer)."""
    sheets = []
    for section in snapshot.content[language]["sections"]:
        for table in section.get("tables", []):
            rows = [[_raw(v) for v in row] for row in table.get("rows", [])]
            name = f"{len(sheets) + 1} {table.get('caption') or section['title']}"
            sheets.append((name, table["headers"], rows))
    stream = io.BytesIO()
    write_xlsx_sheets(stream, sheets)
    return stream.getvalue()


def _raw(value: Any) -> Any:
    """A cell for a spreadsheet: the figure itself (its range goes in the same cell's text)."""
    if isinstance(value, dict):
        if value.get("low") is not None and value.get("low") != value.get("high"):
            return f"{value.get('value')} ({value.get('low')}–{value.get('high')})"
        return value.get("value")
    return value


def build_report(snapshot: ReportSnapshot, language: str, output: str) -> Report:
    """The report of ``snapshot`` in ``language`` as ``output`` (html, pdf or xlsx)."""
    if output not in FORMATS:
        raise ValueError(f"unknown report format {output!r}; expected one of {FORMATS}")
    stem = f"report-{snapshot.year}"
    if snapshot.department_id:
        stem += f"-{snapshot.content['meta']['department_code']}"
    stem += f"-{language}"
    if output == "pdf":
        return Report(pdf(snapshot, language), "application/pdf", f"{stem}.pdf")
    if output == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Report(xlsx(snapshot, language), content_type, f"{stem}.xlsx")
    return Report(html(snapshot, language).encode(), "text/html; charset=utf-8", f"{stem}.html")
