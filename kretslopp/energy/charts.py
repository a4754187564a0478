"""Vega-Lite specifications built by hand, drawn in the browser and rendered to SVG here.

One spec serves both: the page ships it in a ``<script type="application/json">`` block that
``energy/charts.js`` hands to the Vega bundle served from our own origin, and
:func:`render_svg` turns the same spec into SVG on the server (a target's chart as an image
of its own, ``energy:target_svg``, to save or put into a document), so the chart on screen
and the one taken away cannot disagree.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any
from xml.sax.saxutils import escape

import vl_convert
from django.utils.translation import gettext as _

from kretslopp.core.templatetags.units import kg
from kretslopp.energy.assessment import TargetView

VL_VERSION = "6.4"  # the same Vega-Lite in the browser bundle and the server renderer
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
COLOURS = {
    "trajectory": "#5d6b65",
    "actual": "#1f6f50",
    "forecast": "#9a5b00",
    "with_measures": "#1d4f91",
    "end_user_devices": "#1f6f50",
    "data_centre": "#1d4f91",
    "network": "#9a5b00",
    "printing": "#a4262c",
    "embodied": "#1d4f91",
    "use": "#1f6f50",
}
WIDTH = 720
HEIGHT = 300
#: d3-format locales by page language: Swedish groups thousands with a no-break space and
#: writes a decimal comma; full numbers on the axes rather than SI prefixes ("5.5M").
LOCALES = {"sv": "sv-SE", "en": "en-GB"}
NUMBER = ",~f"  # grouped, no trailing zeros
WHOLE = ",.0f"  # grouped whole numbers for tooltips
#: Dash patterns that tell series and stacked segments apart without relying on hue.
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]]
OUTLINE = "#1d2421"


def _tip(field: str, title: str, kind: str = "quantitative", fmt: str | None = None) -> dict:
    """A tooltip entry with its type and format stated, so it never shows a raw float."""
    entry = {"field": field, "type": kind, "title": title}
    if fmt:
        entry["format"] = fmt
    return entry


def _base(title: str, description: str) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": HEIGHT,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": {
            "font": "DejaVu Sans, sans-serif",
            "axis": {"labelFontSize": 11, "titleFontSize": 12},
            "legend": {"orient": "bottom", "labelFontSize": 12},
            "view": {"stroke": None},
            # The page names and sums up the chart in its own language (the figure around
            # it); Vega's generated descriptions of marks are English and raw floats.
            "aria": False,
            "mark": {"aria": False},
        },
    }


def target_chart(view: TargetView, labels: dict[str, str]) -> dict[str, Any]:
    """Trajectory, actuals and forecast with its band in one chart.

    ``labels`` names the series in the user's language: ``trajectory``, ``actual``,
    ``forecast``, ``band``, ``year`` and ``value`` (the y-axis title with its unit), and
    ``with_measures`` when the view carries a forecast with the decided measures.
    """
    target = view.target
    rows: list[dict[str, Any]] = []
    for year, value in view.engine_target.trajectory_values().items():
        rows.append({"year": year, "value": value, "series": labels["trajectory"]})
    for year, value in sorted(view.actuals.values.items()):
        if year >= target.baseline_year:
            rows.append({"year": year, "value": value, "series": labels["actual"]})
    band: list[dict[str, Any]] = []
    for year, fc in sorted(view.forecasts.items()):
        if fc.point is None:
            continue
        rows.append({"year": year, "value": fc.point, "series": labels["forecast"]})
        if fc.has_band:
            band.append({"year": year, "lower": fc.lower, "upper": fc.upper})
    series = [labels["trajectory"], labels["actual"], labels["forecast"]]
    colours = [COLOURS["trajectory"], COLOURS["actual"], COLOURS["forecast"]]
    dashes: list[list[int]] = [[6, 4], [1, 0], [2, 3]]
    shapes = ["square", "circle", "triangle-up"]
    decided = view.measures.outlook.decided if view.measures and view.measures.outlook else None
    if decided is not None and decided.points:
        # The third line the forum asks about: today's forecast with the decided measures.
        series.append(labels["with_measures"])
        colours.append(COLOURS["with_measures"])
        dashes.append([8, 3, 2, 3])
        shapes.append("diamond")
        for year, value in sorted(decided.points.items()):
            rows.append({"year": year, "value": value, "series": labels["with_measures"]})
    colour = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {"domain": series, "range": colours},
    }
    x = {
        "field": "year",
        "type": "quantitative",
        "title": labels["year"],
        "axis": {"format": "d", "tickMinStep": 1},
        "scale": {"domain": [target.baseline_year, target.target_year], "nice": False},
    }
    layers: list[dict[str, Any]] = []
    if band:
        layers.append(
            {
                "data": {"values": band},
                "mark": {"type": "area", "opacity": 0.18, "color": COLOURS["forecast"]},
                "encoding": {
                    "x": x,
                    "y": {"field": "lower", "type": "quantitative"},
                    "y2": {"field": "upper"},
                    "tooltip": [
                        _tip("year", labels["year"], fmt="d"),
                        _tip("lower", labels["band"], fmt=WHOLE),
                        _tip("upper", labels["band"], fmt=WHOLE),
                    ],
                },
                "name": "band",
            }
        )
    layers.append(
        {
            "data": {"values": rows},
            "mark": {"type": "line", "point": True, "strokeWidth": 2.5},
            "encoding": {
                "x": x,
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": labels["value"],
                    "axis": {"format": NUMBER},
                    "scale": {"zero": False},
                },
                "color": colour,
                # Dashes and point shapes tell the series apart without colour.
                "strokeDash": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": series, "range": dashes},
                },
                "shape": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": series, "range": shapes},
                },
                "tooltip": [
                    _tip("series", " ", "nominal"),
                    _tip("year", labels["year"], fmt="d"),
                    _tip("value", labels["value"], fmt=WHOLE),
                ],
            },
            "name": "series",
        }
    )
    spec = _base(labels.get("title", target.name), labels.get("description", ""))
    spec["layer"] = layers
    # labelLimit: "Prognos med beslutade åtgärder" must not be cut to "Prognos med beslutade …".
    spec["config"]["legend"].update({"symbolStrokeWidth": 2.5, "symbolSize": 90, "labelLimit": 320})
    columns = series
    by_year: dict[int, list[Any]] = {}
    for row in rows:
        cells = by_year.setdefault(row["year"], [None] * (len(columns) + 1))
        cells[columns.index(row["series"])] = row["value"]
    for row in band:
        by_year.setdefault(row["year"], [None] * (len(columns) + 1))[-1] = [
            row["lower"],
            row["upper"],
        ]
    spec["usermeta"] = {
        "table": {
            "key": labels["year"],
            "unit": labels["value"],
            "columns": [*columns, labels["band"]],
            "rows": [[year, *cells] for year, cells in sorted(by_year.items())],
        }
    }
    return _finite(spec)


def stacked_years_chart(
    rows: list[dict[str, Any]], scopes: dict[str, str], labels: dict[str, str]
) -> dict[str, Any]:
    """Bars per year stacked by scope (``rows``: year, scope label, value)."""
    domain = list(scopes.values())
    spec = _base(labels["title"], labels.get("description", ""))
    spec["data"] = {"values": rows}
    # Each segment has a dark outline with its own dash pattern, so neighbouring scopes
    # differ by more than hue (and the legend symbols show the same outlines).
    spec["mark"] = {"type": "bar", "stroke": OUTLINE, "strokeWidth": 1.5}
    spec["encoding"] = {
        "x": {"field": "year", "type": "ordinal", "title": labels["year"]},
        "y": {
            "field": "value",
            "type": "quantitative",
            "title": labels["value"],
            "axis": {"format": NUMBER},
            "stack": "zero",
        },
        "color": {
            "field": "scope",
            "type": "nominal",
            "title": None,
            "scale": {
                "domain": domain,
                "range": [COLOURS.get(code, "#777") for code in scopes][: len(domain)],
            },
        },
        "strokeDash": {
            "field": "scope",
            "type": "nominal",
            "title": None,
            "scale": {"domain": domain, "range": DASHES[: len(domain)]},
        },
        "tooltip": [
            _tip("year", labels["year"], "nominal"),
            _tip("scope", " ", "nominal"),
            _tip("value", labels["value"], fmt=WHOLE),
        ],
    }
    spec["config"]["legend"].update({"symbolType": "square", "symbolSize": 160})
    totals: dict[Any, list[Any]] = {}
    for row in rows:
        cells = totals.setdefault(row["year"], [None] * len(domain))
        cells[domain.index(row["scope"])] = row["value"]
    spec["usermeta"] = {
        "table": {
            "key": labels["year"],
            "unit": labels["value"],
            "columns": [*domain, labels["total"]] if "total" in labels else domain,
            "total": "total" in labels,
            "rows": [
                [year, *cells, *([sum(c or 0 for c in cells)] if "total" in labels else [])]
                for year, cells in sorted(totals.items())
            ],
        }
    }
    return _finite(spec)


def monthly_bars(rows: list[dict[str, Any]], labels: dict[str, str]) -> dict[str, Any]:
    """One bar per month (``rows``: month "YYYY-MM", value)."""
    spec = _base(labels["title"], labels.get("description", ""))
    spec["height"] = 200
    spec["data"] = {"values": rows}
    spec["mark"] = {"type": "bar", "color": COLOURS["actual"]}
    spec["encoding"] = {
        "x": {"field": "month", "type": "ordinal", "title": labels["month"]},
        "y": {
            "field": "value",
            "type": "quantitative",
            "title": labels["value"],
            "axis": {"format": NUMBER},
        },
        "tooltip": [
            _tip("month", labels["month"], "ordinal"),
            _tip("value", labels["value"], fmt=WHOLE),
        ],
    }
    spec["usermeta"] = {
        "table": {
            "key": labels["month"],
            "unit": labels["value"],
            "columns": [labels["value"]],
            "rows": [[row["month"], row["value"]] for row in rows],
        }
    }
    return _finite(spec)


def _figure(value) -> str:
    """A chart value as the page writes numbers: grouped, a band as "low–high"."""
    if value is None:
        return "–"
    if isinstance(value, list | tuple):
        return "–".join(_figure(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return kg(value)
    return str(value)


def summary_of(spec: dict[str, Any]) -> str:
    """One sentence per series: where it starts and where it ends, in the page's language."""
    meta = (spec.get("usermeta") or {}).get("table")
    if not meta:
        return str(spec.get("description") or "")
    rows = meta["rows"]
    if not rows:
        return _("No values yet.")
    sentences = [
        _("%(unit)s per %(key)s, %(first)s–%(last)s.")
        % {
            "unit": meta["unit"],
            "key": str(meta["key"]).lower(),
            "first": rows[0][0],
            "last": rows[-1][0],
        }
    ]
    columns = list(enumerate(meta["columns"], start=1))
    if meta.get("total"):  # stacked parts: the total says it in one sentence, the table the rest
        columns = columns[-1:]
    for index, column in columns:
        values = [
            (row[0], row[index])
            for row in rows
            if isinstance(row[index], int | float) and not isinstance(row[index], bool)
        ]
        if not values:
            continue
        (first_key, first), (last_key, last) = values[0], values[-1]
        if len(values) == 1:
            text = _("%(series)s: %(value)s (%(key)s).") % {
                "series": column,
                "value": _figure(first),
                "key": first_key,
            }
        else:
            text = _("%(series)s from %(first)s (%(first_key)s) to %(last)s (%(last_key)s).") % {
                "series": column,
                "first": _figure(first),
                "first_key": first_key,
                "last": _figure(last),
                "last_key": last_key,
            }
        sentences.append(text)
    return " ".join(sentences)


