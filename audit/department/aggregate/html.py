"""The dashboard as one self-contained HTML page (no scripts, fonts or images from elsewhere).

The template sees only the view-model from `audit.department.aggregate.build` plus words and pre-computed drawing
data (sparkline points, bar widths); jinja2 autoescapes everything, because outlet names and
requirement titles come from inventories and bundles the department did not write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jinja2

from audit.department.aggregate.text import WORDS, label

SPARK_WIDTH, SPARK_HEIGHT = 90, 22


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("report_templates", ""),
        autoescape=True,  # always: names and titles come from files others wrote
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def sparkline_points(series: Sequence[float | None]) -> str:
    """SVG polyline points for a series of percentages (gaps skipped), oldest on the left."""
    values = [(i, v) for i, v in enumerate(series) if v is not None]
    if not values:
        return ""
    step = SPARK_WIDTH / max(len(series) - 1, 1)
    return " ".join(f"{i * step:.1f},{SPARK_HEIGHT - 2 - (v / 100.0) * (SPARK_HEIGHT - 4):.1f}" for i, v in values)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:g}%"


def dashboard_context(view: dict[str, Any]) -> dict[str, Any]:
    """What the dashboard's templates see: the view-model, its words, and drawing data per row.

    Shared by the standalone page below and the portal's /department page (audit.portal.department),
    which include the same `dashboard_sections.html.j2`.
    """
    lang = view["lang"]
    words = {k: label(k, lang) for k in WORDS}
    words["within_days"] = label("within_days", lang, n=view["filters"]["waiver_days"])
    verdicts = {v: label(f"verdict.{v}", lang) for v in ("compliant", "not_compliant", "incomplete", "no_result")}
    words["no_result"] = label("dashboard.no_result", lang)
    words["low_coverage"] = label("dashboard.low_coverage", lang, n=f"{view['coverage_threshold_percent']:g}")
    outlets = [o | {"spark": sparkline_points(o["series"]), "score_text": _pct(o["pass_percent"]),
                    "coverage_text": _pct(o["coverage_percent"]),
                    "verdict_text": verdicts.get(o["verdict"], o["verdict"]),
                    "trend_text": words[f"trend.{o['trend']}"],
                    "delta_text": "" if o["delta"] is None else f"{o['delta']:+g}"} for o in view["outlets"]]
    regressions = [r | {"from_text": verdicts.get(r["from_verdict"], r["from_verdict"]),
                        "to_text": verdicts.get(r["to_verdict"], r["to_verdict"])} for r in view["regressions"]]
    return {"v": view, "w": words, "outlets": outlets, "regressions": regressions, "verdicts": verdicts,
            "spark_width": SPARK_WIDTH, "spark_height": SPARK_HEIGHT, "pct": _pct}


def render_dashboard_html(view: dict[str, Any]) -> str:
    """The dashboard page for a view-model built by `build_dashboard`."""
    return _env().get_template("dashboard.html.j2").render(**dashboard_context(view))
