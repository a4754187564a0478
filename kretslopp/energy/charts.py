"""Vega-Lite specifications built by hand, drawn in the browser and rendered to SVG here.

One spec serves both: the page ships it in a ``<script type="application/json">`` block that
``energy/charts.js`` hands to the Vega bundle served from our own origin, and
:func:`render_svg` turns the same spec into SVG on the server (for PDF reports), so the
chart on screen and the one in the report cannot disagree.
"""

from __future__ import annotations

import math
from typing import Any

import vl_convert

from kretslopp.energy.assessment import TargetView

VL_VERSION = "6.4"  # the same Vega-Lite in the browser bundle and the server renderer
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
COLOURS = {
    "trajectory": "#5d6b65",
    "actual": "#1f6f50",
    "forecast": "#9a5b00",
    "end_user_devices": "#1f6f50",
    "data_centre": "#1d4f91",
    "network": "#9a5b00",
    "printing": "#a4262c",
}
WIDTH = 720
HEIGHT = 300


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
        },
    }


def target_chart(view: TargetView, labels: dict[str, str]) -> dict[str, Any]:
    """Trajectory, actuals and forecast with its band in one chart.

    ``labels`` names the series in the user's language: ``trajectory``, ``actual``,
    ``forecast``, ``band``, ``year`` and ``value`` (the y-axis title with its unit).
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
    colour = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {
            "domain": series,
            "range": [COLOURS["trajectory"], COLOURS["actual"], COLOURS["forecast"]],
        },
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
                        {"field": "year", "title": labels["year"]},
                        {"field": "lower", "format": ",.0f", "title": labels["band"]},
                        {"field": "upper", "format": ",.0f", "title": labels["band"]},
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
                    "axis": {"format": "~s"},
                    "scale": {"zero": False},
                },
                "color": colour,
                "strokeDash": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": series, "range": [[6, 4], [1, 0], [2, 3]]},
                },
                "tooltip": [
                    {"field": "series", "title": " "},
                    {"field": "year", "title": labels["year"]},
                    {"field": "value", "format": ",.0f", "title": labels["value"]},
                ],
            },
            "name": "series",
        }
    )
    spec = _base(labels.get("title", target.name), labels.get("description", ""))
    spec["layer"] = layers
    return _finite(spec)


def stacked_years_chart(
    rows: list[dict[str, Any]], scopes: dict[str, str], labels: dict[str, str]
) -> dict[str, Any]:
    """Bars per year stacked by scope (``rows``: year, scope label, value)."""
    domain = list(scopes.values())
    spec = _base(labels["title"], labels.get("description", ""))
    spec["data"] = {"values": rows}
    spec["mark"] = {"type": "bar"}
    spec["encoding"] = {
        "x": {"field": "year", "type": "ordinal", "title": labels["year"]},
        "y": {
            "field": "value",
            "type": "quantitative",
            "title": labels["value"],
            "axis": {"format": "~s"},
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
        "tooltip": [
            {"field": "year", "title": labels["year"]},
            {"field": "scope", "title": " "},
            {"field": "value", "format": ",.0f", "title": labels["value"]},
        ],
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
            "axis": {"format": "~s"},
        },
        "tooltip": [
            {"field": "month", "title": labels["month"]},
            {"field": "value", "format": ",.0f", "title": labels["value"]},
        ],
    }
    return _finite(spec)


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: replace them with null rather than break the page."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def render_svg(spec: dict[str, Any]) -> str:
    """The chart as SVG, rendered on the server by the same Vega-Lite version as the page."""
    return vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)