def table_of(spec: dict[str, Any]) -> dict[str, Any] | None:
    """The values behind a chart as a table and a short summary, for those who cannot see
    the drawing (and for anyone who wants the exact figures).

    Every chart builder in :mod:`kretslopp.energy.charts` leaves its table in the spec's
    ``usermeta``; a spec without one has no table.
    """
    meta = (spec.get("usermeta") or {}).get("table")
    if not meta:
        return None
    return {
        "key": meta["key"],
        "unit": meta["unit"],
        "columns": meta["columns"],
        "rows": [{"key": row[0], "cells": [_figure(c) for c in row[1:]]} for row in meta["rows"]],
        "summary": summary_of(spec),
    }


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: replace them with null rather than break the page."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


@functools.cache
def chart_locale(language: str) -> dict[str, Any]:
    """The d3 number and date formats of a page language, for the browser and the server.

    The same dictionaries go to vega-embed on the page and to vl-convert here, so a chart
    reads "5 887 347" on a Swedish page, in its tooltip and in the SVG for a report alike.
    """
    name = LOCALES.get((language or "sv").split("-")[0], LOCALES["sv"])
    return {
        "format": vl_convert.get_format_locale(name),
        "time": vl_convert.get_time_format_locale(name),
    }


def render_svg(spec: dict[str, Any], language: str | None = None, summary: str = "") -> str:
    """The chart as SVG, rendered on the server by the same Vega-Lite version as the page.

    Numbers follow ``language`` (the active language when None). The SVG carries its name
    and summary as ``<title>`` and ``<desc>``, so it stays accessible outside the page.
    """
    if language is None:
        from django.utils.translation import get_language

        language = get_language()
    locale = chart_locale(language or "sv")
    svg = vl_convert.vegalite_to_svg(
        spec,
        vl_version=VL_VERSION,
        format_locale=locale["format"],
        time_format_locale=locale["time"],
    )
    return titled_svg(svg, str(spec.get("title") or ""), summary or summary_of(spec))


def titled_svg(svg: str, title: str, description: str) -> str:
    """``svg`` with ``<title>`` and ``<desc>`` first in its root, and named as one image."""
    opening = re.match(r"<svg\b[^>]*>", svg)
    if opening is None:
        return svg
    root = opening.group(0)[:-1]
    named = f'{root} role="img" aria-labelledby="chart-title chart-desc">'
    parts = f'<title id="chart-title">{escape(title)}</title>'
    parts += f'<desc id="chart-desc">{escape(description)}</desc>'
    return named + parts + svg[opening.end() :]


def chart_context(element_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    """What the chart include needs: an element id and the spec as JSON for a data block."""
    return {"id": element_id, "spec_id": f"{element_id}-spec", "spec": spec}
